"""Use cases: record generated report files and list them (shishi report --list)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ReportFile
from services.refs import resolve_programme


def record_files(session: Session, programme_code: str, period: str, files: list[dict[str, str]]) -> None:
    """Keep one row per generated file (each regeneration adds rows: the history of what was published)."""
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
    session.commit()


def list_files(session: Session, programme_code: str | None) -> list[dict[str, Any]]:
    """Every generated file of a programme, newest first."""
    programme = resolve_programme(session, programme_code)
    rows = session.scalars(
        select(ReportFile).where(ReportFile.programme_id == programme.id).order_by(ReportFile.id.desc())
    )
    return [
        {
            "period": r.period,
            "kind": r.kind,
            "format": r.format,
            "path": r.path,
            "checksum": r.checksum,
            "created_at": r.created_at.isoformat(timespec="seconds"),
        }
        for r in rows
    ]
