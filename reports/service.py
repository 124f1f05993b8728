"""Regenerate a programme's reports for a period: gather (read only) and write the files, then record them.

A published period is not gathered again: its files are written from the bytes stored when it was published.
"""

from __future__ import annotations

import hashlib
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from models.db import Database
from reports.docx import write_docx
from reports.html import render_html
from reports.narrative import bulletin_markdown, markdown, table_markdown
from reports.xlsx import write_xlsx
from services.publishing.figures import period_figures
from services.publishing.store import check_publishable, latest_published, publish_period
from services.refs import resolve_programme
from services.reporting.data import gather
from services.reporting.files import record_files
from services.reporting.table import tables
from services.unit_of_work import UnitOfWork
from states.periods import period_end

FORMATS = ("md", "html", "docx", "xlsx")


def generate(
    db: Database, programme_code: str | None, period: str, formats: tuple[str, ...], out_dir: Path
) -> list[dict[str, str]]:
    """Write the requested formats under out_dir, then record them (the one write); returns the files.

    For a published period the files are its latest published version's, byte for byte, each marked with
    `published_version`.
    """
    code, files = write_published(db, programme_code, period, formats, out_dir)
    if not files:
        code, files = write_files(db, programme_code, period, formats, out_dir)
    with UnitOfWork(db) as uow:
        record_files(uow, code, period, files)
    return files


def write_files(
    db: Database, programme_code: str | None, period: str, formats: tuple[str, ...], out_dir: Path
) -> tuple[str, list[dict[str, str]]]:
    """Gather in a read session and render the files; writes nothing to the database."""
    with db.read() as session:
        data = gather_report(session, programme_code, period)
    return data["programme"]["code"], render(data, formats, out_dir)


def gather_report(session: Session, programme_code: str | None, period: str) -> dict[str, Any]:
    """The gathered report (services.reporting.data) with its published tables (services.reporting.table)."""
    data = gather(session, programme_code, period)
    data["tables"] = tables(session, data)
    return data


def render(data: dict[str, Any], formats: tuple[str, ...], out_dir: Path) -> list[dict[str, str]]:
    """Write the report files of gathered data under out_dir/code/period."""
    code, period = data["programme"]["code"], data["period"]
    folder = _folder(out_dir, code, period)
    return [
        _write(kind, fmt, folder / f"{code}-{period}-{name}.{fmt}", data, writer)
        for kind, fmt, name, writer in _plan(formats, bool(data.get("writes_bulletin")))
    ]


def write_published(
    db: Database, programme_code: str | None, period: str, formats: tuple[str, ...], out_dir: Path
) -> tuple[str, list[dict[str, str]]]:
    """The requested files of the period's latest published version, written as stored; none when unpublished."""
    with db.read() as session:
        programme = resolve_programme(session, programme_code)
        published = latest_published(session, programme.id, period)
        code = programme.code
        if published is None:
            return code, []
        stored = [(f.kind, f.format, f.name, f.content) for f in published.files if f.format in formats]
        version = str(published.version)
    folder = _folder(out_dir, code, period)
    files = []
    for kind, fmt, name, content in stored:
        path = folder / name
        path.write_bytes(content)
        checksum = hashlib.sha256(content).hexdigest()
        files.append(
            {
                "kind": kind,
                "format": fmt,
                "path": str(path),
                "checksum": checksum,
                "published_version": version,
            }
        )
    return code, files


def publish(
    db: Database,
    programme_code: str | None,
    period: str,
    by: str,
    reason: str | None,
    new_version: bool,
    today: date,
    out_dir: Path,
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Publish a period: gather and render every format once, store the bytes and figures (the one write), then
    write the published files under out_dir; returns the version stored and the files written."""
    with db.read() as session:
        programme = resolve_programme(session, programme_code)
        check_publishable(session, programme, period, new_version, reason, today)  # before any work
        data = gather_report(session, programme.code, period)
        figures = period_figures(session, programme.id, period_end(period), data)
    with tempfile.TemporaryDirectory() as scratch:
        rendered = render(data, FORMATS, Path(scratch))
        files = [
            {
                "kind": f["kind"],
                "format": f["format"],
                "name": Path(f["path"]).name,
                "content": Path(f["path"]).read_bytes(),
            }
            for f in rendered
        ]
    with UnitOfWork(db) as uow:
        version = publish_period(uow, programme.code, period, by, reason, new_version, files, figures, today)
    return version, generate(db, programme.code, period, FORMATS, out_dir)


def _folder(out_dir: Path, code: str, period: str) -> Path:
    folder = out_dir.resolve() / code / period  # stored paths are absolute and resolved
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _plan(formats: tuple[str, ...], bulletin: bool = False) -> list[tuple[str, str, str, Any]]:
    plan = [
        ("narrative", "md", "进展情况", lambda d, p: p.write_text(markdown(d), encoding="utf-8")),
        ("bulletin", "md", "通报", lambda d, p: p.write_text(bulletin_markdown(d), encoding="utf-8")),
        ("table", "md", "序时进度表", lambda d, p: p.write_text(table_markdown(d), encoding="utf-8")),
        ("all", "html", "报告", lambda d, p: p.write_text(render_html(d, d["expected"]), encoding="utf-8")),
        ("narrative", "docx", "进展情况", write_docx),
        ("table", "xlsx", "序时进度表", write_xlsx),
    ]
    return [row for row in plan if row[1] in formats and (bulletin or row[0] != "bulletin")]


def _write(kind: str, fmt: str, path: Path, data: dict[str, Any], writer: Any) -> dict[str, str]:
    writer(data, path)
    checksum = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"kind": kind, "format": fmt, "path": str(path), "checksum": checksum}
