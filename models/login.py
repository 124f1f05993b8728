"""Failed logins, counted per account and per client address, shared by every web process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamp

SCOPES = ("account", "login", "address")


class LoginFailure(Base):
    """Recent failures of one account (key: user id), unknown login (its text) or client address."""

    __tablename__ = "login_failures"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(200))
    failures: Mapped[int] = mapped_column(Integer)
    first_failed_at: Mapped[datetime] = mapped_column(Timestamp)
    last_failed_at: Mapped[datetime] = mapped_column(Timestamp, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(Timestamp)
