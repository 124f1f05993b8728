"""All four report formats for a 1,000-item programme, beside writing the same text as plain files.

Generates (seeded) 1,000 items × 5 targets × 2 projects on SQLite with their snapshots, then times
`reports.service.generate` for md, html, docx and xlsx. Baseline: writing the finished Markdown text to
as many files. Run: `.venv/bin/python bench/reports.py [items]`.
"""

from __future__ import annotations

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
from reports.narrative import markdown
from reports.service import FORMATS, generate
from services.health.recompute import recompute
from services.refs import resolve_programme
from services.reporting.data import gather
from services.unit_of_work import UnitOfWork

AS_OF = date(2020, 9, 30)


def main() -> None:
    """Generate, time, print side by side."""
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    folder = Path(tempfile.mkdtemp(prefix="shishi-reports-"))
    db = Database(f"sqlite:///{folder}/bench.db")
    upgrade(db)
    projects = generate_programme(db, items * 5 * 2, items=items, targets=5)
    with UnitOfWork(db) as uow:
        recompute(uow, resolve_programme(uow.session, "synthetic-2020"), AS_OF)
    start = time.perf_counter()
    files = generate(db, "synthetic-2020", "2020-09", FORMATS, folder / "out")
    full = time.perf_counter() - start
    with UnitOfWork(db) as uow:
        text = markdown(gather(uow.session, "synthetic-2020", "2020-09"))
    start = time.perf_counter()
    for n in range(len(files)):
        (folder / f"plain-{n}.md").write_text(text, encoding="utf-8")
    plain = time.perf_counter() - start
    sizes = ", ".join(f"{f['format']} {Path(f['path']).stat().st_size // 1024} KiB" for f in files)
    print(f"reports for {items} items ({projects} projects), period 2020-09: {sizes}")
    print(f"{'':44}{'seconds':>9}")
    print(f"{'write the Markdown text 5 times (baseline)':44}{plain:9.3f}")
    print(f"{'gather + md, html, docx, xlsx (all formats)':44}{full:9.3f}")


if __name__ == "__main__":
    main()
