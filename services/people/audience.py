"""Who is told about what: the audience of an item's events (departments, subscribers, leader, office)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models import Department, ItemDepartment, Person, Programme, Subscription


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
