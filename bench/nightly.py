"""The nightly recomputation of a large synthetic programme, beside one hand-written aggregate query.

Generates, set-based in SQL and reproducibly (a fixed integer hash of each project's position, no random
state), by default the issue's city shape, 320 items (16 districts × 20) × 3 targets, with PROJECTS / 960
projects per target; `--items 1000 --targets 5` gives the wide shape whose per-target work is 5× as much.
On SQLite or PostgreSQL (then ANALYZE there, as autovacuum would). Times `services.health.recompute.recompute` beside the baseline: one
hand-written GROUP BY computing the same per-target facts over the same rows (projects, measured,
counted quantity, suspended, cancelled, overdue against each planned date, started). With `--notices N`
(default 10,000) the programme also has N open 督办单 and each night checks their deadlines
(`services.supervision.nightly.check_notices`), timed beside one hand-written SELECT of the open notices
due within the window with their department's address. Peak memory is
the Python allocation peak (tracemalloc), measured in a second run of each so it does not slow the timed one.
Run: `.venv/bin/python bench/nightly.py [--db sqlite|postgres] [--projects 100000] [--items 320]
[--targets 3] [--notices 10000] [--statements]`.
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
from synthetic import AS_OF, CODE, ITEMS, TARGETS, generate, generate_notices

from models.db import Database
from services.health.recompute import recompute
from services.refs import resolve_programme
from services.supervision.calendar import due_soon_until
from services.supervision.nightly import check_programme_notices
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
NOTICE_BASELINE = """
SELECT n.id, n.due_on, n.alert, d.email FROM notices n JOIN departments d ON n.department_id = d.id
WHERE n.programme_id = :pid AND n.state IN ('issued', 'signed', 'returned') AND n.due_on <= :bound
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
    parser.add_argument("--notices", type=int, default=10_000, help="open 督办单, default 10,000")
    parser.add_argument("--statements", action="store_true", help="also print each statement's seconds")
    db_argument(parser)
    args = parser.parse_args()
    with fresh_database(args.db, "nightly") as db:
        start = time.perf_counter()
        projects = generate(db, args.projects, args.items, args.targets)
        notices = generate_notices(db, args.notices) if args.notices else 0
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

        marked: list[int] = []

        def notice_check(day: date = AS_OF) -> None:
            with UnitOfWork(db) as uow:
                check = check_programme_notices(uow, CODE, day)
                marked.append(check.due_soon + check.overdue)

        def notice_baseline(day: date = AS_OF) -> None:
            with db.engine.connect() as conn:
                conn.execute(text(NOTICE_BASELINE), {"pid": pid, "bound": due_soon_until(day)}).all()

        baseline()  # warm the caches for both
        first_s = timed(lambda: nightly(AS_OF - timedelta(days=NIGHTS)))  # a fresh process, no earlier night
        first_n = timed(lambda: notice_check(AS_OF - timedelta(days=NIGHTS)))
        bases, nights, n_bases, checks = [], [], [], []
        for k in range(NIGHTS - 1, -1, -1):  # the following nights, each beside a baseline run
            day = AS_OF - timedelta(days=k)
            bases.append(timed(baseline))
            n_bases.append(timed(lambda: notice_baseline(day)))  # noqa: B023
            each: list[tuple[float, str]] = []
            with statement_clock(db, each) as spent:
                nights.append(timed(lambda: nightly(day)))  # noqa: B023
            checks.append(timed(lambda: notice_check(day)))  # noqa: B023
        b_s, n_s = statistics.median(bases), statistics.median(nights)
        nb_s, c_s = statistics.median(n_bases), statistics.median(checks)
        b_mem, n_mem = peak_mib(baseline), peak_mib(nightly)
        c_mem = peak_mib(notice_check)
        version = server_version(db)
    print(
        f"nightly recomputation on {version}: {args.items} items, {args.items * args.targets} targets,"
        f" {projects} projects"
    )
    print(f"(generated in {generated:.1f} s), {notices} open notices")
    print(f"{'':44}{'seconds':>9}{'peak MiB':>10}")
    print(f"{'one hand-written GROUP BY (baseline)':44}{b_s:9.3f}{b_mem:10.1f}")
    print(f"{'services.health.recompute.recompute, a night':44}{n_s:9.3f}{n_mem:10.1f}")
    if notices:
        print(f"{'one hand-written SELECT of the notices due':44}{nb_s:9.3f}")
        print(f"{'services.supervision.nightly, a night':44}{c_s:9.3f}{c_mem:10.1f} (MiB of a rerun)")
        print(f"{'the night with its notice check':44}{n_s + c_s:9.3f}")
    print(f"(medians of {NIGHTS} nights, each beside a baseline run)")
    print(f"{'  the first night of a fresh process':44}{first_s:9.3f}")
    print(f"ratio {n_s / b_s:.2f}× the baseline ({first_s / b_s:.2f}× the first night, which compiles the")
    print(
        f"statements and has no earlier snapshots); {late[-1]} overdue projects, each one stored row written by one INSERT … SELECT"
    )
    if notices:
        print(
            f"notice check: {c_s / b_s:.2f}× the GROUP BY baseline, {c_s / nb_s:.2f}× its own; the first night"
            f" {first_n:.3f} s; {sum(marked)} marks set in {len(marked)} runs (each mark emailed once)"
        )
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
