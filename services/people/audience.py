"""Who is told about what: recipients of an item's events, and outbox rows written inside the use case."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Select, func, select
from sqlalchemy.orm import Session

from models import Department, ItemDepartment, Person, Programme, Subscription
from models.base import utcnow
from services.stage_change.facts import LockedProject, audience_rows
from services.stage_change.store import write_outbox
from services.views.contract import qty
from states.counting import target_ratio
from states.stages import Stage


def recipients_by_item(
    session: Session, programme: Programme, items: Sequence[Any], event: str
) -> dict[int, dict[str, str]]:
    """Per item (rows with id, number, leader), email → name: lead departments, leader, office, subscribers.

    Three queries in all, whatever the number of items.
    """
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
        .order_by(Subscription.id)
    ).all()
    leaders: dict[str, list[tuple[str, str]]] = {}
    names = {i.leader for i in items if i.leader}
    if names:
        query = select(Person.email, Person.name).where(Person.name.in_(names)).order_by(Person.id)
        for email, name in session.execute(query):
            leaders.setdefault(name, []).append((email, name))
    lead: dict[int, list[tuple[str, str]]] = {i.id: [] for i in items}
    departments: dict[int, set[int]] = {i.id: set() for i in items}
    for item_id, role, department_id, email, name in session.execute(_links([i.id for i in items])):
        departments[item_id].add(department_id)
        if role == "lead" and email:
            lead[item_id].append((email, name))
    return {
        i.id: audience(
            Audience(i.number, lead[i.id], departments[i.id], subscriptions, leaders.get(i.leader or "", [])),
            event,
            programme.office_email,
        )
        for i in items
    }


def _links(item_ids: list[int]) -> Select:
    """The departments of these items, in each item's order: item, role, department, email, name to greet."""
    return (
        select(
            ItemDepartment.item_id,
            ItemDepartment.role,
            ItemDepartment.department_id,
            Department.email,
            func.coalesce(Department.head, Department.name),
        )
        .join(Department, ItemDepartment.department_id == Department.id)
        .where(ItemDepartment.item_id.in_(item_ids))
        .order_by(ItemDepartment.item_id, ItemDepartment.position, ItemDepartment.id)
    )


@dataclass(frozen=True)
class Audience:
    """Who may hear about an item: its lead departments, all its departments, subscriptions, leader."""

    item_number: int
    lead: list[tuple[str, str]]
    departments: set[int]
    subscriptions: list[Any]
    leaders: list[tuple[str, str]]


def audience(who: Audience, event: str, office_email: str | None) -> dict[str, str]:
    """email → name, in order: lead departments, subscribers to the event, the leader, the district office."""
    out: dict[str, str] = {}
    for email, name in who.lead:
        out.setdefault(email.lower(), name)
    for email, name, number, department_id, events in who.subscriptions:
        whole = number is None and department_id is None
        if event in events and (whole or number == who.item_number or department_id in who.departments):
            out.setdefault(email.lower(), name)
    for email, name in who.leaders:
        out.setdefault(email.lower(), name)
    if office_email:
        out.setdefault(office_email.lower(), "区实事项目办公室")
    return out


def _stage_audience(project: LockedProject, rows: list[Any]) -> Audience:
    """The rows of `audience_rows` sorted into an Audience, in one pass."""
    lead: list[tuple[str, str]] = []
    departments: set[int] = set()
    subscriptions: list[Any] = []
    leaders: list[tuple[str, str]] = []
    for source, _position, email, name, role, department_id, item_number, events in rows:
        if source == 0:
            departments.add(department_id)
            if role == "lead" and email:
                lead.append((email, name))
        elif source == 1:
            subscriptions.append((email, name, item_number, department_id, events))
        else:
            leaders.append((email, name))
    return Audience(project.item_number, lead, departments, subscriptions, leaders)


def queue_stage_change(
    conn: Connection, project: LockedProject, transition: dict[str, Any], base_url: str | None
) -> int:
    """One outbox row per recipient of a stage change, written with it; returns how many."""
    people = audience(_stage_audience(project, audience_rows(conn, project)), "stage", project.office_email)
    if not people:
        return 0
    ref = f"{project.item_number}.{project.number}"
    payload = {
        "programme": {"code": project.programme_code, "name": project.programme_name},
        "item": {"number": project.item_number, "title": project.item_title},
        "project": {"ref": ref, "name": project.name},
        "event": transition["event"],
        "from": Stage[transition["from_stage"]].label if transition["from_stage"] else None,
        "to": Stage[transition["to_stage"]].label,
        "actor": transition["actor"],
        "on": transition["occurred_on"].isoformat(),
        "reason": transition["reason"],
        "evidence": transition["evidence"],
        "target": _target_progress(project, Stage[transition["to_stage"]]),
        "link": f"{base_url.rstrip('/')}/projects/{project.programme_code}/{ref}" if base_url else None,
    }
    key, now, text = f"stage:{transition['id']}:", utcnow(), json.dumps(payload)  # encoded once for all
    rows = [
        {
            "dedupe_key": key + email,
            "kind": "stage_changed",
            "recipient": email,
            "recipient_name": name,
            "payload_json": text,
            "created_at": now,
            "next_attempt_at": now,
        }
        for email, name in people.items()
    ]
    write_outbox(conn, rows)
    return len(rows)


def _target_progress(project: LockedProject, stage: Stage) -> dict[str, Any]:
    """The target's figure once the project is at `stage`, by the rule the report and the nightly use."""
    achieved = project.achieved_with(stage)
    planned = project.target_quantity
    ratio = target_ratio(_float(achieved), _float(planned), _float(project.reported_ratio))
    return {
        "name": project.target_name,
        "planned": qty(planned),
        "achieved": qty(achieved),
        "unit": project.target_unit,
        "ratio": ratio,
    }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
