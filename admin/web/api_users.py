"""The JSON API for administrators on logins: list them and their changes, disable, enable, role, password."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from admin.web.api import ERRORS
from admin.web.deps import ApiUser, ReadSession, database
from services.people.access import require_admin
from services.people.management import Actor, list_users, reset_password, set_active, set_role
from services.people.user_audit import list_changes
from services.people.users import UserView
from services.unit_of_work import UnitOfWork

router = APIRouter(prefix="/api/users", tags=["users"], responses=ERRORS)
UserId = Annotated[int, Path(ge=1, le=2**31 - 1, description="用户编号（GET /api/users 返回的 id）")]


class RoleBody(BaseModel):
    """The new role; a department user names its department (and its district when the name is in several)."""

    role: Literal["admin", "department", "viewer"]
    department: str | None = Field(default=None, max_length=100)
    district: str | None = Field(default=None, max_length=100)


class PasswordBody(BaseModel):
    """The new password; the user's sessions and remembered logins end at once."""

    password: str = Field(min_length=1, max_length=256)


def _admin(user: UserView) -> Actor:
    require_admin(user)
    return Actor(user.name, "api", user.id)


@router.get("")
def users(user: ApiUser, session: ReadSession) -> list[dict[str, Any]]:
    """Every login: name, email, role, department and district, whether active, when created."""
    require_admin(user)
    return list_users(session)


@router.get("/changes")
def changes(user: ApiUser, session: ReadSession) -> list[dict[str, Any]]:
    """The latest 200 changes to logins, newest first: who changed which user, how, from where, when."""
    require_admin(user)
    return list_changes(session)


@router.post("/{user_id}/disable")
def disable(request: Request, user_id: UserId, user: ApiUser) -> dict[str, Any]:
    """Disable a login: its sessions and Basic credentials stop working at once."""
    with UnitOfWork(database(request)) as uow:
        name, changed = set_active(uow, user_id, False, _admin(user))
    return {"name": name, "active": False, "changed": changed}


@router.post("/{user_id}/enable")
def enable(request: Request, user_id: UserId, user: ApiUser) -> dict[str, Any]:
    """Enable a disabled login."""
    with UnitOfWork(database(request)) as uow:
        name, changed = set_active(uow, user_id, True, _admin(user))
    return {"name": name, "active": True, "changed": changed}


@router.post("/{user_id}/role")
def role(request: Request, user_id: UserId, body: RoleBody, user: ApiUser) -> dict[str, Any]:
    """Change a login's role (and department)."""
    with UnitOfWork(database(request)) as uow:
        name, label, changed = set_role(uow, user_id, body.role, body.department, body.district, _admin(user))
    return {"name": name, "role": body.role, "role_label": label, "changed": changed}


@router.post("/{user_id}/password")
def password(request: Request, user_id: UserId, body: PasswordBody, user: ApiUser) -> dict[str, Any]:
    """Reset a login's password; the user's sessions end at once."""
    with UnitOfWork(database(request)) as uow:
        name = reset_password(uow, user_id, body.password, _admin(user))
    return {"name": name, "password_reset": True}
