"""The open notices an item or project page lists, and the items with an overdue notice the dashboard marks:
one query each, whatever the number of notices."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from models import Item, Notice, NoticeStep, Project
from services.errors import BadInput
from services.supervision.calendar import due_soon_until
from services.supervision.facts import number_of
from states.notices import ALERTS, OPEN, NoticeState

OPEN_CODES = tuple(s.code for s in OPEN)  # waiting for the department: these can be due soon or overdue

_OF_ITEM = (
    select(Notice.id, Notice.state, Notice.due_on, Notice.alert, Item.number, Project.number)
    .join(Item, Notice.item_id == Item.id)
    .outerjoin(Project, Notice.project_id == Project.id)
    .where(
        Notice.programme_id == bindparam("programme_id"),
        Item.number == bindparam("item"),
        Notice.state != NoticeState.closed.code,
    )
    .order_by(Notice.due_on, Notice.id)
)


def open_notices(
    session: Session, programme_id: int, item: int, today: date, project: int | None = None
) -> list[dict[str, Any]]:
    """The notices not yet closed (已办结) about item N (and its projects), or only about project N.M,
    soonest deadline first, each marked due soon or overdue on `today`."""
    query = _OF_ITEM if project is None else _OF_ITEM.where(Project.number == project)
    rows = session.execute(query, {"programme_id": programme_id, "item": item}).all()
    bound = _due_soon_bound(today) if rows else None
    return [_view(row, today, bound) for row in rows]


def _due_soon_bound(today: date) -> date | None:
    """The latest deadline due soon today; None in a year the calendar does not know (the stored mark holds)."""
    try:
        return due_soon_until(today)
    except BadInput:
        return None


def _view(row: Any, today: date, bound: date | None) -> dict[str, Any]:
    notice_id, state, due_on, stored, item, project = row
    alert = None
    if state in OPEN_CODES:
        if due_on < today:
            alert = "overdue"
        elif (bound is not None and due_on <= bound) or (bound is None and stored == "due_soon"):
            alert = "due_soon"
    return {
        "id": notice_id,
        "number": number_of(notice_id),
        "ref": f"{item}" if project is None else f"{item}.{project}",
        "state": state,
        "state_label": NoticeState[state].label,
        "due_on": due_on.isoformat(),
        "alert": alert,
        "alert_label": ALERTS.get(alert or "", ""),
    }


_DAY = bindparam("day")
_LATEST_STEPS = (  # each notice's latest step on or before the day (a step is never dated before the last)
    select(func.max(NoticeStep.id))
    .join(Notice, NoticeStep.notice_id == Notice.id)
    .where(Notice.programme_id == bindparam("programme_id"), NoticeStep.occurred_on <= _DAY)
    .group_by(NoticeStep.notice_id)
)
_OVERDUE = (
    select(Item.number)
    .join(Notice, Notice.item_id == Item.id)
    .join(NoticeStep, NoticeStep.notice_id == Notice.id)
    .where(NoticeStep.id.in_(_LATEST_STEPS), NoticeStep.to_state.in_(OPEN_CODES), Notice.due_on < _DAY)
    .distinct()
)


def items_with_overdue_notice(session: Session, programme_id: int, day: date) -> set[int]:
    """Numbers of the items with a notice (about the item or one of its projects) overdue on `day`: issued by
    then, still waiting for the department on that day (its steps replayed), and past its deadline."""
    return set(session.scalars(_OVERDUE, {"programme_id": programme_id, "day": day}))
