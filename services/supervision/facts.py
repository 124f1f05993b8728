"""A notice with what its pages and emails say of it: item, project, department, programme; one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from models import Department, Item, Notice, Programme, Project
from services.errors import NotFound
from states.notices import ALERTS, NoticeState

LeadDepartment = aliased(Department)


def facts_query(rows: bool = False) -> Select:
    """Notices joined to what they are about; callers add filters and order.

    With `rows`, the notice's columns come as plain row fields instead of an ORM object (the nightly reads
    thousands and changes them by UPDATE): `NoticeFacts.of_row` reads that shape.
    """
    return (
        select(
            *(Notice.__table__.c if rows else [Notice]),
            Programme.code.label("programme_code"),
            Programme.name.label("programme_name"),
            Programme.office_email,
            Item.number.label("item_number"),
            Item.title.label("item_title"),
            Item.leader,
            Project.number.label("project_number"),
            Project.name.label("project_name"),
            LeadDepartment.name.label("department"),
            LeadDepartment.email.label("department_email"),
            LeadDepartment.head.label("department_head"),
        )
        .join(Programme, Notice.programme_id == Programme.id)
        .join(Item, Notice.item_id == Item.id)
        .join(LeadDepartment, Notice.department_id == LeadDepartment.id)
        .outerjoin(Project, Notice.project_id == Project.id)
    )


NOTICE_COLUMNS = tuple(Notice.__table__.c.keys())
NAMES = (
    "programme_code", "programme_name", "office_email", "item_number", "item_title", "leader",
    "project_number", "project_name", "department", "department_email", "department_head",
)  # fmt: skip


@dataclass
class NoticeFacts:
    """A notice row and the names around it."""

    notice: Notice  # or a row with the same fields (see `of_row`)
    programme_code: str
    programme_name: str
    office_email: str | None
    item_number: int
    item_title: str
    leader: str | None
    project_number: int | None
    project_name: str | None
    department: str
    department_email: str | None
    department_head: str | None

    @classmethod
    def of_row(cls, row: Any) -> NoticeFacts:
        """From a row of `facts_query(rows=True)`: its notice columns stand for the notice (same names)."""
        fields = row._asdict()
        notice = SimpleNamespace(**{c: fields[c] for c in NOTICE_COLUMNS})
        return cls(notice, *(fields[n] for n in NAMES))  # type: ignore[arg-type]

    @property
    def ref(self) -> str:
        """N, or N.M for a notice about a project."""
        n = self.item_number
        return f"{n}" if self.project_number is None else f"{n}.{self.project_number}"

    @property
    def about(self) -> str:
        """第2项 新增养老床位… or 子项目 2.3 XX点位."""
        if self.project_number is None:
            return f"第{self.item_number}项 {self.item_title}"
        return f"子项目 {self.ref} {self.project_name}"

    def as_dict(self, today: date | None = None) -> dict[str, Any]:
        """Plain values for pages, the API and emails."""
        n = self.notice
        state = NoticeState[n.state]
        return {
            "id": n.id,
            "number": number_of(n.id),
            "programme": self.programme_code,
            "ref": self.ref,
            "about": self.about,
            "item": self.item_number,
            "department": self.department,
            "leader": self.leader,
            "state": state.code,
            "state_label": state.label,
            "finding": n.finding,
            "requirement": n.requirement,
            "reply_days": n.reply_days,
            "issued_on": n.issued_on.isoformat(),
            "issued_by": n.issued_by,
            "due_on": n.due_on.isoformat(),
            "measures": n.measures,
            "committed_on": n.committed_on.isoformat() if n.committed_on else None,
            "return_reason": n.return_reason,
            "alert": n.alert,
            "alert_label": ALERTS.get(n.alert or "", ""),
            "version": n.version,
        }


def number_of(notice_id: int) -> str:
    """督办单的编号：督办〔第 3 号〕."""
    return f"督办第 {notice_id} 号"


def load_facts(session: Session, notice_id: int, code: str | None = None, lock: bool = False) -> NoticeFacts:
    """One notice with its names; with `lock`, its row is locked (SELECT … FOR UPDATE)."""
    query = facts_query().where(Notice.id == notice_id)
    if code:
        query = query.where(Programme.code == code)
    if lock:
        query = query.with_for_update(of=Notice)
    row = session.execute(query).one_or_none()
    if row is None:
        raise NotFound(f"没有督办单 {notice_id}" + (f"（计划“{code}”）" if code else ""))
    return NoticeFacts(*row)
