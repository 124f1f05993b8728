"""Reading notices: the list a person may see (the office all, a department those sent to it and, to read only,
those about items it cooperates on), one with its steps."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from models import DepartmentMember, ItemDepartment, Notice, NoticeStep
from services.errors import BadInput, Forbidden
from services.refs import resolve_programme
from services.supervision.facts import NoticeFacts, facts_query, load_facts, number_of
from services.supervision.requests import Actor
from states.notices import (
    NOTICE_EVENTS,
    OFFICE_EVENTS,
    IllegalNoticeStep,
    NoticeState,
    allowed_notice_events,
    parse_notice_state,
)

EVENT_LABELS = {"issue": "下发", **NOTICE_EVENTS}


def _departments_of(session: Session, actor: Actor) -> list[int] | None:
    """The departments whose notices the actor sees: None for all (office, viewer)."""
    if actor.role != "department" or actor.department_id is None:
        return None
    groups = session.scalars(
        select(DepartmentMember.group_id).where(DepartmentMember.member_id == actor.department_id)
    )
    return [actor.department_id, *groups]


def _visible(departments: list[int]) -> ColumnElement[bool]:
    """Notices sent to these departments, or about an item one of them leads or cooperates on."""
    items = select(ItemDepartment.item_id).where(ItemDepartment.department_id.in_(departments))
    return or_(Notice.department_id.in_(departments), Notice.item_id.in_(items))


def list_notices(
    session: Session, code: str | None, actor: Actor, state: str | None = None
) -> list[dict[str, Any]]:
    """The notices of a programme the actor may see, newest first; optionally only one state (or 'open')."""
    programme = resolve_programme(session, code)
    query = facts_query().where(Notice.programme_id == programme.id)
    departments = _departments_of(session, actor)
    if departments is not None:
        query = query.where(_visible(departments))
    if state == "open":
        query = query.where(
            or_(
                *(
                    Notice.state == s.code
                    for s in (NoticeState.issued, NoticeState.signed, NoticeState.returned)
                )
            )
        )
    elif state:
        try:
            query = query.where(Notice.state == parse_notice_state(state).code)
        except IllegalNoticeStep as exc:
            raise BadInput(f"{exc}，或 open（待反馈）", fields=("state",)) from exc
    rows = [NoticeFacts(*row) for row in session.execute(query.order_by(Notice.id.desc()))]
    return [_with_role(f.as_dict(), f, departments) for f in rows]


def _with_role(view: dict[str, Any], facts: NoticeFacts, departments: list[int] | None) -> dict[str, Any]:
    """Mark a notice the actor's department reads as a cooperating one (it may not sign or reply)."""
    view["cooperating"] = departments is not None and facts.notice.department_id not in departments
    return view


def show_notice(session: Session, code: str | None, notice_id: int, actor: Actor) -> dict[str, Any]:
    """One notice with its audit steps and the events this actor may take now."""
    programme = resolve_programme(session, code)
    facts = load_facts(session, notice_id, programme.code)
    departments = _departments_of(session, actor)
    if (
        departments is not None
        and facts.notice.department_id not in departments
        and not session.scalar(select(Notice.id).where(Notice.id == notice_id, _visible(departments)))
    ):
        raise Forbidden(f"{number_of(notice_id)}不是发给本部门的，无权查看")
    steps = session.execute(
        select(NoticeStep).where(NoticeStep.notice_id == notice_id).order_by(NoticeStep.id)
    ).scalars()
    view = _with_role(facts.as_dict(), facts, departments)
    view["steps"] = [
        {
            "event": s.event,
            "event_label": EVENT_LABELS.get(s.event, s.event),
            "from": NoticeState[s.from_state].label if s.from_state else None,
            "to": NoticeState[s.to_state].label,
            "actor": s.actor,
            "on": s.occurred_on.isoformat(),
            "recorded_at": s.recorded_at.isoformat(),
            "detail": s.detail,
            "source": s.source,
        }
        for s in steps
    ]
    allowed = allowed_notice_events(NoticeState[facts.notice.state])
    if actor.role == "viewer" or view["cooperating"]:
        allowed = []
    elif not actor.is_admin:
        allowed = [e for e in allowed if e not in OFFICE_EVENTS]
    view["actions"] = [{"event": e, "label": EVENT_LABELS[e]} for e in allowed]
    return view
