"""What changed between two periods, item by item: stages reached, figures, status and verdict.

A published period is compared by the figures stored when it was published; any other period by its
figures computed as of its end.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from models import Programme
from services.errors import BadInput
from services.publishing.figures import period_figures
from services.publishing.store import checked_period, latest_published
from services.refs import resolve_programme
from services.reporting.data import gather, previous_period
from states.periods import period_end
from states.stages import MAIN_LINE, Stage

ORDER = {s.code: -s.rank for s in MAIN_LINE} | {Stage.suspended.code: 1, Stage.cancelled.code: 2}
ITEM_FIELDS = (("progress", "进度"), ("status", "状态"), ("verdict", "是否达序"))
TARGET_FIELDS = (("planned", "计划"), ("achieved", "完成"), ("ratio", "完成比例"), ("status", "状态"))


def diff_periods(session: Session, code: str | None, period: str, against: str | None) -> dict[str, Any]:
    """The changes from `against` (by default the period before) to `period`, per item with any change."""
    programme = resolve_programme(session, code)
    kind = programme.periods
    against = against or previous_period(checked_period(programme, period, "period").key, kind)  # type: ignore[arg-type]
    checked_period(programme, against, "against")
    if against == period:
        raise BadInput(f"两个报告期相同：{period}", fields=("against",))
    before, before_source = period_state(session, programme, against)
    after, after_source = period_state(session, programme, period)
    items = [
        changes
        for number, item in after["items"].items()
        if (changes := item_changes(number, before["items"].get(number), item))["changed"]
    ]
    return {
        "programme": programme.code,
        "period": period,
        "against": against,
        "sources": {against: before_source, period: after_source},
        "items": items,
        "unchanged": len(after["items"]) - len(items),
    }


def period_state(
    session: Session, programme: Programme, period: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A period's figures and where they come from: its latest published version, else computed as of its end."""
    published = latest_published(session, programme.id, period)
    if published is not None:
        source = {"published": True, "version": published.version, "checksum": published.checksum}
        return published.figures, source
    data = gather(session, programme.code, period)
    return period_figures(session, programme.id, period_end(period), data), {"published": False}


def item_changes(number: str, before: dict[str, Any] | None, after: dict[str, Any]) -> dict[str, Any]:
    """One item's changes: its own figures, each target's figures and stage counts, the projects that moved."""
    before = before or {"targets": {}, "projects": {}}
    fields = _fields(before, after, ITEM_FIELDS)
    targets = []
    for position, target in after["targets"].items():
        old = before["targets"].get(position, {})
        stages = _stages(old.get("stages", {}), target["stages"])
        own = _fields(old, target, TARGET_FIELDS)
        if own or stages:
            targets.append(
                {
                    "position": int(position),
                    "name": target["name"],
                    "unit": target["unit"],
                    "changes": own,
                    "stages": stages,
                }
            )
    moved = [
        {
            "ref": ref,
            "name": p["name"],
            "from": before["projects"].get(ref, {}).get("stage"),
            "to": p["stage"],
        }
        for ref, p in after["projects"].items()
        if before["projects"].get(ref, {}).get("stage") != p["stage"]
    ]
    return {
        "number": int(number),
        "title": after["title"],
        "changed": bool(fields or targets or moved),
        "changes": fields,
        "targets": targets,
        "moved": moved,
    }


def _fields(
    before: dict[str, Any], after: dict[str, Any], names: tuple[tuple[str, str], ...]
) -> list[dict[str, Any]]:
    return [
        {"field": name, "label": label, "from": before.get(name), "to": after.get(name)}
        for name, label in names
        if before.get(name) != after.get(name)
    ]


def _stages(before: dict[str, int], after: dict[str, int]) -> list[dict[str, Any]]:
    """The stages whose number of projects changed, furthest first."""
    codes = sorted(set(before) | set(after), key=lambda code: ORDER[code])
    return [
        {"stage": code, "label": Stage[code].label, "from": before.get(code, 0), "to": after.get(code, 0)}
        for code in codes
        if before.get(code, 0) != after.get(code, 0)
    ]
