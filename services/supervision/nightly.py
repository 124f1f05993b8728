"""The nightly deadline check: open notices due within two working days turn yellow, past their deadline red.

Set-based: one SELECT finds every notice whose mark changes tonight (with its names), one query finds the
leaders' addresses, two UPDATEs set the marks, one batched INSERT queues the emails. A mark is emailed
once, when it changes; rerunning the same night finds nothing to change and sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, insert, literal, or_, update
from sqlalchemy.orm import Session

from models import Notice, OutboxMessage, Programme
from models.base import utcnow
from services.errors import BadInput
from services.refs import resolve_programme
from services.supervision.audience import leaders_of, member_offices, recipients
from services.supervision.calendar import due_soon_until
from services.supervision.facts import NoticeFacts, facts_query
from services.unit_of_work import UnitOfWork
from states.notices import OPEN

OPEN_CODES = tuple(s.code for s in OPEN)


@dataclass
class NoticeCheck:
    """What one night's check did."""

    due_soon: int = 0
    overdue: int = 0
    emails: int = 0
    warning: str | None = None


def _marks(programme_id: int, today: date, bound: date | None) -> tuple[Any, Any, Any]:
    """The conditions of a newly overdue and a newly due-soon notice, and the mark each gets."""
    base = and_(Notice.programme_id == programme_id, Notice.state.in_(OPEN_CODES))
    overdue = and_(base, Notice.due_on < today, or_(Notice.alert.is_(None), Notice.alert != "overdue"))
    soon = (
        and_(base, Notice.due_on >= today, Notice.due_on <= bound, Notice.alert.is_(None))
        if bound is not None
        else literal(False)
    )
    mark = case((Notice.due_on < today, "overdue"), else_="due_soon")
    return overdue, soon, mark


def check_notices(session: Session, programme: Programme, today: date) -> NoticeCheck:
    """Mark the programme's open notices due soon or overdue on `today`, and queue one email per change."""
    check = NoticeCheck()
    try:
        bound: date | None = due_soon_until(today)
    except BadInput as exc:  # a year the calendar does not know: the overdue need no calendar
        bound, check.warning = None, str(exc)
    overdue, soon, mark = _marks(programme.id, today, bound)
    conn = session.connection()  # Core all through: no ORM object is loaded or synchronised
    rows = conn.execute(
        facts_query(rows=True).add_columns(mark.label("mark")).where(or_(overdue, soon))
    ).all()
    if not rows:
        return check
    leaders = leaders_of(session, [r.leader for r in rows])
    members = member_offices(session, [r.item_id for r in rows])
    notices = Notice.__table__
    conn.execute(update(notices).where(overdue).values(alert="overdue", alert_on=today))
    if bound is not None:
        conn.execute(update(notices).where(soon).values(alert="due_soon", alert_on=today))
    outbox: list[dict[str, Any]] = []
    now = utcnow()
    for row in rows:
        facts = NoticeFacts.of_row(row)
        check.overdue += row.mark == "overdue"
        check.due_soon += row.mark == "due_soon"
        told = (leaders.get(facts.leader or "", []), members.get(row.item_id, []))
        outbox.extend(_emails(facts, row.mark, today, told, now))
    if outbox:
        conn.execute(insert(OutboxMessage.__table__), outbox)
    check.emails = len(outbox)
    return check


def _emails(
    facts: NoticeFacts, mark: str, today: date, told: tuple[list[Any], list[Any]], now: Any
) -> list[dict[str, Any]]:
    """The rows for one notice's new mark: the lead department and its member offices, the leader, the
    office (`told`: the leader's and the member offices' addresses)."""
    lead = (facts.department_email, facts.department_head or facts.department)
    leaders, members = told
    people = recipients(lead, leaders, [], facts.office_email, members)
    notice = facts.as_dict() | {"alert": mark}
    payload = {
        "programme": {"code": facts.programme_code, "name": facts.programme_name},
        "notice": notice,
        "on": today.isoformat(),
    }
    key = f"notice:{facts.notice.id}:{mark}:{notice['due_on']}:{today}:"
    return [
        {
            "dedupe_key": key + email,
            "kind": f"notice_{mark}",
            "recipient": email,
            "recipient_name": name,
            "payload": {**payload, "recipient_role": why},
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
        for email, (name, why) in people.items()
    ]


def check_programme_notices(uow: UnitOfWork, code: str, today: date) -> NoticeCheck:
    """The nightly use case: check one programme's notices on `today`, in one transaction."""
    check = check_notices(uow.session, resolve_programme(uow.session, code), today)
    uow.commit()
    return check
