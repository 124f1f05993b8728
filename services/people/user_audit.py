"""The audit of changes to logins: who changed which user, how, from where and when."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import User, UserChange
from services.errors import require_name

ACTION_LABELS = {
    "add": "新增",
    "disable": "停用",
    "enable": "启用",
    "set_role": "更改角色",
    "reset_password": "重置密码",
}
SOURCE_LABELS = {"cli": "命令行", "web": "网页", "api": "接口"}


def record_change(
    session: Session, user: User, action: str, changed_by: str, source: str, detail: str = ""
) -> None:
    """Add one audit row for a change to a login (inside the caller's unit of work; no commit)."""
    session.flush()  # the user's id, when just added
    session.add(
        UserChange(
            user_id=user.id,
            user_name=user.name,
            action=action,
            detail=detail,
            changed_by=require_name(changed_by, "操作人"),
            source=source,
        )
    )


def list_changes(session: Session, user_id: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The latest changes to logins, newest first (all users, or one)."""
    query = select(UserChange).order_by(UserChange.changed_at.desc(), UserChange.id.desc()).limit(limit)
    if user_id is not None:
        query = query.where(UserChange.user_id == user_id)
    return [
        {
            "user": c.user_name,
            "action": c.action,
            "action_label": ACTION_LABELS[c.action],
            "detail": c.detail,
            "changed_by": c.changed_by,
            "source": c.source,
            "source_label": SOURCE_LABELS.get(c.source, c.source),
            "changed_at": c.changed_at,
        }
        for c in session.scalars(query)
    ]
