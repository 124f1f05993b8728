"""The dashboard: every item of a programme with its progress against the time line, filterable."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models import Department, HealthSnapshot, Item, ItemDepartment, Programme
from models.settings import get_settings
from services.errors import BadInput
from services.people.access import visible_items
from services.people.users import UserView
from services.refs import resolve_programme
from services.views.contract import item_head, qty
from services.views.programme import programme_head
from states.health import Health, parse_health


def dashboard(
    session: Session,
    user: UserView,
    programme_code: str | None,
    department: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Items the user may see, each with its latest snapshot; four queries whatever the size."""
    programme = resolve_programme(session, programme_code)
    try:
        want_status = parse_health(status).name if status else None
    except ValueError as exc:
        raise BadInput(str(exc)) from exc
    allowed = visible_items(session, user, programme)
    last = _last_run(session, programme)
    snaps = _item_snapshots(session, programme, last["as_of"]) if last else {}
    items = session.scalars(
        select(Item)
        .where(Item.programme_id == programme.id)
        .order_by(Item.number)
        .options(selectinload(Item.departments))
    ).all()
    rows = []
    for item in items:
        if allowed is not None and item.number not in allowed:
            continue
        row = {**item_head(item), **snaps.get(item.number, _no_snapshot())}
        if department and department not in row["lead"] + row["cooperating"]:
            continue
        if want_status and row["status"] != want_status:
            continue
        rows.append(row)
    return {
        "programme": programme_head(programme),
        "programmes": list(
            session.scalars(select(Programme.code).order_by(Programme.year.desc(), Programme.code))
        ),
        "last_run": last,
        "departments": _departments(session, programme),
        "statuses": [{"code": h.name, "label": h.label} for h in Health],
        "filters": {"department": department, "status": want_status},
        "items": rows,
    }


def _last_run(session: Session, programme: Programme) -> dict[str, str] | None:
    """The date the nightly flow last recomputed this programme for, and when it ran."""
    row = session.execute(
        select(HealthSnapshot.as_of, func.max(HealthSnapshot.computed_at))
        .where(HealthSnapshot.programme_id == programme.id, HealthSnapshot.scope == "programme")
        .group_by(HealthSnapshot.as_of)
        .order_by(HealthSnapshot.as_of.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    as_of, computed_at = row
    if computed_at.tzinfo is None:  # SQLite hands back naive UTC
        computed_at = computed_at.replace(tzinfo=UTC)
    local = computed_at.astimezone(ZoneInfo(get_settings().timezone))
    return {"as_of": as_of.isoformat(), "computed_at": f"{local:%Y-%m-%d %H:%M}"}


def _item_snapshots(session: Session, programme: Programme, as_of: str) -> dict[int, dict[str, Any]]:
    rows = session.execute(
        select(Item.number, HealthSnapshot)
        .join(Item, HealthSnapshot.item_id == Item.id)
        .where(
            HealthSnapshot.programme_id == programme.id,
            HealthSnapshot.scope == "item",
            HealthSnapshot.as_of == date.fromisoformat(as_of),
        )
    ).all()
    return {number: _snapshot(s) for number, s in rows}


def _snapshot(s: HealthSnapshot) -> dict[str, Any]:
    progress, expected = qty(s.progress), qty(s.expected)
    return {
        "status": s.status,
        "status_label": Health[s.status].label,
        "progress": progress,
        "expected": expected,
        "progress_pct": _pct(progress),
        "expected_pct": _pct(expected),
        "reason": s.reason,
    }


def _no_snapshot() -> dict[str, Any]:
    return dict.fromkeys(("status", "status_label", "progress", "expected", "reason")) | {
        "progress_pct": 0,
        "expected_pct": 0,
    }


def _pct(value: float | int | None) -> float:
    """A ratio as a percentage for a bar, clipped to 0–100."""
    return 0.0 if value is None else round(max(0.0, min(1.0, float(value))) * 100, 1)


def _departments(session: Session, programme: Programme) -> list[str]:
    return list(
        session.scalars(
            select(Department.name)
            .join(ItemDepartment, ItemDepartment.department_id == Department.id)
            .join(Item, ItemDepartment.item_id == Item.id)
            .where(Item.programme_id == programme.id)
            .distinct()
            .order_by(Department.name)
        )
    )
