"""Use cases: record generated report files and list them (shishi report --list)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from models import ReportFile
from models.base import utcnow
from models.db import upsert_into
from services.errors import Forbidden, NotFound
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork

FILES = ReportFile.__table__


def record_files(uow: UnitOfWork, programme_code: str, period: str, files: list[dict[str, str]]) -> None:
    """One row per file (by absolute path): a rewrite updates its checksum and time, keeping the one before."""
    programme = resolve_programme(uow.session, programme_code)
    now = utcnow()
    for f in files:
        path = str(Path(f["path"]).resolve())
        statement = upsert_into(uow.connection, FILES).values(
            programme_id=programme.id,
            period=period,
            kind=f["kind"],
            format=f["format"],
            path=path,
            checksum=f["checksum"],
            created_at=now,
            updated_at=now,
        )
        new = statement.excluded
        changed = FILES.c.checksum != new.checksum
        uow.connection.execute(
            statement.on_conflict_do_update(
                index_elements=["path"],
                set_={
                    "programme_id": new.programme_id,
                    "period": new.period,
                    "kind": new.kind,
                    "format": new.format,
                    "previous_checksum": case((changed, FILES.c.checksum), else_=FILES.c.previous_checksum),
                    "checksum": new.checksum,
                    "updated_at": new.updated_at,
                },
            )
        )
    uow.changes_no_page()
    uow.commit()


def list_files(session: Session, programme_code: str | None) -> list[dict[str, Any]]:
    """Every generated file of a programme, the most recently written first."""
    programme = resolve_programme(session, programme_code)
    rows = session.scalars(
        select(ReportFile)
        .where(ReportFile.programme_id == programme.id)
        .order_by(ReportFile.updated_at.desc(), ReportFile.id.desc())
    )
    return [
        {
            "id": r.id,
            "period": r.period,
            "kind": r.kind,
            "format": r.format,
            "path": r.path,
            "checksum": r.checksum,
            "previous_checksum": r.previous_checksum,
            "created_at": r.created_at.isoformat(timespec="seconds"),
            "updated_at": r.updated_at.isoformat(timespec="seconds"),
        }
        for r in rows
    ]


def report_file(session: Session, programme_code: str | None, file_id: int, folder: Path) -> dict[str, Any]:
    """One generated file of a programme for download: only a file that lies under `folder` and still exists."""
    programme = resolve_programme(session, programme_code)
    row = session.get(ReportFile, file_id)
    path = Path(row.path).resolve() if row is not None else None
    if row is None or path is None or row.programme_id != programme.id or not path.is_file():
        raise NotFound(f"报告文件 {file_id} 不存在或已被移走；请重新生成报告")
    if not path.is_relative_to(folder.resolve()):
        raise Forbidden(f"报告文件 {file_id} 不在报告目录中，不提供下载")
    return {"path": str(path), "name": path.name, "format": row.format}
