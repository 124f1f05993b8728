"""The outbox rows of a notice's step: one per recipient, written in the step's transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models import OutboxMessage
from services.supervision.audience import (
    MEMBER_ROLE,
    copies_text,
    departments_of,
    leaders_of,
    recipients,
)
from services.supervision.facts import NoticeFacts

KIND_OF_EVENT = {
    "issue": "notice_issued",
    "sign": "notice_signed",
    "reply": "notice_replied",
    "send_back": "notice_returned",
    "close": "notice_closed",
}


def payload_of(facts: NoticeFacts, extra: dict[str, Any]) -> dict[str, Any]:
    """What every notice email shows: the programme, the notice, whom it copies, and the event's facts."""
    return {
        "programme": {"code": facts.programme_code, "name": facts.programme_name},
        "notice": facts.as_dict(),
        **extra,
    }


def queue_step(
    session: Session, facts: NoticeFacts, step_id: int, event: str, actor: str, on: date, detail: str | None
) -> int:
    """One email per recipient of a step (issued, signed, replied, returned, closed); returns how many."""
    departments = departments_of(session, [facts.notice.item_id]).get(facts.notice.item_id, [])
    cooperating = [(email, greet) for role, _name, email, greet in departments if role == "cooperating"]
    copied = [name for role, name, _email, _greet in departments if role == "cooperating"]
    leaders = leaders_of(session, [facts.leader]).get(facts.leader or "", [])
    lead = (facts.department_email, facts.department_head or facts.department)
    members = [(email, greet) for role, _name, email, greet in departments if role == MEMBER_ROLE]
    people = recipients(lead, leaders, cooperating, facts.office_email, members)
    payload = payload_of(
        facts,
        {
            "event": event,
            "actor": actor,
            "on": on.isoformat(),
            "detail": detail,
            "copies": copies_text(facts.leader, copied),
        },
    )
    for email, (name, why) in people.items():
        session.add(
            OutboxMessage(
                dedupe_key=f"notice:{facts.notice.id}:step:{step_id}:{email}",
                kind=KIND_OF_EVENT[event],
                recipient=email,
                recipient_name=name,
                payload={**payload, "recipient_role": why},
            )
        )
    return len(people)
