"""10,000 advances through the use case, beside a plain sqlite3 loop and the naive one-Machine-per-project design.

Every advance is one transaction: prerequisites checked, the stage and its date changed, an audit row
and an outbox row written. The plain loop does the same writes with the sqlite3 module in the same
number of transactions. The naive design builds a `transitions` Machine per project (domain step only).
Run: `.venv/bin/python bench/stage_changes.py [count]`.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text
from transitions import Machine

from models import Item, Programme, Project, Target
from models.db import Database
from models.migrate import upgrade
from services.lifecycle import StageChange, change_stage
from states.machine import StageToken, _transitions, fire
from states.stages import Stage

TODAY = date(2020, 10, 20)
PER_ITEM = 100


def seed(db: Database, count: int) -> None:
    """count projects at 开工, in items of 100, whose target needs no evidence to reach 完工."""
    items = count // PER_ITEM
    with db.engine.begin() as conn:
        pid = conn.execute(
            insert(Programme).values(
                code="bench-2020",
                name="基准",
                year=2020,
                created_at=TODAY,
                office_email="office@bench.example",
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(Item),
            [{"programme_id": pid, "number": n, "title": f"项目{n}"} for n in range(1, items + 1)],
        )
        item_ids = [r[0] for r in conn.execute(text("SELECT id FROM items ORDER BY number"))]
        conn.execute(
            insert(Target),
            [
                {
                    "item_id": i,
                    "position": 1,
                    "name": "指标",
                    "quantity": PER_ITEM,
                    "unit": "个",
                    "bound": "exact",
                    "counting_stage": "completed",
                    "phrases": {},
                    "requirements": {"completed": []},
                }
                for i in item_ids
            ],
        )
        targets = dict(conn.execute(text("SELECT item_id, id FROM targets")).all())
        conn.execute(
            insert(Project),
            [
                {
                    "item_id": i,
                    "target_id": targets[i],
                    "number": k,
                    "name": f"点位{k}",
                    "quantity": 1,
                    "stage": "construction",
                    "version": 1,
                    "actual_construction_on": date(2020, 5, 1),
                    "updated_at": TODAY,
                }
                for i in item_ids
                for k in range(1, PER_ITEM + 1)
            ],
        )


def use_case(db: Database, count: int) -> float:
    start = time.perf_counter()
    for n in range(count):
        ref = f"{n // PER_ITEM + 1}.{n % PER_ITEM + 1}"
        with db.write() as session:
            change_stage(
                session,
                StageChange(
                    ref=ref, event="advance", actor="bench", at=TODAY, expected_stage=Stage.construction
                ),
                TODAY,
            )
    return time.perf_counter() - start


def plain_loop(path: Path, count: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    for n in range(count):
        number, item = n % PER_ITEM + 1, n // PER_ITEM + 1
        conn.execute("BEGIN IMMEDIATE")
        pid, version = conn.execute(
            "SELECT p.id, p.version FROM projects p JOIN items i ON p.item_id = i.id "
            "WHERE i.number = ? AND p.number = ?",
            (item, number),
        ).fetchone()
        conn.execute(
            "UPDATE projects SET stage='completed', actual_completed_on=?, version=version+1 "
            "WHERE id=? AND version=?",
            (TODAY.isoformat(), pid, version),
        )
        conn.execute(
            "INSERT INTO transitions (project_id, event, from_stage, to_stage, actor, occurred_on, "
            "recorded_at, evidence, source) VALUES (?, 'advance', 'construction', 'completed', 'bench', ?, "
            "datetime('now'), '[]', 'cli')",
            (pid, TODAY.isoformat()),
        )
        conn.execute(
            "INSERT INTO outbox (dedupe_key, kind, recipient, payload, status, attempts, created_at, "
            "next_attempt_at) VALUES (?, 'stage_changed', 'office@bench.example', '{}', 'pending', 0, "
            "datetime('now'), datetime('now'))",
            (f"plain:{n}",),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def domain(count: int) -> tuple[float, float]:
    start = time.perf_counter()
    for _ in range(count):
        fire("advance", StageToken(Stage.construction))
    shared = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(count):
        token = StageToken(Stage.construction)
        Machine(
            model=token,
            states=Stage,
            initial=Stage.construction,
            transitions=_transitions(),
            auto_transitions=False,
            send_event=True,
        )
        token.advance()  # type: ignore[attr-defined]
    return shared, time.perf_counter() - start


def main() -> None:
    """Measure and print side by side."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    folder = Path(tempfile.mkdtemp(prefix="shishi-transitions-"))
    db = Database(f"sqlite:///{folder}/uc.db")
    upgrade(db)
    seed(db, count)
    plain_db = Database(f"sqlite:///{folder}/plain.db")
    upgrade(plain_db)
    seed(plain_db, count)
    uc = use_case(db, count)
    plain = plain_loop(folder / "plain.db", count)
    shared, naive = domain(count)
    print(f"{count} advances on SQLite, one transaction each (stage, date, audit row, outbox row)")
    print(f"{'':46}{'seconds':>9}{'per advance ms':>16}")
    print(f"{'plain sqlite3 loop, same writes (baseline)':46}{plain:9.3f}{plain / count * 1000:16.3f}")
    print(f"{'use case (services.lifecycle.change_stage)':46}{uc:9.3f}{uc / count * 1000:16.3f}")
    print(f"ratio {uc / plain:.2f}× the plain loop")
    print(f"{'domain step, one shared Machine':46}{shared:9.3f}{shared / count * 1000:16.3f}")
    print(f"{'domain step, naive Machine per project':46}{naive:9.3f}{naive / count * 1000:16.3f}")


if __name__ == "__main__":
    main()
