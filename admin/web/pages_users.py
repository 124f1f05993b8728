"""The administrators' users page: every login, and forms to disable, enable, change role, reset password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from admin.web.deps import PageUser, ReadSession, check_form_csrf, database
from admin.web.render import flash, local_time, page
from services.errors import BadInput
from services.people.access import require_admin
from services.people.management import Actor, list_users, reset_password, set_active, set_role
from services.people.user_audit import list_changes
from services.people.users import ROLE_LABELS, UserView
from services.unit_of_work import UnitOfWork

router = APIRouter(include_in_schema=False)
Token = Annotated[str | None, Form(max_length=200)]
Short = Annotated[str | None, Form(max_length=100)]
UserId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def actor(user: UserView) -> Actor:
    """The logged-in administrator as the author of a change made on the web."""
    return Actor(user.name, "web", user.id)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: PageUser, session: ReadSession) -> Response:
    """Every login with its role, department and state; the latest changes to logins below."""
    require_admin(user)
    people = [{**u, "created": local_time(u["created_at"])} for u in list_users(session)]
    changes = [{**c, "when": local_time(c["changed_at"])} for c in list_changes(session, limit=50)]
    context = {"people": people, "changes": changes, "roles": ROLE_LABELS}
    return page(request, "users.html", context, user)


@router.post("/users/{user_id}/disable")
def disable(request: Request, user_id: UserId, user: PageUser, csrf: Token = None) -> Response:
    """Disable a login: its sessions end at once."""
    return _active(request, user_id, user, csrf, False)


@router.post("/users/{user_id}/enable")
def enable(request: Request, user_id: UserId, user: PageUser, csrf: Token = None) -> Response:
    """Enable a disabled login again."""
    return _active(request, user_id, user, csrf, True)


def _active(request: Request, user_id: UserId, user: UserView, csrf: str | None, active: bool) -> Response:
    check_form_csrf(request, csrf)
    require_admin(user)
    with UnitOfWork(database(request)) as uow:
        name, changed = set_active(uow, user_id, active, actor(user))
    word = "启用" if active else "停用"
    flash(request, "ok", f"已{word}用户 {name}" if changed else f"用户 {name} 已是{word}状态，无变化")
    return RedirectResponse("/users", 303)


@router.post("/users/{user_id}/role")
def change_role(
    request: Request,
    user_id: UserId,
    user: PageUser,
    role: Annotated[str, Form(max_length=16)],
    csrf: Token = None,
    department: Short = None,
    district: Short = None,
) -> Response:
    """Change a login's role (a department user names its department)."""
    check_form_csrf(request, csrf)
    require_admin(user)
    with UnitOfWork(database(request)) as uow:
        name, label, changed = set_role(
            uow,
            user_id,
            role,
            (department or "").strip() or None,
            (district or "").strip() or None,
            actor(user),
        )
    flash(
        request, "ok", f"用户 {name} 的角色已改为 {label}" if changed else f"用户 {name} 已是 {label}，无变化"
    )
    return RedirectResponse("/users", 303)


@router.post("/users/{user_id}/password")
def new_password(
    request: Request,
    user_id: UserId,
    user: PageUser,
    password: Annotated[str, Form(max_length=256)],
    again: Annotated[str, Form(max_length=256)],
    csrf: Token = None,
) -> Response:
    """Reset a login's password (typed twice); the user's sessions end at once."""
    check_form_csrf(request, csrf)
    require_admin(user)
    if password != again:
        raise BadInput("两次输入的密码不一致，未作任何变更", fields=("password",))
    with UnitOfWork(database(request)) as uow:
        name = reset_password(uow, user_id, password, actor(user))
    flash(request, "ok", f"已重置用户 {name} 的密码；其已登录的会话全部失效")
    return RedirectResponse("/users", 303)
