"""Use cases of an administrator on logins: list, disable, enable, change role, reset password.

Each change is one unit of work with its audit row (`user_changes`). Disabling a user or resetting
a password increments `session_version`, which ends every session and remembered Basic login of that
user on its next request. The last active administrator can be neither disabled nor demoted, and no
one changes their own account from the web (another administrator, or the command line, does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import User
from models.user import ROLES
from services.errors import BadInput, NotFound, Refused, require_name
from services.people.passwords import MAX_LENGTH, MIN_LENGTH, hash_password
from services.people.throttle import forget_account
from services.people.user_audit import record_change
from services.people.users import ROLE_LABELS, department_label, describe_role, find_department
from services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Actor:
    """Who makes a change and through which door: `cli` (the name given with --by), `web` or `api`."""

    name: str
    source: str = "cli"
    user_id: int | None = None


def list_users(session: Session) -> list[dict[str, Any]]:
    """Every login with its role, department (with district), state and creation time, by name."""
    rows = session.scalars(select(User).order_by(User.created_at, User.id)).all()
    return [
        {
            "id": u.id,
            "name": u.name,
            "email": u.email,
            "role": u.role,
            "role_label": ROLE_LABELS[u.role],
            "department": u.department.name if u.department else None,
            "district": u.department.district if u.department else None,
            "department_label": department_label(u.department.district, u.department.name)
            if u.department
            else None,
            "active": u.active,
            "state_label": "正常" if u.active else "已停用",
            "created_at": u.created_at,
        }
        for u in rows
    ]


def set_active(uow: UnitOfWork, who: str | int, active: bool, actor: Actor) -> tuple[str, bool]:
    """Disable or enable a login; returns its name and whether anything changed (one commit when it did)."""
    session = uow.session
    user = _target(session, who, actor)
    if user.active == active:
        return user.name, False
    if not active:
        _refuse_self(user, actor, "停用")
        _keep_an_administrator(session, user, "停用")
        user.session_version += 1
    user.active = active
    record_change(session, user, "enable" if active else "disable", actor.name, actor.source)
    uow.commit()
    return user.name, True


def set_role(
    uow: UnitOfWork, who: str | int, role: str, department: str | None, district: str | None, actor: Actor
) -> tuple[str, str, bool]:
    """Change a login's role (and department); returns its name, the new role in words and whether it changed."""
    session = uow.session
    if role not in ROLES:
        raise BadInput(f"未知角色“{role[:20]}”；可用：{'、'.join(ROLES)}", fields=("role",))
    user = _target(session, who, actor)
    dept = find_department(session, role, department, district)
    before = describe_role(user)
    if user.role == role and user.department_id == (dept.id if dept else None):
        return user.name, before, False
    _refuse_self(user, actor, "更改角色")
    if role != "admin":
        _keep_an_administrator(session, user, "改为其他角色")
    user.role, user.department = role, dept
    after = describe_role(user)
    record_change(session, user, "set_role", actor.name, actor.source, f"{before} → {after}")
    uow.commit()
    return user.name, after, True


def reset_password(uow: UnitOfWork, who: str | int, password: str, actor: Actor) -> str:
    """Set a new password, end the user's sessions and lift a login lock; one commit."""
    session = uow.session
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise BadInput(f"密码须为 {MIN_LENGTH}–{MAX_LENGTH} 个字符", fields=("password",))
    user = _target(session, who, actor)
    _refuse_self(user, actor, "重置密码")
    user.password_hash = hash_password(password)
    user.session_version += 1
    forget_account(uow.connection, user.id)  # the new password opens the account at once
    record_change(session, user, "reset_password", actor.name, actor.source)
    uow.commit()
    return user.name


def _target(session: Session, who: str | int, actor: Actor) -> User:
    """The user named (name or email) or with that id; checks the actor's name first."""
    require_name(actor.name, "操作人")
    return find_user(session, who)


def find_user(session: Session, who: str | int) -> User:
    """The user with that name or email, or that id; NotFound otherwise."""
    if isinstance(who, int):
        user = session.get(User, who)
    else:
        text = who.strip()
        user = session.scalars(select(User).where(or_(User.name == text, User.email == text.lower()))).first()
    if user is None:
        raise NotFound(f"未找到用户“{str(who)[:60]}”；shishi user list 列出全部用户")
    return user


def _refuse_self(user: User, actor: Actor, what: str) -> None:
    """No one changes their own account from the web: another administrator does."""
    if actor.user_id is not None and actor.user_id == user.id:
        raise Refused(f"不能{what}自己的账户", [f"请另一位管理员操作：{user.name}"])


def _keep_an_administrator(session: Session, user: User, what: str) -> None:
    """Refuse to leave no active administrator."""
    if user.role != "admin" or not user.active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise Refused(f"{user.name} 是唯一的在用管理员，不能{what}", ["请先新增或启用另一位管理员"])
