"""People who log in to the web admin, with their role and (for department users) their department."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamp, utcnow
from models.programme import Department

ROLES = ("admin", "department", "viewer")
CHANGES = ("add", "disable", "enable", "set_role", "reset_password")


class User(Base):
    """A login: admin (district office), department (its own items) or viewer (read only).

    `session_version` is stamped into every session cookie and remembered Basic login; disabling the
    user or resetting the password increments it, which ends them all on their next request.
    """

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'department', 'viewer')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    department: Mapped[Department | None] = relationship(lazy="joined")


class UserChange(Base):
    """One change to a login (added, disabled, enabled, role changed, password reset): who, what, when."""

    __tablename__ = "user_changes"
    __table_args__ = (
        CheckConstraint(
            "action IN ('add', 'disable', 'enable', 'set_role', 'reset_password')", name="action"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(8))
    changed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
