"""A department's submission (progress, a document, a stage change) waiting for the office's review."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Timestamp, utcnow

KINDS = ("progress", "evidence", "stage")
STATES = ("pending", "approved", "returned")


class Submission(Base):
    """待审核: what a department submitted under a programme that requires review, and what became of it.

    It changes nothing until an administrator approves it (the change then applies in the approval's
    transaction) or returns it with a reason (it never applies). Rows are kept as the review's audit.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint("kind IN ('progress', 'evidence', 'stage')", name="kind"),
        CheckConstraint("state IN ('pending', 'approved', 'returned')", name="state"),
        Index("ix_submissions_programme_state", "programme_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    item_number: Mapped[int] = mapped_column(Integer)
    ref: Mapped[str] = mapped_column(String(16))  # N (progress) or N.M (a project)
    kind: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # the request as submitted, with its date
    summary: Mapped[str] = mapped_column(Text)  # what it asks, in words, for the lists and emails
    state: Mapped[str] = mapped_column(String(16), default="pending")
    submitted_by: Mapped[str] = mapped_column(String(100))  # the login's name
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    department: Mapped[str | None] = mapped_column(String(100))
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(Timestamp)
    reason: Mapped[str | None] = mapped_column(Text)  # why it was returned
    result: Mapped[str | None] = mapped_column(Text)  # what the approval applied, in words
