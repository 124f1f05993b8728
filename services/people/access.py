"""Who may see and change what: admins everything, departments their own items (and a member office the
items of its groups: 新华路街道 those of 各街镇), viewers nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import DepartmentMember, Item, ItemDepartment, Programme
from services.errors import Forbidden
from services.people.users import UserView
from states.machine import Event


def visible_items(session: Session, user: UserView, programme: Programme) -> set[int] | None:
    """Item numbers a department user may see and change, its own and its groups' (one query); None
    means all (admin, viewer)."""
    if user.role != "department":
        return None
    groups = select(DepartmentMember.group_id).where(DepartmentMember.member_id == user.department_id)
    rows = session.scalars(
        select(Item.number)
        .join(ItemDepartment, ItemDepartment.item_id == Item.id)
        .where(
            Item.programme_id == programme.id,
            (ItemDepartment.department_id == user.department_id) | ItemDepartment.department_id.in_(groups),
        )
        .distinct()
    )
    return set(rows)


def may_see(session: Session, user: UserView, programme: Programme, item: int) -> bool:
    """True when the user may read item N."""
    allowed = visible_items(session, user, programme)
    return allowed is None or item in allowed


def require_read(session: Session, user: UserView, programme: Programme, item: int) -> None:
    """Refuse a department user reading an item their department neither leads nor cooperates on."""
    if not may_see(session, user, programme, item):
        raise Forbidden(f"第{item}项不属于{user.department}，无权查看", [_scope(user)])


def require_write(session: Session, user: UserView, programme: Programme, item: int) -> None:
    """Refuse a viewer, or a department user acting on another department's item."""
    if not user.can_write:
        raise Forbidden("只读用户不能修改任何记录", [f"{user.name} 的角色为“{user.role_label}”"])
    if not may_see(session, user, programme, item):
        raise Forbidden(f"第{item}项不属于{user.department}，无权操作", [_scope(user)])


def require_event(user: UserView, event: str) -> None:
    """Refuse a role its event: only administrators revert (退回); the check comes before any rule."""
    if event == Event.revert and not user.is_admin:
        raise Forbidden("退回须由管理员操作", [f"{user.name} 的角色为“{user.role_label}”"])


def _scope(user: UserView) -> str:
    return f"部门用户只能查看和操作本部门（或其所属部门组）牵头或配合的项目（{user.name}：{user.department}）"


def require_admin(user: UserView) -> None:
    """Refuse anyone but an administrator (managing logins, resetting passwords)."""
    if not user.is_admin:
        raise Forbidden("只有管理员可以管理用户", [f"{user.name} 的角色为“{user.role_label}”"])
