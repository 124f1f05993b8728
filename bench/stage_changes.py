"""10,000 advances through the use case, beside a plain driver loop and the naive one-Machine-per-project design.

Every advance is one transaction: the project found and locked with its evidence, target and progress,
the prerequisites checked, the recipients found, the stage and its date changed, an audit row and one
outbox row per recipient (three here) written. The plain loop (bench/stage_plain.py) does the same reads
and writes with the driver (sqlite3 with the app's PRAGMAs, or psycopg) in as many transactions. Both run
in alternating chunks of 500 advances, so that both see the same load on a shared machine. The naive
design builds a `transitions` Machine per project (domain step only).
Run: `.venv/bin/python bench/stage_changes.py [count] [--db sqlite|postgres]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import db_argument, fresh_database, server_version
from sqlalchemy import insert, text
from stage_plain import Plain
from transitions import Machine

from models import (
    Department,
    Evidence,
    Item,
    ItemDepartment,
    Person,
    Programme,
    Project,
    Subscription,
    Target,
)
from models.db import Database
from services.stage_change.request import StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from states.machine import StageToken, _fire_on_machine, _transitions, fire
from states.stages import Stage

TODAY = date(2020, 10, 20)
PER_ITEM = 100
CODE = "bench-2020"
CHUNK = 500
DEPARTMENTS = 10
LEADERS = 3


def ref_of(n: int) -> tuple[int, int]:
    """Item and project number of the n-th advance."""
    return n // PER_ITEM + 1, n % PER_ITEM + 1


def seed(db: Database, count: int) -> None:
    """count projects at 开工 in items of 100, each with the 竣工验收 that 完工 requires; 3 recipients each."""
    items = count // PER_ITEM
    with db.engine.begin() as conn:
        pid = conn.execute(
            insert(Programme).values(
                code=CODE, name="基准", year=2020, created_at=TODAY, office_email="office@bench.example"
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(Department),
            [
                {"name": f"部门{k}", "head": f"处长{k}", "email": f"dept{k}@bench.example"}
                for k in range(DEPARTMENTS)
            ],
        )
        departments = [r[0] for r in conn.execute(text("SELECT id FROM departments ORDER BY id"))]
        conn.execute(
            insert(Person),
            [{"name": f"副区长{k}", "email": f"leader{k}@bench.example"} for k in range(LEADERS)]
            + [{"name": "督查员", "email": "watch@bench.example"}],
        )
        watcher = conn.execute(text("SELECT id FROM people WHERE name = '督查员'")).scalar_one()
        conn.execute(
            insert(Subscription),
            [
                {"person_id": watcher, "programme_id": pid, "events": ["warning"]},
                {
                    "person_id": watcher,
                    "programme_id": pid,
                    "department_id": departments[0],
                    "events": ["stage"],
                },
            ],
        )
        conn.execute(
            insert(Item),
            [
                {"programme_id": pid, "number": n, "title": f"项目{n}", "leader": f"副区长{n % LEADERS}"}
                for n in range(1, items + 1)
            ],
        )
        item_ids = [r[0] for r in conn.execute(text("SELECT id FROM items ORDER BY number"))]
        conn.execute(
            insert(ItemDepartment),
            [
                {
                    "item_id": i,
                    "department_id": departments[(n + k) % DEPARTMENTS],
                    "role": role,
                    "position": k,
                }
                for n, i in enumerate(item_ids)
                for k, role in enumerate(("lead", "cooperating"))
            ],
        )
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
        conn.execute(
            insert(Evidence),
            [
                {
                    "project_id": p,
                    "kind": "acceptance",
                    "doc_no": f"验〔2020〕{p}号",
                    "issued_on": date(2020, 10, 9),
                    "recorded_by": "seed",
                }
                for p in conn.execute(text("SELECT id FROM projects")).scalars()
            ],
        )


def advance(db: Database, n: int) -> None:
    """The n-th advance through the use case, in its own session and transaction."""
    item, number = ref_of(n)
    request = StageChange(
        ref=f"{item}.{number}",
        event="advance",
        actor="bench",
        at=TODAY,
        expected_stage=Stage.construction,
        programme=CODE,
    )
    with UnitOfWork(db) as uow:
        change_stage(uow, request, TODAY)


def side_by_side(plain: Callable[[int], None], app: Callable[[int], None], count: int) -> tuple[float, float]:
    """Seconds of each, run in alternating chunks of CHUNK advances so that both see the same machine load."""
    spent = [0.0, 0.0]
    for first in range(0, count, CHUNK):
        for k, step in enumerate((plain, app)):
            start = time.perf_counter()
            for n in range(first, min(count, first + CHUNK)):
                step(n)
            spent[k] += time.perf_counter() - start
    return spent[0], spent[1]


def domain(count: int) -> tuple[float, float, float]:
    """Seconds for count domain steps: fire() (answers remembered), the shared Machine itself, a Machine each."""
    timings = []
    for step in (fire, _fire_on_machine):
        start = time.perf_counter()
        for _ in range(count):
            step("advance", StageToken(Stage.construction))
        timings.append(time.perf_counter() - start)
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
    return timings[0], timings[1], time.perf_counter() - start


def written(db: Database) -> tuple[int, ...]:
    """Rows per table after a run: projects at 完工, transitions, outbox rows."""
    with db.engine.connect() as conn:
        return tuple(
            conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("projects WHERE stage = 'completed'", "transitions", "outbox")
        )


def statements(db: Database) -> int:
    """SQL statements the use case sends for one advance (BEGIN included)."""
    from sqlalchemy import event

    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with UnitOfWork(db) as uow:
            change_stage(
                uow,
                StageChange(ref="1.1", event="suspend", actor="bench", reason="计数", at=TODAY),
                TODAY,
            )
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(seen)


def main() -> None:
    """Measure and print side by side."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", nargs="?", type=int, default=10_000, help="advances (default 10,000)")
    db_argument(parser)
    args = parser.parse_args()
    count = args.count
    with fresh_database(args.db, "transitions") as db, fresh_database(args.db, "plain") as plain_db:
        for each in (db, plain_db):
            seed(each, count)
        plain = Plain(plain_db.url)
        base, uc = side_by_side(
            lambda n: plain.advance(CODE, *ref_of(n), TODAY), lambda n: advance(db, n), count
        )
        plain.close()
        assert written(plain_db) == written(db), "the plain loop must write what the use case writes"
        used = statements(db)
        version = server_version(db)
    memo, shared, naive = domain(count)
    driver = "sqlite3" if args.db == "sqlite" else "psycopg"
    print(f"{count} advances on {version}, one transaction each (locked read with evidence and progress,")
    print("checks, recipients, stage and date, audit row, 3 outbox rows); in alternating chunks of 500")
    print(f"{'':60}{'seconds':>9}{'per advance ms':>16}")
    rows = [
        (f"plain {driver} loop, same reads and writes (baseline)", base),
        ("use case (services.stage_change.use_case.change_stage)", uc),
    ]
    for label, seconds in rows:
        print(f"{label:60}{seconds:9.3f}{seconds / count * 1000:16.3f}")
    print(
        f"ratio {uc / base:.2f}× the plain loop; both send {used} statements per change besides BEGIN and COMMIT"
    )
    for label, seconds in (
        ("domain step, fire() (the Machine's answers remembered)", memo),
        ("domain step, the one shared Machine (attach, fire, detach)", shared),
        ("domain step, naive Machine built per project", naive),
    ):
        print(f"{label:60}{seconds:9.3f}{seconds / count * 1000:16.3f}")
    print(f"naive Machine per project: {naive / shared:.1f}× the shared Machine")


if __name__ == "__main__":
    main()
