"""Use cases for web-admin logins: add a user, authenticate, and load the logged-in user."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from models import Department, User
from models.user import ROLES
from services.errors import BadInput, NotFound, require_name
from services.people.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    burn_time,
    hash_password,
    needs_rehash,
    verify_password,
)
from services.people.user_audit import record_change
from services.unit_of_work import UnitOfWork

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,180}\.[^@\s.]{1,30}$")
ROLE_LABELS = {"admin": "管理员（区实事项目办）", "department": "部门", "viewer": "只读"}


@dataclass(frozen=True)
class UserInput:
    """A new login as an administrator types it."""

    name: str
    email: str
    role: str
    password: str
    department: str | None = None
    district: str | None = None
    changed_by: str = "命令行"
    source: str = "cli"


@dataclass(frozen=True)
class UserView:
    """The logged-in user, detached from any session."""

    id: int
    name: str
    email: str
    role: str
    department_id: int | None
    department: str | None
    district: str | None = None
    session_version: int = 0

    @property
    def is_admin(self) -> bool:
        """The district office: may do everything."""
        return self.role == "admin"

    @property
    def can_write(self) -> bool:
        """Admins and department users may change records (departments only their own items)."""
        return self.role in ("admin", "department")

    @property
    def role_label(self) -> str:
        """The role in Chinese."""
        return ROLE_LABELS[self.role]


def view(user: User) -> UserView:
    """The session-free view of a user row."""
    dept = user.department
    return UserView(
        user.id,
        user.name,
        user.email,
        user.role,
        user.department_id,
        dept.name if dept else None,
        dept.district if dept else None,
        user.session_version,
    )


def add_user(uow: UnitOfWork, data: UserInput) -> UserView:
    """Create a login after checking every field; one commit, nothing written on a refusal."""
    session = uow.session
    name = require_name(data.name, "用户名")
    email = data.email.strip().lower()
    if not EMAIL.match(email) or len(email) > 200:
        raise BadInput(f"邮箱地址“{data.email[:60]}”无效")
    if data.role not in ROLES:
        raise BadInput(f"未知角色“{data.role}”；可用：{'、'.join(ROLES)}")
    if not MIN_LENGTH <= len(data.password) <= MAX_LENGTH:
        raise BadInput(f"密码须为 {MIN_LENGTH}–{MAX_LENGTH} 个字符")
    department = find_department(session, data.role, data.department, data.district)
    require_name(data.changed_by, "操作人")
    taken = session.scalars(select(User).where(or_(User.name == name, User.email == email))).first()
    if taken is not None:
        raise BadInput(f"用户名“{name}”或邮箱“{email}”已被使用")
    user = User(
        name=name,
        email=email,
        role=data.role,
        department=department,
        password_hash=hash_password(data.password),
        active=True,
        session_version=0,
    )
    session.add(user)
    record_change(session, user, "add", data.changed_by, data.source, describe_role(user))
    uow.commit()
    return view(user)


def find_department(
    session: Session, role: str, department: str | None, district: str | None
) -> Department | None:
    """The department a user of that role belongs to (None unless a department user), checked."""
    if role != "department":
        if department or district:
            raise BadInput("只有部门用户才能指定部门", fields=("role", "department"))
        return None
    if not department or not department.strip():
        raise BadInput("部门用户须指定部门", fields=("department",))
    district, name = _district_and_name(department, district)
    query = select(Department).where(Department.name == name)
    if district is not None:
        query = query.where(Department.district == district)
    found = list(session.scalars(query.order_by(Department.district)))
    if len(found) > 1:
        districts = "、".join(d.district or "（未填区）" for d in found)
        raise BadInput(
            f"部门“{name[:60]}”在多个区都有：{districts}；请指明区，或写作“{found[0].district}/{name[:60]}”",
            fields=("district", "department"),
        )
    if not found:
        known = "、".join(
            department_label(district, dept)
            for district, dept in session.execute(
                select(Department.district, Department.name).order_by(Department.district, Department.name)
            )
        )
        raise NotFound(f"未找到部门“{department[:60]}”；已有：{known or '（无，请先导入计划）'}")
    return found[0]


def _district_and_name(department: str, district: str | None) -> tuple[str | None, str]:
    """`区民政局` with an optional district, or `长宁区/区民政局`."""
    text = department.strip()
    district = district.strip() if district and district.strip() else None
    if district is None and "/" in text:
        head, _, text = text.partition("/")
        district = head.strip()
    return district, text.strip()


def department_label(district: str | None, name: str) -> str:
    """A department as people name it across districts: `长宁区/区民政局` (the name alone without a district)."""
    return f"{district}/{name}" if district else name


def authenticate(uow: UnitOfWork, login: str, password: str) -> UserView | None:
    """The active user whose name or email and password match, else None (same cost either way)."""
    session = uow.session
    login = login.strip()
    user = session.scalars(
        select(User).where(or_(User.name == login, User.email == login.lower()), User.active.is_(True))
    ).first()
    if user is None or len(password) > MAX_LENGTH:
        burn_time(password[:MAX_LENGTH])
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        uow.commit()
    return view(user)


_USER_OF_SESSION = (  # built once: every request of a logged-in user asks it
    select(
        User.id,
        User.name,
        User.email,
        User.role,
        User.department_id,
        Department.name,
        Department.district,
        User.session_version,
    )
    .outerjoin(Department, User.department_id == Department.id)
    .where(
        User.id == bindparam("user_id"),
        User.active.is_(True),
        User.session_version == bindparam("session_version"),
    )
)


def load_user(session: Session, user_id: int, session_version: int) -> UserView | None:
    """The active user with that id whose sessions of that version are still valid, or None (one row read as
    columns, no ORM object: it runs on every request)."""
    row = session.execute(_USER_OF_SESSION, {"user_id": user_id, "session_version": session_version}).first()
    return UserView(*row) if row is not None else None


def describe_role(user: User) -> str:
    """The role in Chinese, with the department for a department user: `部门（长宁区/区民政局）`."""
    label = ROLE_LABELS[user.role]
    dept = user.department
    return f"{label}（{department_label(dept.district, dept.name)}）" if dept else label


def count_users(session: Session) -> int:
    """How many logins exist."""
    return session.scalar(select(func.count()).select_from(User)) or 0
