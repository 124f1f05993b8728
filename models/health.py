"""Schedule-health snapshots (序时进度) and status overrides."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Quantity, Timestamp, utcnow


class HealthSnapshot(Base):
    """One dated result of the nightly recomputation for a programme, an item or a target."""

    __tablename__ = "health_snapshots"
    __table_args__ = (UniqueConstraint("programme_id", "as_of", "scope", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # derived data, rewritten nightly: only the programme is a foreign key (see migration 0006); the
    # unique constraint's index serves every query, which all filter on programme_id and as_of
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"))
    as_of: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[int | None] = mapped_column(Integer)
    target_id: Mapped[int | None] = mapped_column(Integer)
    project_id: Mapped[int | None] = mapped_column(Integer)
    planned: Mapped[Decimal | None] = mapped_column(Quantity)
    achieved: Mapped[Decimal | None] = mapped_column(Quantity)
    progress: Mapped[Decimal | None] = mapped_column(Quantity)
    expected: Mapped[Decimal | None] = mapped_column(Quantity)
    status: Mapped[str] = mapped_column(String(16))
    computed_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class StatusOverride(Base):
    """An administrator's judgement that replaces a computed status; the latest row per ref wins."""

    __tablename__ = "status_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    ref: Mapped[str] = mapped_column(String(32))
    status: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    effective_on: Mapped[date] = mapped_column(Date)  # in force from this day (views and reports as of it)
    ends_on: Mapped[date | None] = mapped_column(Date)  # a period's verdict: in force up to its end only
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class ReportFile(Base):
    """A generated report file: one row per absolute path, its checksum now and before the last rewrite."""

    __tablename__ = "report_files"
    __table_args__ = (UniqueConstraint("path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    format: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    previous_checksum: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
