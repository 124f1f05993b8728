"""Resolve user references: a programme code, item `N`, project `N.M`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from models import Item, Programme, Project
from services.errors import NotFound

_REF = re.compile(r"^\s*(\d{1,5})(?:\.(\d{1,6}))?\s*$")


@dataclass(frozen=True)
class Ref:
    """A parsed reference: an item number and, for a project, its number within the item."""

    item: int
    project: int | None = None

    def __str__(self) -> str:
        return f"{self.item}" if self.project is None else f"{self.item}.{self.project}"


def parse_ref(text: str) -> Ref:
    """Parse `2` (item 2) or `2.3` (project 3 of item 2)."""
    match = _REF.match(str(text))
    if match is None:
        raise NotFound(f"无法识别的编号“{text}”：项目写作 N（如 2），子项目写作 N.M（如 2.3）")
    return Ref(int(match.group(1)), int(match.group(2)) if match.group(2) else None)


# built once: every page and command resolves a programme, and most an item
_PROGRAMME_BY_CODE = select(Programme).where(func.lower(Programme.code) == bindparam("code"))
_ITEM_BY_NUMBER = select(Item).where(
    Item.programme_id == bindparam("programme_id"), Item.number == bindparam("number")
)


def resolve_programme(session: Session, code: str | None) -> Programme:
    """The programme with that code (in any case), or the only/latest one when no code is given."""
    if code:
        key = ("programme", code.strip().lower())
        known_here = session.info.get(key)  # found earlier in this session: one use case asks once
        if known_here is not None and known_here in session:
            return known_here
        programme = session.scalars(_PROGRAMME_BY_CODE, {"code": key[1]}).one_or_none()
        if programme is None:
            known = "、".join(session.scalars(select(Programme.code).order_by(Programme.code))) or "（无）"
            raise NotFound(f"未找到计划“{code}”；已有：{known}")
        session.info[key] = programme
        return programme
    programme = session.scalars(
        select(Programme).order_by(Programme.year.desc(), Programme.id.desc()).limit(1)
    ).first()
    if programme is None:
        raise NotFound("尚未导入任何实事项目计划：请先运行 shishi load 文件.yaml")
    return programme


def programme_codes_of_year(session: Session, year: int, code: str | None = None) -> list[str]:
    """Codes of the programmes of a year, in code order; with `code`, just that programme (any year)."""
    if code:
        return [resolve_programme(session, code).code]
    return list(
        session.scalars(select(Programme.code).where(Programme.year == year).order_by(Programme.code))
    )


def resolve_item(session: Session, programme: Programme, number: int) -> Item:
    """Item N of a programme."""
    item = session.scalars(_ITEM_BY_NUMBER, {"programme_id": programme.id, "number": number}).one_or_none()
    if item is None:
        raise NotFound(f"计划“{programme.code}”中没有第{number}项")
    return item


def project_query(programme: Programme, ref: Ref) -> Select[tuple[Project]]:
    """The SELECT for project N.M of a programme (callers add locking)."""
    return (
        select(Project)
        .join(Item, Project.item_id == Item.id)
        .where(Item.programme_id == programme.id, Item.number == ref.item, Project.number == ref.project)
    )


def resolve_project(session: Session, programme: Programme, ref: Ref, lock: bool = False) -> Project:
    """Project N.M of a programme; with `lock`, the row is locked (SELECT … FOR UPDATE)."""
    if ref.project is None:
        raise NotFound(f"“{ref}”是项目编号；此操作需要子项目编号 N.M（如 {ref}.1）")
    query = project_query(programme, ref)
    if lock:
        query = query.with_for_update(of=Project)
    project = session.scalars(query).one_or_none()
    if project is None:
        raise NotFound(f"计划“{programme.code}”中没有子项目 {ref}")
    return project
