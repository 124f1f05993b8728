"""Who hears of a notice: the lead department, the 分管领导 and the cooperating departments (copied), the office."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Department, ItemDepartment, Person

LEAD, LEADER, COPY, OFFICE = "牵头部门", "分管领导", "配合部门", "办公室"


def departments_of(
    session: Session, item_ids: Iterable[int]
) -> dict[int, list[tuple[str, str, str | None, str]]]:
    """Per item: (role, name, email, name to greet) of each department, in the item's order; one query."""
    out: dict[int, list[tuple[str, str, str | None, str]]] = {}
    ids = sorted(set(item_ids))
    if not ids:
        return out
    rows = session.execute(
        select(
            ItemDepartment.item_id,
            ItemDepartment.role,
            Department.name,
            Department.email,
            func.coalesce(Department.head, Department.name),
        )
        .join(Department, ItemDepartment.department_id == Department.id)
        .where(ItemDepartment.item_id.in_(ids))
        .order_by(ItemDepartment.item_id, ItemDepartment.position, ItemDepartment.id)
    )
    for item_id, role, name, email, greet in rows:
        out.setdefault(item_id, []).append((role, name, email, greet))
    return out


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
) -> dict[str, tuple[str, str]]:
    """email → (name, why): the lead department, the leader, the cooperating departments, the office."""
    out: dict[str, tuple[str, str]] = {}
    if lead[0]:
        out.setdefault(lead[0].lower(), (lead[1], LEAD))
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
