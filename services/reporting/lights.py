"""Lights of a programme's items for a date: each status's colour, the rule that set it, and how many
periods in a row it has been red (挂牌督办 once that reaches the programme's `listed_after`); reads only."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from models import HealthSnapshot, Programme
from services.reporting.statuses import Status, Statuses, statuses_on
from states.lights import colour_of, earlier_ends, red_periods
from states.periods import PeriodKind, programme_start
from states.rules import StatusRules

Earlier = dict[str, list[str]]  # item ref → the colours of its earlier periods, oldest first


def earlier_colours(
    session: Session, programme: Programme, rules: StatusRules, day: date, reds: set[str]
) -> Earlier:
    """For each item red on `day` (`reds`), its colours at the ends of the `listed_after - 1` periods before
    the one `day` falls in (stored snapshots under the judgements of each end, else computed), read newest
    first and only while some item's run of reds goes on: one read per period read, none when none is red."""
    kind: PeriodKind = programme.periods  # type: ignore[assignment]
    ends = earlier_ends(kind, day, rules.listed_after - 1, programme_start(programme.year))
    going: set[str] = set(reds)
    read: dict[date, dict[str, str]] = {}
    for end in reversed(ends):
        if not going:
            break  # an end not read can only precede a period that is not red: it counts for no run
        statuses = statuses_on(session, programme, end)
        read[end] = {
            ref: _colour(status, rules) for (scope, ref), status in statuses.items() if scope == "item"
        }
        going = {ref for ref in going if read[end].get(ref) == "red"}
    return {ref: [read.get(end, {}).get(ref, "none") for end in ends] for ref in sorted(reds)}


def stored_earlier_colours(
    session: Session, programme: Programme, rules: StatusRules, day: date, scope: str = "item"
) -> Earlier:
    """`earlier_colours` from the stored snapshots of a scope (`item`, or `project`: the overdue projects)
    alone, in one statement (the dashboard's way): a period end without a stored row counts as no light, so
    it breaks a run of reds."""
    kind: PeriodKind = programme.periods  # type: ignore[assignment]
    ends = earlier_ends(kind, day, rules.listed_after - 1, programme_start(programme.year))
    if not ends:
        return {}
    params = {"programme_id": programme.id, "ends": ends, "scope": scope}
    rows = session.execute(_EARLIER, params).all()
    found = {(ref, as_of): status for ref, as_of, status in rows}
    refs = sorted({ref for ref, _ in found})
    return {ref: [_code_colour(found.get((ref, end)), rules) for end in ends] for ref in refs}


_EARLIER = select(HealthSnapshot.ref, HealthSnapshot.as_of, HealthSnapshot.status).where(
    HealthSnapshot.programme_id == bindparam("programme_id"),
    HealthSnapshot.scope == bindparam("scope"),
    HealthSnapshot.as_of.in_(bindparam("ends", expanding=True)),
)


def _code_colour(code: str | None, rules: StatusRules) -> str:
    return "none" if code is None else colour_of(code, rules.lights)[0]


def _colour(status: Status | None, rules: StatusRules) -> str:
    return "none" if status is None else colour_of(status.status, rules.lights)[0]


def light_view(
    rules: StatusRules, status: str, why: str | None, judged: bool, earlier: list[str] | None = None
) -> dict[str, Any]:
    """One light as pages, the API and reports carry it: colour, 红灯, the rule, red periods, 挂牌督办."""
    light = rules.light(status, why, judged)
    return light.as_dict(red_periods([*(earlier or []), light.colour]), rules.listed_after)


def status_light(rules: StatusRules, status: Status, earlier: list[str] | None = None) -> dict[str, Any]:
    """The light of a stored or computed status (a verdict in force counts as judged)."""
    judged = status.override_reason is not None
    why = status.override_reason if judged else status.reason
    return light_view(rules, status.status, why, judged, earlier)


def item_lights(session: Session, programme: Programme, day: date, current: Statuses) -> dict[str, Any]:
    """Every item's light on `day` from its status there (`current`), with its run of red periods."""
    rules = StatusRules.from_json(programme.status_rules)
    items = {ref: status for (scope, ref), status in current.items() if scope == "item"}
    reds = {ref for ref, status in items.items() if status_light(rules, status)["colour"] == "red"}
    earlier = earlier_colours(session, programme, rules, day, reds)
    return {ref: status_light(rules, status, earlier.get(ref)) for ref, status in items.items()}


def project_lights(
    session: Session, programme: Programme, rules: StatusRules, day: date, projects: list[dict[str, Any]]
) -> None:
    """Give each project view its light on `day`, with its run of red periods from the stored overdue
    projects of the earlier period ends (one query for all of them)."""
    earlier = stored_earlier_colours(session, programme, rules, day, "project") if projects else {}
    for project in projects:
        project["light"] = light_view(
            rules, project["status"], project["reason"], False, earlier.get(project["ref"])
        )


def with_light(
    session: Session, programme: Programme, rules: StatusRules, ref: str, health: dict[str, Any] | None
) -> dict[str, Any] | None:
    """An item's latest health (as the item page reads it) with its light and its run of red periods."""
    if health is None or not health["status"]:
        return health
    earlier = stored_earlier_colours(session, programme, rules, date.fromisoformat(health["as_of"]))
    judged = health["override_reason"] is not None
    why = health["override_reason"] if judged else health["reason"]
    health["light"] = light_view(rules, health["status"], why, judged, earlier.get(ref))
    return health
