"""Use cases: record generated report files and list them (shishi report --list)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ReportFile
from services.errors import NotFound
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork


def record_files(uow: UnitOfWork, programme_code: str, period: str, files: list[dict[str, str]]) -> None:
    """Keep one row per generated file (each regeneration adds rows: the history of what was published)."""
    session = uow.session
    programme = resolve_programme(session, programme_code)
    for f in files:
        session.add(
            ReportFile(
                programme_id=programme.id,
                period=period,
                kind=f["kind"],
                format=f["format"],
                path=f["path"],
                checksum=f["checksum"],
            )
        )
    uow.commit()


def list_files(session: Session, programme_code: str | None) -> list[dict[str, Any]]:
    """Every generated file of a programme, newest first."""
    programme = resolve_programme(session, programme_code)
    rows = session.scalars(
        select(ReportFile).where(ReportFile.programme_id == programme.id).order_by(ReportFile.id.desc())
    )
    return [
        {
            "id": r.id,
            "period": r.period,
            "kind": r.kind,
            "format": r.format,
            "path": r.path,
            "checksum": r.checksum,
            "created_at": r.created_at.isoformat(timespec="seconds"),
        }
        for r in rows
    ]


def report_file(session: Session, programme_code: str | None, file_id: int) -> dict[str, Any]:
    """One generated file of a programme, for download; refused when missing from the disk."""
    programme = resolve_programme(session, programme_code)
    row = session.get(ReportFile, file_id)
    if row is None or row.programme_id != programme.id or not Path(row.path).is_file():
        raise NotFound(f"报告文件 {file_id} 不存在或已被移走；请重新生成报告")
    return {"path": row.path, "name": Path(row.path).name, "format": row.format}
