"""Use case: a person follows a programme, an item or a department (shishi subscribe)."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Department, Person, Subscription
from services.errors import BadInput, NotFound, require_name
from services.refs import resolve_item, resolve_programme
from services.unit_of_work import UnitOfWork

EVENTS = ("stage", "warning")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


def subscribe(
    uow: UnitOfWork,
    person: str,
    *,
    email: str | None = None,
    item: int | None = None,
    department: str | None = None,
    programme_code: str | None = None,
    whole_programme: bool = False,
    events: tuple[str, ...] = EVENTS,
) -> tuple[Subscription, bool]:
    """Add a subscription (creating the person when an email is given); False when it already existed."""
    session = uow.session
    if sum((item is not None, department is not None, whole_programme)) != 1:
        raise BadInput(
            "请指定且只指定一项：项目、部门或整个计划", fields=("item", "department", "whole_programme")
        )
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise BadInput(f"事件类型只能是 {'、'.join(EVENTS)}：{'、'.join(unknown) or '（空）'}")
    programme = resolve_programme(session, programme_code)
    who = _person(session, person, email)
    dept_id = None
    if department is not None:
        district = programme.district or ""  # the programme's own district: another's 区民政局 is not it
        dept = session.scalars(
            select(Department).where(Department.district == district, Department.name == department.strip())
        ).one_or_none()
        if dept is None:
            raise NotFound(f"计划“{programme.code}”所在区没有部门“{department[:60]}”", fields=("department",))
        dept_id = dept.id
    if item is not None:
        resolve_item(session, programme, item)
    existing = session.scalars(
        select(Subscription).where(
            Subscription.person_id == who.id,
            Subscription.programme_id == programme.id,
            Subscription.item_number.is_(item) if item is None else Subscription.item_number == item,
            Subscription.department_id.is_(None)
            if dept_id is None
            else Subscription.department_id == dept_id,
        )
    ).first()
    if existing is not None and sorted(existing.events) == sorted(events):
        session.rollback()
        return existing, False
    if existing is None:
        existing = Subscription(
            person_id=who.id, programme_id=programme.id, item_number=item, department_id=dept_id
        )
        session.add(existing)
    existing.events = sorted(set(events))
    uow.commit()
    return existing, True


def _person(session: Session, text: str, email: str | None) -> Person:
    if email is not None and (not _EMAIL.match(email) or len(email) > 200):
        raise BadInput(f"邮箱格式不正确：{email}")
    require_name(text, "姓名")
    key = (email or text).lower()
    found = session.scalars(
        select(Person).where((func.lower(Person.email) == key) | (Person.name == text))
    ).first()
    if found is not None:
        return found
    if email is None:
        raise NotFound(f"未找到人员“{text}”；新人员请同时给出邮箱", fields=("email",))
    person = Person(name=text.strip(), email=email)
    session.add(person)
    session.flush()
    return person
