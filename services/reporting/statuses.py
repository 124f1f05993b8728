"""The statuses a report shows for a date: the stored snapshots, or when none are stored, computed in memory."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import HealthSnapshot, Programme, PublishedReport, StatusOverride
from services.health.compute import compute_health
from services.health.judgements import latest_overrides
from states.health import LAGGING as LAGGING_WORDS

LAGGING = {h.name for h in LAGGING_WORDS}


@dataclass(frozen=True)
class Status:
    """One status of a programme, item (ref N) or target (ref N#P) on a date, as the report reads it."""

    as_of: date
    status: str
    progress: float | None
    expected: float | None
    reason: str | None
    override_reason: str | None
    computed: str = ""  # the computed status beside a judged one (`status`)

    @classmethod
    def of(cls, row: Any) -> Status:
        """From a stored snapshot row or a computed row (a mapping with the snapshot's columns)."""
        return cls(
            as_of=row["as_of"],
            status=row["status"],
            progress=_float(row["progress"]),
            expected=_float(row["expected"]),
            reason=row["reason"],
            override_reason=row.get("override_reason"),  # computed target rows have none
            computed=row.get("computed_status") or row["status"],
        )

    def judged(self, override: StatusOverride | None) -> Status:
        """This status under the judgement in force (none: the computed status)."""
        if override is None or override.status is None:
            return replace(self, status=self.computed, override_reason=None)
        return replace(self, status=override.status, override_reason=override.reason)


Statuses = dict[tuple[str, str], Status]


def stored_statuses(session: Session, programme_id: int, day: date) -> Statuses:
    """The snapshots stored for `day`, by (scope, ref); empty when the nightly did not run for it."""
    rows = session.execute(
        select(
            HealthSnapshot.scope,
            HealthSnapshot.ref,
            HealthSnapshot.as_of,
            HealthSnapshot.status,
            HealthSnapshot.computed_status,
            HealthSnapshot.progress,
            HealthSnapshot.expected,
            HealthSnapshot.reason,
            HealthSnapshot.override_reason,
        ).where(
            HealthSnapshot.programme_id == programme_id,
            HealthSnapshot.as_of == day,
            HealthSnapshot.scope != "project",  # overdue projects' rows serve only their run of reds
        )
    ).mappings()
    return {(r["scope"], r["ref"]): Status.of(r) for r in rows}


def published_progress(session: Session, programme_id: int, period: str) -> dict[str, Any] | None:
    """Each item's progress as the period's latest published report printed it, by item number; None when the
    period was never published (a published period's figures never change, whatever is recomputed later)."""
    figures = session.scalar(
        select(PublishedReport.figures)
        .where(PublishedReport.programme_id == programme_id, PublishedReport.period == period)
        .order_by(PublishedReport.version.desc())
        .limit(1)
    )
    return None if figures is None else {n: item.get("progress") for n, item in figures["items"].items()}


def statuses_on(session: Session, programme: Programme, day: date) -> Statuses:
    """The stored snapshots of `day`, items under the judgements in force that day (one recorded after the
    nightly, a period's verdict, counts); when none are stored, the same rows computed in memory."""
    stored = stored_statuses(session, programme.id, day)
    if stored:
        overrides = latest_overrides(session, programme.id, day)
        return {
            (scope, ref): s.judged(overrides.get(ref)) if scope == "item" else s
            for (scope, ref), s in stored.items()
        }
    return {(r["scope"], r["ref"]): Status.of(r) for r in compute_health(session, programme, day).rows}


def lagging_since(session: Session, programme_id: int, end: date, current: Statuses) -> dict[str, date]:
    """Per item ref, the first date of its current run of lagging statuses: stored history, then `current`."""
    history = session.execute(
        select(HealthSnapshot.ref, HealthSnapshot.as_of, HealthSnapshot.status)
        .where(
            HealthSnapshot.programme_id == programme_id,
            HealthSnapshot.scope == "item",
            HealthSnapshot.as_of < end,
        )
        .order_by(HealthSnapshot.as_of)
    ).all()
    today = [(ref, s.as_of, s.status) for (scope, ref), s in current.items() if scope == "item"]
    since: dict[str, date] = {}
    for ref, day, status in [*history, *today]:
        if status in LAGGING:
            since.setdefault(ref, day)
        else:
            since.pop(ref, None)
    return since


def _float(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)
