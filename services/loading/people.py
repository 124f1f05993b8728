"""Part of the programme load: people and what they follow (subscriptions)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Department, Person, Programme, Subscription
from services.loading.schema import PersonSpec


def apply_people(
    session: Session, programme: Programme, specs: list[PersonSpec], departments: dict[str, Department]
) -> tuple[int, int]:
    """Create or update people by email and bring their subscriptions in line; return (created, updated)."""
    if not specs:
        return 0, 0
    people = {p.email.lower(): p for p in session.scalars(select(Person))}
    current: dict[int, set[tuple]] = {}
    for sub in session.scalars(select(Subscription).where(Subscription.programme_id == programme.id)):
        current.setdefault(sub.person_id, set()).add(_key(sub.item_number, sub.department_id, sub.events))
    created = updated = 0
    for spec in specs:
        person = people.get(spec.email.lower())
        is_new = person is None
        if person is None:
            person = Person(name=spec.name, email=spec.email)
            session.add(person)
            session.flush()
            people[spec.email.lower()] = person
            created += 1
        changed = person.name != spec.name
        person.name = spec.name
        wanted = _wanted(spec, departments)
        if current.get(person.id, set()) != wanted:
            _replace(session, programme, person, wanted)
            changed = True
        updated += int(changed and not is_new)
    return created, updated


def _key(item: int | None, department: int | None, events: list[str]) -> tuple:
    return (item, department, tuple(sorted(events)))


def _wanted(spec: PersonSpec, departments: dict[str, Department]) -> set[tuple]:
    follows = spec.follows
    if follows is None:
        return set()
    events = list(follows.events)
    wanted = {_key(n, None, events) for n in follows.items}
    wanted |= {_key(None, departments[name].id, events) for name in follows.departments}
    if follows.programme:
        wanted.add(_key(None, None, events))
    return wanted


def _replace(session: Session, programme: Programme, person: Person, wanted: set[tuple]) -> None:
    for sub in session.scalars(
        select(Subscription).where(
            Subscription.programme_id == programme.id, Subscription.person_id == person.id
        )
    ):
        session.delete(sub)
    for item, department, events in sorted(wanted, key=repr):
        session.add(
            Subscription(
                person_id=person.id,
                programme_id=programme.id,
                item_number=item,
                department_id=department,
                events=list(events),
            )
        )
