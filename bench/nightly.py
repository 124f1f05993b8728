"""The nightly recomputation on a large synthetic programme, beside one hand-written SQL aggregate.

Generates (seeded, reproducible) ITEMS × 5 targets × 20 projects on SQLite, then times
`services.health.recompute` and, as the baseline, one GROUP BY over the same rows. Peak memory is
the Python allocation peak (tracemalloc) during each.
Run: `.venv/bin/python bench/nightly.py [items]` (default 1000 items = 100,000 projects).
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from models import Item, Programme, Project, Target
from models.db import Database
from models.migrate import upgrade
from services.health import recompute
from services.refs import resolve_programme

STAGES = ["approved", "preparation", "construction", "completed", "operating", "suspended", "cancelled"]
WEIGHTS = [10, 15, 30, 25, 15, 3, 2]
AS_OF = date(2020, 9, 30)
BASELINE = """
SELECT p.target_id, count(*), sum(CASE WHEN p.stage IN ('completed', 'operating') THEN p.quantity ELSE 0 END),
       sum(CASE WHEN p.planned_completed_on < :as_of AND p.stage IN ('approved', 'preparation', 'construction')
                THEN 1 ELSE 0 END)
FROM projects p JOIN items i ON p.item_id = i.id WHERE i.programme_id = :pid GROUP BY p.target_id
"""


def generate(db: Database, items: int, seed: int = 2020, per_target: int = 20) -> int:
    """Insert a synthetic programme; return its project count."""
    rng = random.Random(seed)
    with db.engine.begin() as conn:
        pid = conn.execute(
            insert(Programme).values(code="synthetic-2020", name="合成计划", year=2020, created_at=AS_OF)
        ).inserted_primary_key[0]
        conn.execute(
            insert(Item),
            [{"programme_id": pid, "number": n, "title": f"项目{n}"} for n in range(1, items + 1)],
        )
        item_ids = [
            r[0]
            for r in conn.execute(
                text("SELECT id FROM items WHERE programme_id = :p ORDER BY number"), {"p": pid}
            )
        ]
        conn.execute(
            insert(Target),
            [
                {
                    "item_id": i,
                    "position": t,
                    "name": f"指标{t}",
                    "quantity": 20,
                    "unit": "个",
                    "bound": "exact",
                    "counting_stage": "completed",
                    "phrases": {},
                }
                for i in item_ids
                for t in range(1, 6)
            ],
        )
        targets = conn.execute(text("SELECT id, item_id, position FROM targets")).all()
        rows = []
        for target_id, item_id, position in targets:
            for k in range(per_target):
                rows.append(
                    {
                        "item_id": item_id,
                        "target_id": target_id,
                        "number": (position - 1) * per_target + k + 1,
                        "name": f"点位{k}",
                        "quantity": 1,
                        "stage": rng.choices(STAGES, WEIGHTS)[0],
                        "version": 1,
                        "planned_completed_on": date(2020, 6, 30) + timedelta(days=rng.randint(0, 180)),
                        "updated_at": AS_OF,
                    }
                )
        conn.execute(insert(Project), rows)
    return len(rows)


def measure(label: str, work: object) -> tuple[float, float]:
    """Seconds and peak MiB of one call."""
    tracemalloc.start()
    start = time.perf_counter()
    work()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    """Generate, measure, print side by side."""
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    db = Database(f"sqlite:///{tempfile.mkdtemp(prefix='shishi-nightly-')}/bench.db")
    upgrade(db)
    projects = generate(db, items)
    with db.read() as session:
        pid = resolve_programme(session, "synthetic-2020").id

    def baseline() -> None:
        with db.engine.connect() as conn:
            conn.execute(text(BASELINE), {"as_of": AS_OF, "pid": pid}).all()

    late: list[int] = []

    def nightly() -> None:
        with db.write() as session:
            late.append(recompute(session, resolve_programme(session, "synthetic-2020"), AS_OF).late_projects)

    baseline()  # warm the page cache for both
    b_s, b_mem = measure("baseline", baseline)
    n_s, n_mem = measure("nightly", nightly)
    print(f"nightly recomputation on SQLite: {items} items, {items * 5} targets, {projects} projects")
    print(f"{'':40}{'seconds':>9}{'peak MiB':>10}")
    print(f"{'one hand-written GROUP BY (baseline)':40}{b_s:9.3f}{b_mem:10.1f}")
    print(f"{'services.health.recompute':40}{n_s:9.3f}{n_mem:10.1f}")
    print(f"ratio {n_s / b_s:.2f}× the baseline; {late[0]} overdue projects written as snapshot rows")


if __name__ == "__main__":
    main()
