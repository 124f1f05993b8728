"""Drain the outbox: render, send, mark sent; on failure retry later with backoff, then mark failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from models import OutboxMessage
from models.db import Database
from notifications.message import build, message_id_for
from notifications.render import render
from notifications.transports import Transport
from services.unit_of_work import UnitOfWork

BACKOFF_SECONDS = (30, 120, 600, 1800, 3600)


@dataclass
class DeliveryReport:
    """What one pass over the outbox did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver_pending(
    db: Database,
    transport: Transport,
    sender: str,
    max_attempts: int,
    now: datetime | None = None,
    limit: int = 500,
    ignore_backoff: bool = False,
) -> DeliveryReport:
    """Send every due pending row once (every pending row with `ignore_backoff`); each outcome commits alone.

    The back-off spaces the scheduled deliveries; a person running `shishi notify` after fixing the
    mail server wants every pending email sent now, so the CLI ignores it.
    """
    now = now or datetime.now(UTC)
    report = DeliveryReport()
    query = select(OutboxMessage.id).where(OutboxMessage.status == "pending")
    if not ignore_backoff:
        query = query.where(OutboxMessage.next_attempt_at <= now)
    with db.read() as session:
        due = session.scalars(query.order_by(OutboxMessage.id).limit(limit)).all()
    for row_id in due:
        _deliver_one(db, row_id, transport, sender, max_attempts, now, report)
    return report


def _deliver_one(
    db: Database,
    row_id: int,
    transport: Transport,
    sender: str,
    max_attempts: int,
    now: datetime,
    report: DeliveryReport,
) -> None:
    """Claim one row (one unit of work), send it, then record the outcome (a second unit of work)."""
    with UnitOfWork(db) as uow:
        row = uow.session.get(OutboxMessage, row_id)
        if row is None or row.status != "pending":
            return
        rendered = render(row.kind, row.payload, row.recipient_name)
        if row.message_id is None:  # fixed before the first send, so a resend keeps it
            row.message_id = message_id_for(row.id, row.dedupe_key, sender)
        row.subject = rendered.subject
        row.attempts += 1
        uow.changes_no_page()
        uow.commit()
    message = build(rendered, sender, row.recipient, row.recipient_name, row.message_id)
    try:
        transport.send(message)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        with UnitOfWork(db) as uow:
            _failed(uow, row_id, error, max_attempts, now, report)
        return
    with UnitOfWork(db) as uow:
        sent = uow.session.get_one(OutboxMessage, row_id)
        sent.status, sent.sent_at, sent.last_error = "sent", datetime.now(UTC), None
        uow.changes_no_page()
        uow.commit()
    report.sent += 1


def _failed(
    uow: UnitOfWork, row_id: int, error: str, max_attempts: int, now: datetime, report: DeliveryReport
) -> None:
    """Record a failed attempt: retry after a back-off, or give up after the last attempt."""
    row = uow.session.get_one(OutboxMessage, row_id)
    row.last_error = error
    if row.attempts >= max_attempts:
        row.status = "failed"
        report.failed += 1
    else:
        delay = BACKOFF_SECONDS[min(row.attempts - 1, len(BACKOFF_SECONDS) - 1)]
        row.next_attempt_at = now + timedelta(seconds=delay)
        report.retrying += 1
    report.errors.append(f"{row.recipient}: {row.last_error}")
    uow.changes_no_page()
    uow.commit()


def retry_failed(db: Database) -> int:
    """Put every failed row back in the queue, due now; returns how many."""
    with UnitOfWork(db) as uow:
        result = uow.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "failed")
            .values(status="pending", attempts=0, next_attempt_at=datetime.now(UTC))
        )
        uow.changes_no_page()
        uow.commit()
        return result.rowcount or 0
