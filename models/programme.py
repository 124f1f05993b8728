"""Programmes, their numbered items, departments and targets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Quantity, Timestamp, utcnow

if TYPE_CHECKING:
    from models.project import ProgressReport, Project


class Programme(Base):
    """年度实事项目: one district's list of practical projects for one year."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    district: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(200))
    office_email: Mapped[str | None] = mapped_column(String(200))
    # the periods it publishes: cumulative (1-N月), month, quarter or snapshot (截至 M月D日)
    periods: Mapped[str] = mapped_column(String(16), default="cumulative", server_default="cumulative")
    source_checksum: Mapped[str | None] = mapped_column(String(64))
    # the file's status vocabulary and rules (states.rules.StatusRules.as_json); None: the default rules
    status_rules: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # `public: true` in the file: a login-free, read-only page and feed of its published state
    public: Mapped[bool] = mapped_column(default=False, server_default=false())
    # departments' progress, documents and stage changes wait for the office's review (待审核)
    review: Mapped[bool] = mapped_column(default=False, server_default=false())
    # how its reports read: {family: A–F, title, kind, templates}; None: family F with the default title
    report_style: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    items: Mapped[list[Item]] = relationship(
        back_populates="programme", order_by="Item.number", cascade="all, delete-orphan"
    )


# codes are unique whatever their case: changning-2020 and Changning-2020 are one programme
Index("ix_programmes_lower_code", func.lower(Programme.code), unique=True)


class Department(Base):
    """主责/配合部门, or a group of them such as 各街镇, of one district (its programmes' `district`)."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("district", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "" for the departments of programmes that name no district
    district: Mapped[str] = mapped_column(String(100), default="", server_default="")
    name: Mapped[str] = mapped_column(String(100))
    is_group: Mapped[bool] = mapped_column(default=False)
    head: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))


class DepartmentMember(Base):
    """A member office of a group department (各街镇 → 新华路街道): it acts on the group's items."""

    __tablename__ = "department_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Item(Base):
    """第N项: one numbered entry of a programme."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("programme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    leader: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str | None] = mapped_column(String(100))  # 主要任务: the group it is published under
    tier: Mapped[str | None] = mapped_column(String(16))  # 省, 市, 区, 县 …

    programme: Mapped[Programme] = relationship(back_populates="items")
    departments: Mapped[list[ItemDepartment]] = relationship(
        order_by="ItemDepartment.position", cascade="all, delete-orphan", lazy="selectin"
    )
    targets: Mapped[list[Target]] = relationship(
        back_populates="item", order_by="Target.position", cascade="all, delete-orphan"
    )
    projects: Mapped[list[Project]] = relationship(
        back_populates="item", order_by="Project.number", cascade="all, delete-orphan"
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="item",
        order_by="(ProgressReport.as_of, ProgressReport.version)",
        cascade="all, delete-orphan",
    )

    def department_names(self, role: str) -> list[str]:
        """Names of the lead ('lead') or cooperating ('cooperating') departments."""
        return [d.department.name for d in self.departments if d.role == role]


class ItemDepartment(Base):
    """A department's role on an item: lead (主责) or cooperating (配合)."""

    __tablename__ = "item_departments"
    __table_args__ = (UniqueConstraint("item_id", "department_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)

    department: Mapped[Department] = relationship(lazy="joined")


class Target(Base):
    """指标: a quantity with a unit, counted when its projects reach `counting_stage`."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("item_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    unit: Mapped[str | None] = mapped_column(String(32))
    bound: Mapped[str] = mapped_column(String(16), default="exact")
    counting_stage: Mapped[str] = mapped_column(String(16), default="completed")
    noun: Mapped[str | None] = mapped_column(String(32))
    phrases: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    requirements: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)
    due_on: Mapped[date | None] = mapped_column(Date)

    item: Mapped[Item] = relationship(back_populates="targets")
    milestones: Mapped[list[Milestone]] = relationship(
        order_by="Milestone.due_on", cascade="all, delete-orphan", lazy="selectin"
    )
    projects: Mapped[list[Project]] = relationship(back_populates="target", order_by="Project.number")

    def as_dict(self) -> dict[str, Any]:
        """Plain fields, for comparisons by the loader."""
        return {
            "name": self.name,
            "quantity": self.quantity,
            "unit": self.unit,
            "bound": self.bound,
            "counting_stage": self.counting_stage,
            "noun": self.noun,
            "phrases": self.phrases,
            "requirements": self.requirements,
            "due_on": self.due_on,
        }


class Milestone(Base):
    """A target's dated milestone (month or quarter end): a planned share, a named stage (开工, 竣工 …), or both."""

    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("target_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date)
    expected_ratio: Mapped[Decimal | None] = mapped_column(Quantity)
    # the cumulative amount due by then, in the target's unit (a 节点目标 of 20 公里)
    expected_quantity: Mapped[Decimal | None] = mapped_column(Quantity)
    name: Mapped[str | None] = mapped_column(String(32))  # 方案制定, 招标, 开工, 主体完工, 竣工 …
    stage: Mapped[str | None] = mapped_column(String(16))  # the project stage that shows it reached
    note: Mapped[str | None] = mapped_column(Text)


class ProgrammeChange(Base):
    """改动记录: one change a programme load applied, with who and when; append-only."""

    __tablename__ = "programme_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    file: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str | None] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(64))
    change: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    destructive: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(Text)
