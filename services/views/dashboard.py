"""The dashboard: every item of a programme with its progress against the time line, filterable."""

from __future__ import annotations

from datetime import UTC, date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from models import Department, DepartmentMember, HealthSnapshot, Item, ItemDepartment, Programme
from models.settings import get_settings
from services.errors import BadInput
from services.health.compute import compute_health
from services.people.access import visible_items
from services.people.users import UserView
from services.refs import resolve_programme
from services.reporting.lights import light_view, stored_earlier_colours
from services.review.waiting import work_links
from services.supervision.open_notices import items_with_overdue_notice
from services.views.contract import qty
from services.views.due import due_rows
from services.views.programme import programme_head
from states.health import Health
from states.rules import StatusRules


def dashboard(
    session: Session,
    user: UserView,
    programme_code: str | None,
    department: str | None = None,
    status: str | None = None,
    as_of: date | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Items the user may see, each with its latest snapshot, or its status on `as_of` (stored for that day,
    else computed in memory and not stored), and what falls due in the month of `as_of` (else of `today`,
    at latest the programme's last day), and whether it has a notice overdue on `as_of` (else `today`); a fixed
    number of queries whatever the size."""
    programme = resolve_programme(session, programme_code)
    rules = StatusRules.from_json(programme.status_rules)
    try:
        want_status = rules.parse(status).name if status else None
    except ValueError as exc:
        raise BadInput(str(exc)) from exc
    allowed = visible_items(session, user, programme)
    members = _members(session, programme)
    last, snaps = _shown(session, programme, as_of)
    earlier = (
        stored_earlier_colours(session, programme, rules, date.fromisoformat(last["as_of"])) if last else {}
    )
    overdue = items_with_overdue_notice(session, programme.id, as_of or today or get_settings().today())
    rows = []
    for head in _item_heads(session, programme):
        if allowed is not None and head["number"] not in allowed:
            continue
        row = {**head, **snaps.get(head["number"], _no_snapshot())}
        row["status_label"] = rules.label(row["status"]) if row["status"] else None
        row["overdue_notice"] = head["number"] in overdue
        row["light"] = (
            light_view(rules, row["status"], row["reason"], False, earlier.get(head["ref"]))
            if row["status"]
            else None
        )
        if department and not _answers_for(department, row["lead"] + row["cooperating"], members):
            continue
        if want_status and row["status"] != want_status:
            continue
        rows.append(row)
    return {
        "due": _due(session, programme, allowed, as_of or today),
        "programme": programme_head(programme),
        "programmes": list(session.scalars(_CODES)),
        "last_run": last,
        "as_of": as_of.isoformat() if as_of else None,
        "departments": _departments(members),
        "statuses": [{"code": h.name, "label": h.label} for h in Health],
        "filters": {"department": department, "status": want_status},
        "items": rows,
        "work": work_links(session, programme, user),
    }


# the dashboard's statements, built once with their values as parameters (it is the most visited page)
_PROGRAMME = bindparam("programme_id")
_CODES = select(Programme.code).order_by(Programme.year.desc(), Programme.code)
_LINKS = (
    select(ItemDepartment.item_id, ItemDepartment.role, Department.name)
    .join(Department, ItemDepartment.department_id == Department.id)
    .join(Item, ItemDepartment.item_id == Item.id)
    .where(Item.programme_id == _PROGRAMME)
    .order_by(ItemDepartment.item_id, ItemDepartment.position, ItemDepartment.id)
)
_ITEMS = (
    select(Item.id, Item.number, Item.title, Item.leader)
    .where(Item.programme_id == _PROGRAMME)
    .order_by(Item.number)
)
_RUNS = (
    select(HealthSnapshot.as_of, func.max(HealthSnapshot.computed_at))
    .where(HealthSnapshot.programme_id == _PROGRAMME, HealthSnapshot.scope == "programme")
    .group_by(HealthSnapshot.as_of)
    .order_by(HealthSnapshot.as_of.desc())
    .limit(1)
)
_RUN_OF_DAY = _RUNS.where(HealthSnapshot.as_of == bindparam("day"))
_ITEM_SNAPSHOTS = (
    select(
        Item.number,
        HealthSnapshot.status,
        HealthSnapshot.progress,
        HealthSnapshot.expected,
        HealthSnapshot.reason,
    )
    .join(Item, HealthSnapshot.item_id == Item.id)
    .where(
        HealthSnapshot.programme_id == _PROGRAMME,
        HealthSnapshot.scope == "item",
        HealthSnapshot.as_of == bindparam("day"),
    )
)
_MEMBER = aliased(Department)
_DEPARTMENTS = (  # the departments on the programme's items, each group with its member offices
    select(Department.name, _MEMBER.name)
    .join(ItemDepartment, ItemDepartment.department_id == Department.id)
    .join(Item, ItemDepartment.item_id == Item.id)
    .outerjoin(DepartmentMember, DepartmentMember.group_id == Department.id)
    .outerjoin(_MEMBER, DepartmentMember.member_id == _MEMBER.id)
    .where(Item.programme_id == _PROGRAMME)
    .distinct()
)


def _due(
    session: Session, programme: Programme, allowed: set[int] | None, day: date | None
) -> dict[str, Any]:
    """The month's due and overdue stages and milestones of the items the user may see."""
    day = min(day or get_settings().today(), date(programme.year, 12, 31))
    data = due_rows(session, programme, f"{day:%Y-%m}", day)
    data["rows"] = [r for r in data["rows"] if allowed is None or r["item"] in allowed]
    return data


def _item_heads(session: Session, programme: Programme) -> list[dict[str, Any]]:
    """`item_head` of every item, in number order, from two column queries (no ORM objects)."""
    names: dict[int, dict[str, list[str]]] = {}
    for item_id, role, name in session.execute(_LINKS, {"programme_id": programme.id}):
        names.setdefault(item_id, {}).setdefault(role, []).append(name)
    items = session.execute(_ITEMS, {"programme_id": programme.id})
    return [
        {
            "ref": str(number),
            "number": number,
            "title": title,
            "leader": leader,
            "lead": names.get(item_id, {}).get("lead", []),
            "cooperating": names.get(item_id, {}).get("cooperating", []),
        }
        for item_id, number, title, leader in items
    ]


def _shown(
    session: Session, programme: Programme, as_of: date | None
) -> tuple[dict[str, Any] | None, dict[int, dict[str, Any]]]:
    """The run shown and its item statuses: the latest run, the one stored for `as_of`, or `as_of` computed."""
    if as_of is None:
        last = _last_run(session, programme)
        return last, _item_snapshots(session, programme, last["as_of"]) if last else {}
    stored = _last_run(session, programme, as_of)
    if stored is not None:
        return stored, _item_snapshots(session, programme, stored["as_of"])
    rows = compute_health(session, programme, as_of).rows
    snaps = {
        int(r["ref"]): _snapshot(r["status"], _decimal(r["progress"]), _decimal(r["expected"]), r["reason"])
        for r in rows
        if r["scope"] == "item"
    }
    return {"as_of": as_of.isoformat(), "computed_at": None}, snaps


def _decimal(value: float | None) -> Decimal | None:
    """A computed ratio as the Decimal a stored one is."""
    return None if value is None else Decimal(str(value))


def _last_run(session: Session, programme: Programme, day: date | None = None) -> dict[str, Any] | None:
    """The date the nightly flow last recomputed this programme for (or `day`, if stored), and when it ran."""
    if day is None:
        row = session.execute(_RUNS, {"programme_id": programme.id}).first()
    else:
        row = session.execute(_RUN_OF_DAY, {"programme_id": programme.id, "day": day}).first()
    if row is None:
        return None
    as_of, computed_at = row
    if computed_at.tzinfo is None:  # SQLite hands back naive UTC
        computed_at = computed_at.replace(tzinfo=UTC)
    local = computed_at.astimezone(ZoneInfo(get_settings().timezone))
    return {"as_of": as_of.isoformat(), "computed_at": f"{local:%Y-%m-%d %H:%M}"}


def _item_snapshots(session: Session, programme: Programme, as_of: str) -> dict[int, dict[str, Any]]:
    params = {"programme_id": programme.id, "day": date.fromisoformat(as_of)}
    rows = session.execute(_ITEM_SNAPSHOTS, params).all()
    return {
        number: _snapshot(status, progress, expected, reason)
        for number, status, progress, expected, reason in rows
    }


def _snapshot(status: str, progress_value: Any, expected_value: Any, reason: str | None) -> dict[str, Any]:
    progress, expected = qty(progress_value), qty(expected_value)
    return {
        "status": status,
        "status_label": Health[status].label,
        "progress": progress,
        "expected": expected,
        "progress_pct": _pct(progress),
        "expected_pct": _pct(expected),
        "reason": reason,
    }


def _no_snapshot() -> dict[str, Any]:
    return dict.fromkeys(("status", "status_label", "progress", "expected", "reason")) | {
        "progress_pct": 0,
        "expected_pct": 0,
    }


def _pct(value: float | int | None) -> float:
    """A ratio as a percentage for a bar, clipped to 0–100."""
    return 0.0 if value is None else round(max(0.0, min(1.0, float(value))) * 100, 1)


def _members(session: Session, programme: Programme) -> dict[str, set[str]]:
    """Each department on the programme's items, with its member offices when it is a group (one query)."""
    out: dict[str, set[str]] = {}
    for name, member in session.execute(_DEPARTMENTS, {"programme_id": programme.id}):
        out.setdefault(name, set()).update([member] if member else [])
    return out


def _departments(members: dict[str, set[str]]) -> list[str]:
    """The departments on the programme's items and the member offices of its groups, sorted."""
    return sorted(set(members) | {m for offices in members.values() for m in offices})


def _answers_for(department: str, names: list[str], members: dict[str, set[str]]) -> bool:
    """True when the department is on the item, itself or as a member office of a group on it."""
    return department in names or any(department in members.get(n, ()) for n in names)
