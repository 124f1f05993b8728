"""Projects, their evidence, the append-only transition log and progress reports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Quantity, Timestamp, utcnow
from states.stages import MAIN_LINE, Stage, StageCodes

if TYPE_CHECKING:
    from models.programme import Item, Target


class Project(StageCodes, Base):
    """工程/点位/批次: one unit of work that moves through the stages."""

    __tablename__ = "projects"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    stage: Mapped[str] = mapped_column(String(16), index=True)
    suspended_from: Mapped[str | None] = mapped_column(String(16))
    stage_phrase: Mapped[str | None] = mapped_column(String(200))
    stage_reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    planned_preparation_on: Mapped[date | None] = mapped_column(Date)
    planned_construction_on: Mapped[date | None] = mapped_column(Date)
    planned_completed_on: Mapped[date | None] = mapped_column(Date)
    planned_operating_on: Mapped[date | None] = mapped_column(Date)
    actual_approved_on: Mapped[date | None] = mapped_column(Date)
    actual_preparation_on: Mapped[date | None] = mapped_column(Date)
    actual_construction_on: Mapped[date | None] = mapped_column(Date)
    actual_completed_on: Mapped[date | None] = mapped_column(Date)
    actual_operating_on: Mapped[date | None] = mapped_column(Date)
    # the effective date of its latest audit row: "as of" a day replays only projects changed after it
    changed_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    item: Mapped[Item] = relationship(back_populates="projects")
    target: Mapped[Target] = relationship(back_populates="projects")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="project", order_by="Evidence.issued_on", cascade="all, delete-orphan"
    )
    transitions: Mapped[list[Transition]] = relationship(
        back_populates="project",
        order_by="Transition.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def actual_on(self, stage: Stage) -> date | None:
        """The date the project actually reached a main-line stage."""
        return getattr(self, f"actual_{stage.code}_on", None) if stage.is_main else None

    def set_actual_on(self, stage: Stage, value: date | None) -> None:
        """Record (or clear) the date a main-line stage was reached."""
        setattr(self, f"actual_{stage.code}_on", value)

    def planned_on(self, stage: Stage) -> date | None:
        """The planned date of a main-line stage, when the programme gives one."""
        return getattr(self, f"planned_{stage.code}_on", None) if stage.is_main else None

    def dates(self) -> dict[str, dict[str, Any]]:
        """Planned and actual dates per main-line stage code."""
        return {s.code: {"planned": self.planned_on(s), "actual": self.actual_on(s)} for s in MAIN_LINE}


class Evidence(Base):
    """要件/批复: a document recorded for a project (kind, 文号, date)."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("project_id", "kind", "doc_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    doc_no: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    project: Mapped[Project] = relationship(back_populates="evidence")


class Transition(Base):
    """阶段变更记录: one append-only row per stage change."""

    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(16))
    from_stage: Mapped[str | None] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(100))
    occurred_on: Mapped[date] = mapped_column(Date)  # the effective date
    recorded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(16), default="cli")
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)

    project: Mapped[Project] = relationship(back_populates="transitions")


class ProgressReport(Base):
    """进展报送: a department's figures and text for an item or one of its targets, in one period.

    A second report for the same target and period is a new version; the earlier ones stay as history.
    """

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(10))  # the period it is filed in: 2020-09 or 2020-Q3
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    achieved: Mapped[Decimal | None] = mapped_column(Quantity)
    approximate: Mapped[bool] = mapped_column(default=False)
    ratio: Mapped[Decimal | None] = mapped_column(Quantity)
    note: Mapped[str | None] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    next_steps: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    reported_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    item: Mapped[Item] = relationship(back_populates="reports")
    target: Mapped[Target | None] = relationship()


# one version number per item, target (or the item itself) and period
Index(
    "uq_progress_reports_version",
    ProgressReport.item_id,
    func.coalesce(ProgressReport.target_id, 0),
    ProgressReport.period,
    ProgressReport.version,
    unique=True,
)
