"""A period's report as of its end beside today's, on a large synthetic programme with later changes.

Generates the synthetic programme (bench/synthetic.py, by default 100,000 projects), gives every project its
导入 row at the programme's start and advances the 30 % at 开工 to 完工 in October (one more audit row each,
recorded after the import), set-based. Then times, as of 2020-09-30 (those rows not yet in force: each of
those projects is replayed from its rows) and as of 2020-12-31 (nothing later: every project as stored):
the stages of all projects (`services.as_of.stage_facts`, one query), the health the nightly computes
(`compute_health`) and the report's data (`gather`), with the statements each sends.
Run: `.venv/bin/python bench/as_of.py [--db sqlite|postgres] [--projects 100000]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchdb import db_argument, fresh_database
from nightly import statement_clock
from sqlalchemy import text
from synthetic import CODE, generate

from models.db import Database
from services.as_of import stage_facts
from services.health.compute import compute_health
from services.refs import resolve_programme
from services.reporting.data import gather

IMPORTS = """
INSERT INTO transitions (project_id, event, from_stage, to_stage, actor, occurred_on, recorded_at, evidence, source)
SELECT id, 'load', NULL, stage, '基准', :start, CURRENT_TIMESTAMP, '[]', 'load' FROM projects
"""
OCTOBER = """
INSERT INTO transitions (project_id, event, from_stage, to_stage, actor, occurred_on, recorded_at, evidence, source)
SELECT id, 'advance', 'construction', 'completed', '基准', :day, CURRENT_TIMESTAMP, '[]', 'cli'
FROM projects WHERE stage = 'construction'
"""
PERIODS = (("2020-09", date(2020, 9, 30)), ("2020-12", date(2020, 12, 31)))


def prepare(db: Database, projects: int) -> int:
    """The programme, its import rows and the October advances (stored stages moved on); its project count."""
    count = generate(db, projects)
    with db.engine.begin() as conn:
        conn.execute(text(IMPORTS), {"start": date(2020, 1, 1)})
        moved = conn.execute(text(OCTOBER), {"day": date(2020, 10, 15)}).rowcount
        conn.execute(text("UPDATE projects SET stage = 'completed' WHERE stage = 'construction'"))
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    print(f"{count} projects, {count} import rows, {moved} advanced in October")
    return count


def timed(db: Database, work: Callable[[Any], Any]) -> tuple[float, int]:
    """Seconds and statements of one call in a read session."""
    each: list[tuple[float, str]] = []
    with statement_clock(db, each), db.read() as session:
        start = time.perf_counter()
        work(session)
        return time.perf_counter() - start, len(each)


def main() -> None:
    """Prepare, time each read as of both days, print side by side."""
    parser = argparse.ArgumentParser(description=__doc__)
    db_argument(parser)
    parser.add_argument("--projects", type=int, default=100_000)
    args = parser.parse_args()
    with fresh_database(args.db, "as-of") as db:
        prepare(db, args.projects)
        with db.read() as session:
            programme = resolve_programme(session, CODE)
            pid = programme.id
        reads: dict[str, Callable[[date, str], Callable[[Any], Any]]] = {
            "stages of every project (stage_facts)": lambda day, _: lambda s: stage_facts(s, pid, day),
            "health of the programme (compute_health)": lambda day, _: (
                lambda s: compute_health(s, resolve_programme(s, CODE), day)
            ),
            "the report's data (gather)": lambda _, period: lambda s: gather(s, CODE, period),
        }
        print(f"{args.db}: {'':38}{'as of 2020-09-30':>22}{'as of 2020-12-31':>22}")
        for label, read in reads.items():
            cells = []
            for period, day in PERIODS:
                seconds, statements = timed(db, read(day, period))
                cells.append(f"{seconds:8.3f} s {statements:3d} stmts")
            print(f"{label:46}" + "".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
