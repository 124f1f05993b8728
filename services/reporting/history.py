"""The departments' 推进情况 of every filing period of the year up to a report's period, read in one query:
family E prints them side by side (进展情况（7月）（10月）（12月）…), each published period in the words it was
published with. Reads only."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Subquery, func, or_, select
from sqlalchemy.orm import Session

from models import Item, ProgressReport, PublishedReport
from states.periods import PeriodKind, filing_period, parse_period


def filing_periods(kind: PeriodKind, end: date) -> list[str]:
    """The filing periods of `end`'s year up to the one `end` falls in: 2020-01 … 2020-09, or 2020-Q1 … Q3."""
    step = 3 if kind == "quarter" else 1
    months = range(step, end.month + 1, step) if kind == "quarter" else range(1, end.month + 1)
    keys = [filing_period(kind, date(end.year, month, 1)) for month in months]
    this = filing_period(kind, end)
    return keys if this in keys else [*keys, this]


def column_title(key: str) -> str:
    """A filing period as a column's bracket: 7月, 三季度."""
    period = parse_period(key, "month")
    return period.title() if period.kind == "quarter" else f"{period.end.month}月"


def texts_by_period(
    session: Session, programme_id: int, end: date, kind: PeriodKind
) -> dict[str, dict[int, list[str]]]:
    """Per filing period of the year up to `end`, per item number, the latest version of each text filed in
    it and in force at `end`, of a published period only the versions recorded by its latest publication (as
    the previous period's column of the other families); periods where nothing was written are left out."""
    published = _published(programme_id)
    query = (
        select(
            ProgressReport.period,
            Item.number,
            ProgressReport.target_id,
            ProgressReport.version,
            ProgressReport.note,
        )
        .join(Item, Item.id == ProgressReport.item_id)
        .outerjoin(published, published.c.period == ProgressReport.period)
        .where(
            Item.programme_id == programme_id,
            ProgressReport.period.in_(filing_periods(kind, end)),
            ProgressReport.as_of <= end,
            or_(published.c.published_at.is_(None), ProgressReport.recorded_at <= published.c.published_at),
        )
        .order_by(Item.number, ProgressReport.target_id.is_not(None), ProgressReport.as_of, ProgressReport.id)
    )
    latest: dict[tuple[str, int, int | None], tuple[int, str | None]] = {}
    for period, number, target, version, note in session.execute(query):
        key = (period, number, target)
        if key not in latest or version > latest[key][0]:
            latest[key] = (version, note)
    texts: dict[str, dict[int, list[str]]] = {}
    for (period, number, _target), (_version, note) in latest.items():
        note = (note or "").strip()
        own = texts.setdefault(period, {}).setdefault(number, [])
        if note and note not in own:
            own.append(note)
    return {p: {n: t for n, t in items.items() if t} for p, items in sorted(texts.items()) if _any(items)}


def _published(programme_id: int) -> Subquery:
    """Per period of the programme ever published, when its latest version was."""
    return (
        select(PublishedReport.period, func.max(PublishedReport.published_at).label("published_at"))
        .where(PublishedReport.programme_id == programme_id)
        .group_by(PublishedReport.period)
        .subquery("published")
    )


def _any(items: dict[Any, list[str]]) -> bool:
    return any(items.values())
