"""Warning digests: after a recomputation, tell each recipient what newly became 慢序时 or 滞后."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import HealthSnapshot, Item, OutboxMessage, Programme
from services.notify import recipients
from states.health import Health

WARNING = {Health.slow.name, Health.late.name}


def queue_digests(session: Session, programme: Programme, as_of: date) -> int:
    """One digest per recipient listing items and projects newly lagging on `as_of`; never twice a date."""
    previous_day = session.scalar(
        select(func.max(HealthSnapshot.as_of)).where(
            HealthSnapshot.programme_id == programme.id, HealthSnapshot.as_of < as_of
        )
    )
    today = _warnings(session, programme.id, as_of)
    before = _warnings(session, programme.id, previous_day) if previous_day else {}
    fresh = {key: row for key, row in today.items() if key not in before}
    if not fresh:
        return 0
    items = {i.id: i for i in session.scalars(select(Item).where(Item.programme_id == programme.id))}
    per_person: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for (_, ref), row in sorted(fresh.items(), key=lambda kv: kv[0][1]):
        item = items[row.item_id]
        entry = {
            "ref": ref,
            "scope": row.scope,
            "title": item.title,
            "status": Health[row.status].label,
            "reason": row.override_reason or row.reason or "",
        }
        for email, name in recipients(session, programme, item, "warning").items():
            per_person.setdefault(email, (name, []))[1].append(entry)
    keys = {f"digest:{programme.code}:{as_of}:{email}": email for email in per_person}
    existing = set(
        session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys)))
    )
    queued = 0
    for key, email in keys.items():
        if key in existing:
            continue
        name, entries = per_person[email]
        payload = {
            "programme": {"code": programme.code, "name": programme.name},
            "as_of": as_of.isoformat(),
            "entries": entries,
        }
        session.add(
            OutboxMessage(
                dedupe_key=key, kind="digest", recipient=email, recipient_name=name, payload=payload
            )
        )
        queued += 1
    return queued


def _warnings(session: Session, programme_id: int, day: date) -> dict[tuple[str, str], HealthSnapshot]:
    rows = session.scalars(
        select(HealthSnapshot).where(
            HealthSnapshot.programme_id == programme_id,
            HealthSnapshot.as_of == day,
            HealthSnapshot.scope.in_(("item", "project")),
            HealthSnapshot.status.in_(WARNING),
        )
    )
    return {(r.scope, r.ref): r for r in rows}
