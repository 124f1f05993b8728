"""People who log in to the web admin, with their role and (for department users) their department."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamp, utcnow
from models.programme import Department

ROLES = ("admin", "department", "viewer")


class User(Base):
    """A login: admin (district office), department (its own items) or viewer (read only)."""

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

    department: Mapped[Department | None] = relationship(lazy="joined")
