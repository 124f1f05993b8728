"""The nightly recomputation of a large synthetic programme, beside one hand-written aggregate query.

Generates, set-based in SQL and reproducibly (a fixed integer hash of each project's position, no random
state), by default the issue's city shape, 320 items (16 districts × 20) × 3 targets, with PROJECTS / 960
projects per target; `--items 1000 --targets 5` gives the wide shape whose per-target work is 5× as much.
On SQLite or PostgreSQL (then ANALYZE there, as autovacuum would). Times `services.health.recompute.recompute` beside the baseline: one
hand-written GROUP BY computing the same per-target facts over the same rows (projects, measured,
counted quantity, suspended, cancelled, overdue against each planned date, started). Peak memory is
the Python allocation peak (tracemalloc), measured in a second run of each so it does not slow the timed one.
Run: `.venv/bin/python bench/nightly.py [--db sqlite|postgres] [--projects 100000] [--items 320]
[--targets 3] [--statements]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import db_argument, fresh_database, server_version
from sqlalchemy import event, text
from synthetic import AS_OF, CODE, ITEMS, TARGETS, generate

from models.db import Database
from services.health.recompute import recompute
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork

NIGHTS = 7  # timed nights after the first; the figures are their medians
BASELINE = """
SELECT p.target_id, count(*), count(p.quantity),
       sum(CASE WHEN CASE p.stage WHEN 'approved' THEN 0 WHEN 'preparation' THEN 1 WHEN 'construction' THEN 2
                                  WHEN 'completed' THEN 3 WHEN 'operating' THEN 4 ELSE -1 END
                  >= CASE t.counting_stage WHEN 'approved' THEN 0 WHEN 'preparation' THEN 1
                                           WHEN 'construction' THEN 2 WHEN 'completed' THEN 3 ELSE 4 END
                THEN p.quantity ELSE 0 END),
       sum(CASE WHEN p.stage = 'suspended' THEN 1 ELSE 0 END),
       sum(CASE WHEN p.stage = 'cancelled' THEN 1 ELSE 0 END),
       sum(CASE WHEN p.stage = 'approved' AND p.planned_preparation_on < :as_of
                  OR p.stage IN ('approved', 'preparation') AND p.planned_construction_on < :as_of
                  OR p.stage IN ('approved', 'preparation', 'construction') AND p.planned_completed_on < :as_of
                  OR p.stage IN ('approved', 'preparation', 'construction', 'completed')
                     AND p.planned_operating_on < :as_of THEN 1 ELSE 0 END),
       sum(CASE WHEN p.stage IN ('preparation', 'construction', 'completed', 'operating') THEN 1 ELSE 0 END)
FROM projects p JOIN items i ON p.item_id = i.id JOIN targets t ON p.target_id = t.id
WHERE i.programme_id = :pid GROUP BY p.target_id
"""


@contextmanager
def statement_clock(db: Database, each: list[tuple[float, str]] | None = None) -> Iterator[dict[str, float]]:
    """Seconds spent inside the driver's execute, for reading (SELECT) and writing statements (and `each`)."""
    spent = {"read": 0.0, "write": 0.0}

    def before(conn: Any, *_: Any) -> None:
        conn.info["bench_start"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        kind = "read" if statement.lstrip().upper().startswith("SELECT") else "write"
        seconds = time.perf_counter() - conn.info.pop("bench_start")
        spent[kind] += seconds
        if each is not None:
            each.append((seconds, " ".join(statement.split())))

    event.listen(db.engine, "before_cursor_execute", before)
    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield spent
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
        event.remove(db.engine, "after_cursor_execute", after)


def timed(work: Callable[[], object]) -> float:
    """Seconds of one call."""
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def peak_mib(work: Callable[[], object]) -> float:
    """Peak MiB of Python allocations during one call."""
    tracemalloc.start()
    work()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def main() -> None:
    """Generate, measure, print side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000, help="default 100,000")
    parser.add_argument("--items", type=int, default=ITEMS, help=f"default {ITEMS}")
    parser.add_argument("--targets", type=int, default=TARGETS, help=f"targets per item, default {TARGETS}")
    parser.add_argument("--statements", action="store_true", help="also print each statement's seconds")
    db_argument(parser)
    args = parser.parse_args()
    with fresh_database(args.db, "nightly") as db:
        start = time.perf_counter()
        projects = generate(db, args.projects, args.items, args.targets)
        generated = time.perf_counter() - start
        with db.read() as session:
            pid = resolve_programme(session, CODE).id
        late: list[int] = []

        def baseline() -> None:
            with db.engine.connect() as conn:
                conn.execute(text(BASELINE), {"as_of": AS_OF, "pid": pid}).all()

        def nightly(day: date = AS_OF) -> None:
            with UnitOfWork(db) as uow:
                late.append(recompute(uow, resolve_programme(uow.session, CODE), day).late_projects)

        baseline()  # warm the caches for both
        first_s = timed(lambda: nightly(AS_OF - timedelta(days=NIGHTS)))  # a fresh process, no earlier night
        bases, nights = [], []
        for k in range(NIGHTS - 1, -1, -1):  # the following nights, each beside a baseline run
            bases.append(timed(baseline))
            each: list[tuple[float, str]] = []
            with statement_clock(db, each) as spent:
                nights.append(timed(lambda: nightly(AS_OF - timedelta(days=k))))  # noqa: B023
        b_s, n_s = statistics.median(bases), statistics.median(nights)
        b_mem, n_mem = peak_mib(baseline), peak_mib(nightly)
        version = server_version(db)
    print(
        f"nightly recomputation on {version}: {args.items} items, {args.items * args.targets} targets,"
        f" {projects} projects"
    )
    print(f"(generated in {generated:.1f} s)")
    print(f"{'':44}{'seconds':>9}{'peak MiB':>10}")
    print(f"{'one hand-written GROUP BY (baseline)':44}{b_s:9.3f}{b_mem:10.1f}")
    print(f"{'services.health.recompute.recompute, a night':44}{n_s:9.3f}{n_mem:10.1f}")
    print(f"(medians of {NIGHTS} nights, each beside a baseline run)")
    print(f"{'  the first night of a fresh process':44}{first_s:9.3f}")
    print(f"ratio {n_s / b_s:.2f}× the baseline ({first_s / b_s:.2f}× the first night, which compiles the")
    print(f"statements and has no earlier snapshots); {late[-1]} overdue projects counted, not copied")
    python = nights[-1] - spent["read"] - spent["write"]
    print(
        f"last night: {spent['read']:.3f} s in reading statements, {spent['write']:.3f} s in writing ones,"
        f" {python:.3f} s in the rest (Python; on PostgreSQL also the COPY of the snapshot rows)"
    )
    if args.statements:
        for seconds, statement in each:
            print(f"{seconds:9.3f}  {statement[:100]}")


if __name__ == "__main__":
    main()
