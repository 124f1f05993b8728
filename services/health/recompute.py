"""Use case: recompute schedule health (序时进度) for a programme on a date and store it as snapshots."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from models import HealthSnapshot, Programme
from models.base import utcnow
from services.health.compute import HealthSummary, compute_health
from services.health.digests import queue_digests
from services.health.project_rows import insert_project_rows
from services.unit_of_work import UnitOfWork


def recompute(uow: UnitOfWork, programme: Programme, as_of: date) -> HealthSummary:
    """Store `compute_health`'s rows as the snapshots of `as_of` and queue digests; fixed statements, one commit."""
    session = uow.session
    session.execute(
        delete(HealthSnapshot).where(
            HealthSnapshot.programme_id == programme.id, HealthSnapshot.as_of == as_of
        )
    )
    computed = compute_health(session, programme, as_of)
    now = utcnow()
    _insert_rows(session, [_complete(row, now) for row in computed.rows])
    insert_project_rows(session, programme.id, as_of, computed.overrides, now)
    summary = computed.summary
    summary.digests = queue_digests(session, programme, as_of, computed.overrides)
    uow.commit()
    return summary


SNAPSHOT_FIELDS = (
    "item_id",
    "target_id",
    "project_id",
    "planned",
    "achieved",
    "progress",
    "expected",
    "reason",
    "override_reason",
)


def _complete(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Give every row the same keys, so the insert is one batched statement, and the run's time."""
    return {**dict.fromkeys(SNAPSHOT_FIELDS), **row, "computed_at": now}


def _insert_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """One batch: COPY on PostgreSQL (the server's bulk path, one round trip), executemany elsewhere."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        conn.execute(insert(HealthSnapshot.__table__), rows)  # Core: no ORM bulk layer
        return
    names = [c.name for c in HealthSnapshot.__table__.columns if c.name != "id"]
    copy_sql = f"COPY health_snapshots ({', '.join(names)}) FROM STDIN"
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n == "detail" else row[n] for n in names])
