"""Use cases of the reports page: per period the latest file of each kind, published versions marked, and a
period's history (every file written and every published version's files). Reads only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import PublishedFile, PublishedReport, ReportFile
from services.errors import NotFound
from services.refs import resolve_programme
from states.periods import PeriodKind, parse_period

KIND_NAMES = {"narrative": "文字报告", "bulletin": "通报", "table": "表格", "all": "完整报告（含图表）"}
FORMAT_NAMES = {"md": "文本", "docx": "Word 文档", "xlsx": "Excel 表格", "html": "网页"}
ORDER = [("narrative", "docx"), ("table", "xlsx"), ("all", "html"), ("narrative", "md"), ("table", "md")]


def kind_name(kind: str, fmt: str) -> str:
    """表格（Excel 表格）, 文字报告（Word 文档） …: what a clerk calls the file."""
    return f"{KIND_NAMES.get(kind, '报告')}（{FORMAT_NAMES.get(fmt, '文件')}）"


def size_text(size: int | None) -> str:
    """1234567 → 1.2 MB, 52345 → 51 KB; None (the file is gone) → 已移走."""
    if size is None:
        return "已移走"
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _size(path: str) -> int | None:
    file = Path(path)
    return file.stat().st_size if file.is_file() else None


def _file(row: ReportFile) -> dict[str, Any]:
    size = _size(row.path)
    return {
        "id": row.id,
        "kind": row.kind,
        "format": row.format,
        "label": kind_name(row.kind, row.format),
        "name": Path(row.path).name,
        "size": size,
        "size_text": size_text(size),
        "written_at": row.updated_at,
    }


def report_periods(session: Session, code: str | None) -> list[dict[str, Any]]:
    """Per period, newest first: its title, the latest file of each kind and format, its published versions
    and how many older files its history holds."""
    programme = resolve_programme(session, code)
    kind: PeriodKind = programme.periods  # type: ignore[assignment]
    rows = session.scalars(
        select(ReportFile)
        .where(ReportFile.programme_id == programme.id)
        .order_by(ReportFile.updated_at.desc(), ReportFile.id.desc())
    ).all()
    published: dict[str, list[int]] = {}
    for period, version in session.execute(
        select(PublishedReport.period, PublishedReport.version)
        .where(PublishedReport.programme_id == programme.id)
        .order_by(PublishedReport.version)
    ):
        published.setdefault(period, []).append(version)
    periods: dict[str, dict[str, Any]] = {}
    for period in sorted({r.period for r in rows} | set(published), reverse=True):
        periods[period] = {
            "period": period,
            "title": _title(period, kind),
            "latest": {},
            "older": 0,
            "published": published.get(period, []),
        }
    for row in rows:  # newest first: the first of each kind and format is the latest
        entry = periods[row.period]
        key = (row.kind, row.format)
        if key in entry["latest"]:
            entry["older"] += 1
        else:
            entry["latest"][key] = _file(row)
    for entry in periods.values():
        entry["files"] = sorted(entry.pop("latest").values(), key=_order)
    for period, count in session.execute(
        select(PublishedReport.period, func.count(PublishedFile.id))
        .join(PublishedFile, PublishedFile.published_report_id == PublishedReport.id)
        .where(PublishedReport.programme_id == programme.id)
        .group_by(PublishedReport.period)
    ):
        periods[period]["older"] += count
    return list(periods.values())


def _order(f: dict[str, Any]) -> int:
    key = (f["kind"], f["format"])
    return ORDER.index(key) if key in ORDER else len(ORDER)


def _title(period: str, kind: PeriodKind) -> str:
    try:
        return parse_period(period, kind).title()
    except ValueError:
        return period


def period_history(session: Session, code: str | None, period: str) -> dict[str, Any]:
    """Every file written for a period (newest first) and every published version with its files."""
    programme = resolve_programme(session, code)
    rows = session.scalars(
        select(ReportFile)
        .where(ReportFile.programme_id == programme.id, ReportFile.period == period)
        .order_by(ReportFile.updated_at.desc(), ReportFile.id.desc())
    ).all()
    versions = session.scalars(
        select(PublishedReport)
        .where(PublishedReport.programme_id == programme.id, PublishedReport.period == period)
        .order_by(PublishedReport.version.desc())
        .options(selectinload(PublishedReport.files))
    ).all()
    if not rows and not versions:
        raise NotFound(f"报告期 {period[:20]} 没有生成过报告")
    kind: PeriodKind = programme.periods  # type: ignore[assignment]
    return {
        "period": period,
        "title": _title(period, kind),
        "files": [_file(r) for r in rows],
        "published": [
            {
                "version": v.version,
                "by": v.published_by,
                "at": v.published_at,
                "reason": v.reason,
                "files": [
                    {
                        "id": f.id,
                        "label": kind_name(f.kind, f.format),
                        "name": f.name,
                        "size_text": size_text(len(f.content)),
                    }
                    for f in sorted(v.files, key=lambda f: _order({"kind": f.kind, "format": f.format}))
                ],
            }
            for v in versions
        ],
    }


def published_file(session: Session, code: str | None, file_id: int) -> dict[str, Any]:
    """One published file's name and bytes, as published."""
    programme = resolve_programme(session, code)
    row = session.execute(
        select(PublishedFile.name, PublishedFile.content)
        .join(PublishedReport, PublishedReport.id == PublishedFile.published_report_id)
        .where(PublishedFile.id == file_id, PublishedReport.programme_id == programme.id)
    ).first()
    if row is None:
        raise NotFound(f"已发布的报告文件 {file_id} 不存在")
    return {"name": row.name, "content": row.content}
