"""Who hears of a notice: the lead department, the 分管领导 and the cooperating departments (copied), the office."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from models import Department, DepartmentMember, ItemDepartment, Person

LEAD, LEADER, COPY, OFFICE = "牵头部门", "分管领导", "配合部门", "办公室"
MEMBER_ROLE, MEMBER = "member", "牵头部门成员单位"  # a member office of the lead group (各街镇 → 新华路街道)


def departments_of(
    session: Session, item_ids: Iterable[int]
) -> dict[int, list[tuple[str, str, str | None, str]]]:
    """Per item: (role, name, email, name to greet) of each department, in the item's order, then (role
    `member`) the member offices with their own address of a group that leads it; one query."""
    out: dict[int, list[tuple[str, str, str | None, str]]] = {}
    ids = sorted(set(item_ids))
    if not ids:
        return out
    for item_id, role, name, email, greet, *_order in session.execute(_departments(ids)):
        out.setdefault(item_id, []).append((role, name, email, greet))
    return out


def member_offices(session: Session, item_ids: Iterable[int]) -> dict[int, list[tuple[str | None, str]]]:
    """Per item, (email, name to greet) of the member offices with an address of a group leading it; one query."""
    return {
        item_id: [(email, greet) for role, _name, email, greet in rows if role == MEMBER_ROLE]
        for item_id, rows in departments_of(session, item_ids).items()
    }


def _departments(ids: list[int]) -> Any:
    """The items' departments and their lead groups' member offices that have an address, in order."""
    member = aliased(Department)
    linked = select(
        ItemDepartment.item_id,
        ItemDepartment.role,
        Department.name,
        Department.email,
        func.coalesce(Department.head, Department.name).label("greet"),
        literal(0).label("kind"),
        ItemDepartment.position.label("position"),
        ItemDepartment.id.label("tie"),
    ).join(Department, ItemDepartment.department_id == Department.id)
    members = (
        select(
            ItemDepartment.item_id,
            literal(MEMBER_ROLE),
            member.name,
            member.email,
            func.coalesce(member.head, member.name),
            literal(1),
            ItemDepartment.position,
            member.id,
        )
        .join(DepartmentMember, DepartmentMember.group_id == ItemDepartment.department_id)
        .join(member, member.id == DepartmentMember.member_id)
        .where(ItemDepartment.role == "lead", member.email.is_not(None))
    )
    both = union_all(
        linked.where(ItemDepartment.item_id.in_(ids)), members.where(ItemDepartment.item_id.in_(ids))
    )
    query = both.subquery()
    return select(query).order_by(query.c.item_id, query.c.kind, query.c.position, query.c.tie)


def leaders_of(session: Session, names: Iterable[str | None]) -> dict[str, list[tuple[str, str]]]:
    """Per leader's name, the (email, name) of the people so named; one query."""
    wanted = sorted({n for n in names if n})
    out: dict[str, list[tuple[str, str]]] = {}
    if wanted:
        for email, name in session.execute(
            select(Person.email, Person.name).where(Person.name.in_(wanted)).order_by(Person.id)
        ):
            out.setdefault(name, []).append((email, name))
    return out


def recipients(
    lead: tuple[str | None, str],
    leaders: list[tuple[str, str]],
    cooperating: list[tuple[str | None, str]],
    office_email: str | None,
    members: list[tuple[str | None, str]] | None = None,
) -> dict[str, tuple[str, str]]:
    """email → (name, why): the lead department and its member offices with an address, the leader, the
    cooperating departments, the office."""
    out: dict[str, tuple[str, str]] = {}
    if lead[0]:
        out.setdefault(lead[0].lower(), (lead[1], LEAD))
    for email, name in members or []:
        if email:
            out.setdefault(email.lower(), (name, MEMBER))
    for email, name in leaders:
        out.setdefault(email.lower(), (name, LEADER))
    for email, name in cooperating:
        if email:
            out.setdefault(email.lower(), (name, COPY))
    if office_email:
        out.setdefault(office_email.lower(), ("区实事项目办公室", OFFICE))
    return out


def copies_text(leader: str | None, cooperating: list[str]) -> str:
    """抄送：分管领导 张三；配合部门 各街镇 — what the email says it copies."""
    parts = []
    if leader:
        parts.append(f"分管领导 {leader}")
    if cooperating:
        parts.append(f"配合部门 {'、'.join(cooperating)}")
    return "；".join(parts)


def as_payload(row: Any) -> dict[str, Any]:
    """Plain JSON values of a notice row for an email."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in dict(row).items()}
