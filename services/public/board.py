"""Use case: a public programme's items with their lights and progress, as its latest published period states
them; reads only. Every field shown is named below (a whitelist): no person, email, remark or internal note."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Department, Item, ItemDepartment, Programme, ProgrammeChange, PublishedReport
from services.errors import NotFound
from states.periods import PeriodKind, parse_period
from states.rules import StatusRules

NOT_PUBLIC = "页面不存在"


def public_board(session: Session, code: str) -> dict[str, Any]:
    """The public view of a programme (NotFound when there is none or it is not public), with the moment it
    last changed and a tag of its content, for caching."""
    programme = session.scalar(
        select(Programme).where(func.lower(Programme.code) == code.lower(), Programme.public.is_(True))
    )
    if programme is None:
        raise NotFound(NOT_PUBLIC)
    published = session.scalars(
        select(PublishedReport)
        .where(PublishedReport.programme_id == programme.id)
        .order_by(PublishedReport.period_end.desc(), PublishedReport.version.desc())
        .limit(1)
    ).first()
    rules = StatusRules.from_json(programme.status_rules)
    figures = published.figures["items"] if published else {}
    leads = leads_of(session, programme.id)
    items = [
        _item(number, title, leads.get(item_id, []), figures.get(str(number)), rules)
        for item_id, number, title in session.execute(_items(programme.id))
    ]
    board = {
        "programme": {
            "code": programme.code,
            "name": programme.name,
            "year": programme.year,
            "district": programme.district,
            "city": programme.city,
        },
        "report": _report(published, programme.periods),  # type: ignore[arg-type]
        "items": items,
    }
    return {"board": board, "modified": _modified(session, programme, published), "tag": _tag(board)}


def _items(programme_id: int) -> Any:
    return (
        select(Item.id, Item.number, Item.title)
        .where(Item.programme_id == programme_id)
        .order_by(Item.number)
    )


def _item(
    number: int, title: str, lead: list[str], figures: dict[str, Any] | None, rules: StatusRules
) -> dict[str, Any]:
    """One item: its number, title, 牵头单位, and as published its progress, status, light and targets."""
    row: dict[str, Any] = {"number": number, "title": title, "lead": lead}
    if figures is None:
        return row | {"progress": None, "status": None, "light": None, "targets": []}
    status = figures.get("status") or None
    return row | {
        "progress": figures.get("progress"),
        "status": status,
        "light": _light(status, rules),
        "targets": [
            {
                "name": t.get("name"),
                "unit": t.get("unit"),
                "planned": t.get("planned"),
                "achieved": t.get("achieved"),
                "ratio": t.get("ratio"),
            }
            for t in figures.get("targets", {}).values()
        ],
    }


def _light(word: str | None, rules: StatusRules) -> dict[str, str] | None:
    """The colour of a published status word (the rule behind it is internal: not shown)."""
    if not word:
        return None
    try:
        light = rules.light(rules.parse(word).name)
    except ValueError:
        return None
    return {"colour": light.colour, "label": light.label}


def _report(published: PublishedReport | None, kind: PeriodKind) -> dict[str, Any] | None:
    """Which published report the figures are from: its period in words, its end, version and date."""
    if published is None:
        return None
    period = parse_period(published.period, kind)
    return {
        "period": published.period,
        "title": f"{period.end.year} 年 {period.title(spaced=True)}",
        "as_of": period.end.isoformat(),
        "version": published.version,
        "published_on": _utc(published.published_at).date().isoformat(),
    }


def _modified(session: Session, programme: Programme, published: PublishedReport | None) -> datetime:
    """The last moment anything shown changed: the programme loaded or reloaded, or a period published."""
    changed = session.scalar(
        select(func.max(ProgrammeChange.recorded_at)).where(ProgrammeChange.programme_id == programme.id)
    )
    moments = [programme.created_at, changed, published.published_at if published else None]
    return max(_utc(m) for m in moments if m is not None).replace(microsecond=0)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _tag(board: dict[str, Any]) -> str:
    """A strong tag of the content: the same board gives the same tag in every process."""
    text = json.dumps(board, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def leads_of(session: Session, programme_id: int) -> dict[int, list[str]]:
    """Per item id, its lead departments' names, in order (departments are public bodies, not people)."""
    rows = session.execute(
        select(ItemDepartment.item_id, Department.name)
        .join(Department, ItemDepartment.department_id == Department.id)
        .join(Item, ItemDepartment.item_id == Item.id)
        .where(Item.programme_id == programme_id, ItemDepartment.role == "lead")
        .order_by(ItemDepartment.item_id, ItemDepartment.position, ItemDepartment.id)
    )
    out: dict[int, list[str]] = {}
    for item_id, name in rows:
        out.setdefault(item_id, []).append(name)
    return out
