"""A project's stage as of a date: the replay of its audit rows in effective order (pure; no database)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from states.stages import Stage

# before its first audit row takes effect, a project is at the first stage: the programme lists it, nothing more
BEFORE_RECORDS = Stage.approved


@dataclass(frozen=True)
class AuditRow:
    """What the replay needs of one `transitions` row: its id, effective date, stages and reason."""

    id: int
    occurred_on: date
    to_stage: Stage
    from_stage: Stage | None = None
    reason: str | None = None


@dataclass(frozen=True)
class StageAsOf:
    """The stage in force on a date, since when, where it was suspended from, its reason and phrase."""

    stage: Stage
    since: date | None = None
    suspended_from: Stage | None = None
    reason: str | None = None
    phrase: str | None = None
    row: int | None = None  # the audit row that set it; None before any row takes effect


def effective_order(rows: Iterable[AuditRow]) -> list[AuditRow]:
    """The rows by effective date, then in the order they were recorded (their ids)."""
    return sorted(rows, key=lambda r: (r.occurred_on, r.id))


def stage_on(rows: Iterable[AuditRow], day: date, stored: StageAsOf | None = None) -> StageAsOf:
    """The stage a project was at on `day`: the latest row taking effect on or before it; else 立项.

    When no row takes effect after `day`, the project is as stored (`stored`: its stage, suspended
    from, reason and phrase), since its last row. Otherwise the row in force speaks for itself: a
    suspension is from the stage it left, a suspension or cancellation gives its reason, no phrase
    survives; and before any row takes effect the project is at 立项.
    """
    ordered = effective_order(rows)
    passed = [r for r in ordered if r.occurred_on <= day]
    row = passed[-1] if passed else None
    if stored is not None and len(passed) == len(ordered):
        return replace(stored, since=row.occurred_on if row else None, row=row.id if row else None)
    if row is None:
        return StageAsOf(BEFORE_RECORDS)
    held = row.to_stage in (Stage.suspended, Stage.cancelled)
    return StageAsOf(
        stage=row.to_stage,
        since=row.occurred_on,
        suspended_from=row.from_stage if row.to_stage is Stage.suspended else None,
        reason=row.reason if held else None,
        row=row.id,
    )
