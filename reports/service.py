"""Regenerate a programme's reports for a period: gather (read only) and write the files, then record them."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from models.db import Database
from reports.docx import write_docx
from reports.html import render_html
from reports.narrative import markdown, table_markdown
from reports.xlsx import write_xlsx
from services.reporting.data import gather
from services.reporting.files import record_files
from services.unit_of_work import UnitOfWork

FORMATS = ("md", "html", "docx", "xlsx")


def generate(
    db: Database, programme_code: str | None, period: str, formats: tuple[str, ...], out_dir: Path
) -> list[dict[str, str]]:
    """Write the requested formats under out_dir, then record them (the one write); returns the files."""
    code, files = write_files(db, programme_code, period, formats, out_dir)
    with UnitOfWork(db) as uow:
        record_files(uow, code, period, files)
    return files


def write_files(
    db: Database, programme_code: str | None, period: str, formats: tuple[str, ...], out_dir: Path
) -> tuple[str, list[dict[str, str]]]:
    """Gather in a read session and render the files; writes nothing to the database."""
    with db.read() as session:
        data = gather(session, programme_code, period)
    code = data["programme"]["code"]
    folder = out_dir.resolve() / code / period  # stored paths are absolute and resolved
    folder.mkdir(parents=True, exist_ok=True)
    files = [
        _write(kind, fmt, folder / f"{code}-{period}-{name}.{fmt}", data, writer)
        for kind, fmt, name, writer in _plan(formats)
    ]
    return code, files


def _plan(formats: tuple[str, ...]) -> list[tuple[str, str, str, Any]]:
    plan = [
        ("narrative", "md", "进展情况", lambda d, p: p.write_text(markdown(d), encoding="utf-8")),
        ("table", "md", "序时进度表", lambda d, p: p.write_text(table_markdown(d), encoding="utf-8")),
        ("all", "html", "报告", lambda d, p: p.write_text(render_html(d, d["expected"]), encoding="utf-8")),
        ("narrative", "docx", "进展情况", write_docx),
        ("table", "xlsx", "序时进度表", write_xlsx),
    ]
    return [row for row in plan if row[1] in formats]


def _write(kind: str, fmt: str, path: Path, data: dict[str, Any], writer: Any) -> dict[str, str]:
    writer(data, path)
    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"kind": kind, "format": fmt, "path": str(path), "checksum": checksum}
