"""Use case: an administrator overrides (or clears) a computed status, with a reason."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from models import Programme, StatusOverride
from services.errors import BadInput, require_name
from services.refs import parse_ref, resolve_item, resolve_programme, resolve_project
from services.unit_of_work import UnitOfWork
from states.health import Health
from states.periods import period_end
from states.rules import StatusRules


def set_override(
    uow: UnitOfWork,
    ref_text: str,
    status: str | None,
    reason: str,
    actor: str,
    programme_code: str | None = None,
    *,
    on: date,
    period: str | None = None,
) -> StatusOverride:
    """Record an override for item `N` or project `N.M` in force from `on`; `status=None` clears it from then.

    With a `period` (YYYY-MM or YYYY-Qn) it is that period's verdict: in force from the period's first
    day to its last only, whatever `on` says. Snapshots show it from the next recomputation of a day it
    covers; reports apply the judgements in force on their period's end.
    """
    session = uow.session
    if not reason.strip() or len(reason) > 2000:
        raise BadInput("请写明原因，不超过 2000 字", fields=("reason",))
    require_name(actor)
    ends_on = None
    if period is not None:
        on, ends_on = period_days(period)
    programme = resolve_programme(session, programme_code)
    health: Health | None = None
    if status is not None:
        try:
            health = StatusRules.from_json(programme.status_rules).parse(status)
        except ValueError as exc:
            raise BadInput(str(exc)) from exc
    ref = parse_ref(ref_text)
    if ref.project is None:
        resolve_item(session, programme, ref.item)
    else:
        resolve_project(session, programme, ref)
    row = StatusOverride(
        programme_id=programme.id,
        ref=str(ref),
        status=health.name if health else None,
        reason=reason.strip(),
        actor=actor.strip(),
        effective_on=on,
        ends_on=ends_on,
    )
    session.add(row)
    uow.commit()
    return row


_IN_FORCE = (  # built once: every item page asks it
    select(StatusOverride)
    .where(
        StatusOverride.programme_id == bindparam("programme_id"),
        StatusOverride.effective_on <= bindparam("day"),
        or_(StatusOverride.ends_on.is_(None), StatusOverride.ends_on >= bindparam("day")),
    )
    .order_by(StatusOverride.effective_on, StatusOverride.id)
)


def latest_overrides(session: Session, programme_id: int, day: date) -> dict[str, StatusOverride]:
    """The override row in force per ref on `day`: the latest taking effect by then (one without status clears);
    a period's verdict only within its period."""
    rows = session.scalars(_IN_FORCE, {"programme_id": programme_id, "day": day})
    return {o.ref: o for o in rows}


def period_days(period: str) -> tuple[date, date]:
    """The first and last day of a period written YYYY-MM or YYYY-Qn; BadInput when malformed."""
    try:
        end = period_end(period)
    except ValueError as exc:
        raise BadInput(str(exc), fields=("period",)) from exc
    months = 3 if "Q" in period else 1
    start_month = end.month - months + 1
    return date(end.year, start_month, 1), end


def judged_label(session: Session, row: StatusOverride) -> str:
    """The programme's word for a judgement's status."""
    programme = session.get(Programme, row.programme_id)
    rules = StatusRules.from_json(programme.status_rules if programme else None)
    return rules.label(row.status) if row.status else ""
