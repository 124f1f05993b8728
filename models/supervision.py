"""Supervision notices (督办单) the office sends a lead department, and the audit row of each step."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamp, utcnow

NOTICE_STATES = ("issued", "signed", "answered", "returned", "closed")


class Notice(Base):
    """督办单: a finding and a requirement about an item (or one project), with a reply deadline."""

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint("state IN ('issued', 'signed', 'answered', 'returned', 'closed')", name="state"),
        CheckConstraint("alert IS NULL OR alert IN ('due_soon', 'overdue')", name="alert"),
        Index("ix_notices_state_due_on", "state", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)  # the lead
    state: Mapped[str] = mapped_column(String(16))
    finding: Mapped[str] = mapped_column(Text)  # 发现问题
    requirement: Mapped[str] = mapped_column(Text)  # 整改要求
    reply_days: Mapped[int] = mapped_column(Integer)  # working days given to reply
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)  # the reply deadline (a working day)
    measures: Mapped[str | None] = mapped_column(Text)  # 整改措施, in the latest reply
    committed_on: Mapped[date | None] = mapped_column(Date)  # the completion date the department commits to
    return_reason: Mapped[str | None] = mapped_column(Text)
    alert: Mapped[str | None] = mapped_column(String(16))  # due_soon (yellow) or overdue (red), set nightly
    alert_on: Mapped[date | None] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class NoticeStep(Base):
    """One step of a notice (issued, signed, replied, returned, closed): who, the effective date, the detail."""

    __tablename__ = "notice_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(16))  # issue, sign, reply, send_back, close
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(100))
    occurred_on: Mapped[date] = mapped_column(Date)  # the effective date
    recorded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    detail: Mapped[str | None] = mapped_column(Text)  # the reason of a return, the measures of a reply
    source: Mapped[str] = mapped_column(String(8))  # cli, web, api
