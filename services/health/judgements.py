"""Use case: an administrator overrides (or clears) a computed status, with a reason."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from models import StatusOverride
from services.errors import BadInput, require_name
from services.refs import parse_ref, resolve_item, resolve_programme, resolve_project
from services.unit_of_work import UnitOfWork
from states.health import Health, parse_health


def set_override(
    uow: UnitOfWork,
    ref_text: str,
    status: str | None,
    reason: str,
    actor: str,
    programme_code: str | None = None,
    *,
    on: date,
) -> StatusOverride:
    """Record an override for item `N` or project `N.M` in force from `on`; `status=None` clears it from then.

    Snapshots show it from the next recomputation of a day on or after `on`.
    """
    session = uow.session
    if not reason.strip() or len(reason) > 2000:
        raise BadInput("请写明原因，不超过 2000 字", fields=("reason",))
    require_name(actor)
    health: Health | None = None
    if status is not None:
        try:
            health = parse_health(status)
        except ValueError as exc:
            raise BadInput(str(exc)) from exc
    programme = resolve_programme(session, programme_code)
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
    )
    session.add(row)
    uow.commit()
    return row


_IN_FORCE = (  # built once: every item page asks it
    select(StatusOverride)
    .where(
        StatusOverride.programme_id == bindparam("programme_id"),
        StatusOverride.effective_on <= bindparam("day"),
    )
    .order_by(StatusOverride.effective_on, StatusOverride.id)
)


def latest_overrides(session: Session, programme_id: int, day: date) -> dict[str, StatusOverride]:
    """The override row in force per ref on `day`: the latest taking effect by then (one without status clears)."""
    rows = session.scalars(_IN_FORCE, {"programme_id": programme_id, "day": day})
    return {o.ref: o for o in rows}
