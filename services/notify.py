"""Who is told about what: recipients of an item's events, and outbox rows written inside the use case."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Item, OutboxMessage, Person, Programme, Project, Subscription, Transition
from services.views import qty
from states.stages import MAIN_LINE, Stage


def recipients(session: Session, programme: Programme, item: Item, event: str) -> dict[str, str]:
    """email → name for one item's event (see `recipients_by_item`)."""
    return recipients_by_item(session, programme, [item], event)[item.id]


def recipients_by_item(
    session: Session, programme: Programme, items: list[Item], event: str
) -> dict[int, dict[str, str]]:
    """Per item, email → name: lead departments, leader, district office, subscribers. Two queries in all."""
    subscriptions = session.execute(
        select(
            Person.email,
            Person.name,
            Subscription.item_number,
            Subscription.department_id,
            Subscription.events,
        )
        .join(Subscription, Subscription.person_id == Person.id)
        .where(Subscription.programme_id == programme.id)
    ).all()
    leaders: dict[str, list[tuple[str, str]]] = {}
    names = {i.leader for i in items if i.leader}
    if names:
        for email, name in session.execute(select(Person.email, Person.name).where(Person.name.in_(names))):
            leaders.setdefault(name, []).append((email, name))
    return {item.id: _for_item(programme, item, event, subscriptions, leaders) for item in items}


def _for_item(
    programme: Programme, item: Item, event: str, subscriptions: list, leaders: dict
) -> dict[str, str]:
    out: dict[str, str] = {}
    for link in item.departments:
        dept = link.department
        if link.role == "lead" and dept.email:
            out.setdefault(dept.email.lower(), dept.head or dept.name)
    department_ids = {link.department_id for link in item.departments}
    for email, name, number, department_id, events in subscriptions:
        whole = number is None and department_id is None
        if event in events and (whole or number == item.number or department_id in department_ids):
            out.setdefault(email.lower(), name)
    for email, name in leaders.get(item.leader or "", []):
        out.setdefault(email.lower(), name)
    if programme.office_email:
        out.setdefault(programme.office_email.lower(), "区实事项目办公室")
    return out


def queue_stage_change(
    session: Session, project: Project, transition: Transition, base_url: str | None
) -> int:
    """One outbox row per recipient for a committed-together stage change; returns how many."""
    item = project.item
    programme = item.programme
    target = project.target
    people = recipients(session, programme, item, "stage")
    if not people:
        return 0
    payload = {
        "programme": {"code": programme.code, "name": programme.name},
        "item": {"number": item.number, "title": item.title},
        "project": {"ref": f"{item.number}.{project.number}", "name": project.name},
        "event": transition.event,
        "from": Stage[transition.from_stage].label if transition.from_stage else None,
        "to": Stage[transition.to_stage].label,
        "actor": transition.actor,
        "on": transition.occurred_on.isoformat(),
        "reason": transition.reason,
        "evidence": transition.evidence,
        "target": _target_progress(session, target),
        "link": f"{base_url.rstrip('/')}/projects/{programme.code}/{item.number}.{project.number}"
        if base_url
        else None,
    }
    for email, name in people.items():
        session.add(
            OutboxMessage(
                dedupe_key=f"stage:{transition.id}:{email}",
                kind="stage_changed",
                recipient=email,
                recipient_name=name,
                payload=payload,
            )
        )
    return len(people)


def _target_progress(session: Session, target: Any) -> dict[str, Any]:
    counting = Stage[target.counting_stage].rank
    codes = [s.code for s in MAIN_LINE if s.rank >= counting]
    achieved = session.scalar(
        select(func.coalesce(func.sum(Project.quantity), 0)).where(
            Project.target_id == target.id, Project.stage.in_(codes)
        )
    )
    planned = target.quantity
    ratio = float(Decimal(achieved) / planned) if planned else None
    return {
        "name": target.name,
        "planned": qty(planned),
        "achieved": qty(Decimal(achieved)),
        "unit": target.unit,
        "ratio": ratio,
    }
