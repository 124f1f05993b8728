"""Published periods: a period's report content and figures, stored once and never changed (append-only)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamp, utcnow


class PublishedReport(Base):
    """One published version of a programme's period: who, when, why, its figures and one checksum of all."""

    __tablename__ = "published_reports"
    __table_args__ = (
        UniqueConstraint("programme_id", "period", "version"),
        Index("ix_published_reports_programme_end", "programme_id", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"))
    period: Mapped[str] = mapped_column(String(16))
    period_end: Mapped[date] = mapped_column(Date)  # the day the period's report is built as of
    version: Mapped[int] = mapped_column(Integer)
    published_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 of the figures and every file's checksum
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    files: Mapped[list[PublishedFile]] = relationship(order_by="PublishedFile.id", lazy="raise")


class PublishedFile(Base):
    """One file of a published version, its bytes exactly as published."""

    __tablename__ = "published_report_files"
    __table_args__ = (UniqueConstraint("published_report_id", "kind", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    published_report_id: Mapped[int] = mapped_column(ForeignKey("published_reports.id"))
    kind: Mapped[str] = mapped_column(String(32))
    format: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    checksum: Mapped[str] = mapped_column(String(64))
