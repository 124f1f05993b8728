"""All report formats for a 1,000-item programme within 3 s, beside the figure of an earlier revision.

Generates (seeded) 1,000 items × 5 targets × 2 projects on SQLite with their snapshots, then times
`reports.service.generate` for md, html, docx and xlsx (best of three, the machine being shared) and each
step once (gather, tables, each format). CPU time is printed beside wall time: on a shared machine the wall
time measures the neighbours as much as the code. With `--against REV` the same programme is timed with the code of
that revision (its own bench/reports.py, run from a `git archive` of it) in the same run.

Run: `.venv/bin/python bench/reports.py [--items 1000] [--against f180e9b]`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from nightly import generate as generate_programme

from models.db import Database
from models.migrate import upgrade
from reports.service import FORMATS, generate, render
from services.health.recompute import recompute
from services.refs import resolve_programme
from services.reporting.data import gather
from services.reporting.table import tables
from services.unit_of_work import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2020, 9, 30)
BUDGET = 3.0  # seconds for every format of a 1,000-item programme
CODE = "synthetic-2020"


def programme(folder: Path, items: int) -> Database:
    """The seeded synthetic programme with its snapshots for the period's end."""
    db = Database(f"sqlite:///{folder}/bench.db")
    upgrade(db)
    generate_programme(db, items * 5 * 2, items=items, targets=5)
    with UnitOfWork(db) as uow:
        recompute(uow, resolve_programme(uow.session, CODE), AS_OF)
    return db


def steps(db: Database, folder: Path) -> list[tuple[str, float]]:
    """Each step timed once: gather, the tables, then each format."""
    out = []
    with db.read() as session:
        start = time.perf_counter()
        data = gather(session, CODE, "2020-09")
        out.append(("gather (services.reporting.data)", time.perf_counter() - start))
        start = time.perf_counter()
        data["tables"] = tables(session, data)
        out.append(("tables (services.reporting.table)", time.perf_counter() - start))
    for fmt in FORMATS:
        start = time.perf_counter()
        render(data, (fmt,), folder / "steps")
        out.append((f"render {fmt}", time.perf_counter() - start))
    return out


def best_of(db: Database, folder: Path, runs: int) -> tuple[float, float, list[dict[str, str]]]:
    """The fastest of `runs` full generations (gather, render every format, record the files): wall and CPU."""
    times, files = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        files = generate(db, CODE, "2020-09", FORMATS, folder / "out")
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    wall, cpu = min(times)
    return wall, cpu, files


BEFORE = """
import sys, tempfile, time
from pathlib import Path
sys.path[:0] = [".", "bench"]
from nightly import generate as generate_programme
from models.db import Database
from models.migrate import upgrade
from reports.service import FORMATS, generate
from services.health.recompute import recompute
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork
from datetime import date
items, runs = int(sys.argv[1]), int(sys.argv[2])
folder = Path(tempfile.mkdtemp())
db = Database(f"sqlite:///{folder}/bench.db")
upgrade(db)
generate_programme(db, items * 10, items=items, targets=5)
with UnitOfWork(db) as uow:
    recompute(uow, resolve_programme(uow.session, "synthetic-2020"), date(2020, 9, 30))
best = []
for _ in range(runs):
    wall, cpu = time.perf_counter(), time.process_time()
    generate(db, "synthetic-2020", "2020-09", FORMATS, folder / "out")
    best.append((time.perf_counter() - wall, time.process_time() - cpu))
print("before", *min(best))
"""


def against(revision: str, items: int, runs: int) -> tuple[float, float] | None:
    """(wall, CPU) seconds of `revision`'s code for the same programme, best of `runs`, from an archive of it."""
    with tempfile.TemporaryDirectory(prefix="shishi-before-") as scratch:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", revision], capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", scratch], input=archive.stdout, check=True)
        result = subprocess.run(
            [sys.executable, "-c", BEFORE, str(items), str(runs)], cwd=scratch, capture_output=True, text=True
        )
    match = re.search(r"^before ([\d.]+) ([\d.]+)", result.stdout, flags=re.M)
    if match is None:
        print(result.stdout + result.stderr, file=sys.stderr)
        return None
    return float(match.group(1)), float(match.group(2))


def main() -> None:
    """Generate, time, print side by side."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", help="a git revision to time beside this one")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="shishi-reports-"))
    db = programme(folder, args.items)
    broken_down = steps(db, folder)
    wall, cpu, files = best_of(db, folder, args.runs)
    before = against(args.against, args.items, args.runs) if args.against else None
    sizes = ", ".join(f"{f['format']} {Path(f['path']).stat().st_size // 1024} KiB" for f in files)
    print(f"reports for {args.items} items, period 2020-09: {sizes}")
    print(f"{'':48}{'wall s':>9}{'CPU s':>9}")
    for name, seconds in broken_down:
        print(f"  {name:46}{seconds:9.3f}")
    if args.against:
        shown = f"{before[0]:9.3f}{before[1]:9.3f}" if before is not None else "   failed"
        print(f"{'all formats, revision ' + args.against:48}{shown}")
    verdict = "within" if wall <= BUDGET else "OVER"
    print(
        f"{'all formats, this code':48}{wall:9.3f}{cpu:9.3f}  {verdict} {BUDGET:.0f} s (best of {args.runs})"
    )


if __name__ == "__main__":
    main()
