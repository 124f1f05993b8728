"""The departments' 推进情况 of every filing period of the year up to a report's period, read in one query:
family E prints them side by side (进展情况（7月）（10月）（12月）…), each published period in the words it was
published with. Reads only."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
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
    the previous period's column of the other families); periods where nothing was written are left out.

    A publication freezes the filing period its day falls in (a snapshot programme's 截至10月31日 freezes
    October's words up to that day): a report recorded after it and dated by its day is not shown."""
    frozen = _frozen(session, programme_id, kind)
    query = (
        select(
            ProgressReport.period,
            Item.number,
            ProgressReport.target_id,
            ProgressReport.version,
            ProgressReport.note,
            ProgressReport.as_of,
            ProgressReport.recorded_at,
        )
        .join(Item, Item.id == ProgressReport.item_id)
        .where(
            Item.programme_id == programme_id,
            ProgressReport.period.in_(filing_periods(kind, end)),
            ProgressReport.as_of <= end,
        )
        .order_by(Item.number, ProgressReport.target_id.is_not(None), ProgressReport.as_of, ProgressReport.id)
    )
    latest: dict[tuple[str, int, int | None], tuple[int, str | None]] = {}
    for period, number, target, version, note, as_of, recorded_at in session.execute(query):
        publication = frozen.get(period)
        if publication is not None and as_of <= publication[0] and recorded_at > publication[1]:
            continue  # recorded after the publication that printed this period: not in its words
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


def _frozen(session: Session, programme_id: int, kind: PeriodKind) -> dict[str, tuple[date, datetime]]:
    """Per filing period, the day and time of the latest publication whose day falls in it."""
    frozen: dict[str, tuple[date, datetime]] = {}
    rows = session.execute(
        select(PublishedReport.period_end, PublishedReport.published_at)
        .where(PublishedReport.programme_id == programme_id)
        .order_by(PublishedReport.published_at)
    )
    for day, at in rows:
        frozen[filing_period(kind, day)] = (day, at)
    return frozen


def _any(items: dict[Any, list[str]]) -> bool:
    return any(items.values())
