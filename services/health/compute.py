"""Compute schedule health (序时进度) for a programme on a date, read-only: the rows a recomputation stores."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models import Programme, StatusOverride
from services.health.judgements import latest_overrides
from services.health.sql import target_rows
from states.counting import target_achieved
from states.health import Health, TargetFacts, rollup, target_health, target_progress
from states.rules import StatusRules
from states.stages import Stage


@dataclass
class HealthSummary:
    """What one recomputation produced for a programme."""

    programme: str
    as_of: date
    items: dict[str, str] = field(default_factory=dict)
    late_projects: int = 0
    status: str = ""
    digests: int = 0


@dataclass
class ComputedHealth:
    """A programme's health on a date, in memory: snapshot rows (targets, items, then the programme)."""

    rows: list[dict[str, Any]]
    summary: HealthSummary
    overrides: dict[str, StatusOverride]


def compute_health(session: Session, programme: Programme, as_of: date) -> ComputedHealth:
    """The rows `recompute` would store for `as_of`, shaped like health_snapshots; reads only (two statements).

    Overdue projects are counted per target, not copied: which project is overdue on a date follows from
    its row (stage and planned dates), so reports and digests read them with `health_sql.late_projects`.
    """
    rules = StatusRules.from_json(programme.status_rules)
    share = rules.expected(programme.year, as_of, None, False)
    overrides = latest_overrides(session, programme.id, as_of)
    rows: list[dict[str, Any]] = []
    items: dict[int, list[tuple[Health, float | None, float, str | None]]] = {}
    item_numbers: dict[int, int] = {}
    for r in session.execute(target_rows(programme.id, as_of)).mappings():
        row, health, progress, expected = _target_row(r, programme, as_of, rules)
        rows.append(row)
        items.setdefault(r["item_id"], []).append((health, progress, expected, row["reason"]))
        item_numbers[r["item_id"]] = r["item_number"]
    summary = HealthSummary(programme.code, as_of)
    item_rows = [
        _item_row(i, item_numbers[i], parts, programme.id, as_of, overrides) for i, parts in items.items()
    ]
    summary.items = {row["ref"]: row["status"] for row in item_rows}
    rows += item_rows
    summary.late_projects = sum(row["detail"]["late"] for row in rows if row["scope"] == "target")
    rows.append(_programme_row(item_rows, programme.id, as_of, share, overrides, summary.late_projects))
    summary.status = rows[-1]["status"]
    return ComputedHealth(rows, summary, overrides)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _target_row(
    r: Any, programme: Programme, as_of: date, rules: StatusRules
) -> tuple[dict[str, Any], Health, float | None, float]:
    achieved = target_achieved(_num(r["counted"]), bool(r["measured"]), _num(r["reported"]))
    expected = rules.expected(programme.year, as_of, _num(r["milestone_expected"]), bool(r["milestones"]))
    facts = TargetFacts(
        planned=_num(r["planned"]),
        achieved=achieved,
        reported_ratio=_num(r["reported_ratio"]),
        expected=expected,
        projects=r["projects"],
        suspended=r["suspended"],
        cancelled=r["cancelled"],
        late=r["late"],
        started=r["started"],
        short_of_milestone=r["short"],
        stage_plan=bool(r["stage_milestones"]),
        planned_start=r["planned_start"],
        due_on=r["due_on"],
        as_of=as_of,
        milestone_quantity=_num(r["milestone_quantity"]),
    )
    health = target_health(facts, rules)
    progress = target_progress(facts)
    row = {
        "programme_id": programme.id,
        "as_of": as_of,
        "scope": "target",
        "ref": f"{r['item_number']}#{r['position']}",
        "item_id": r["item_id"],
        "target_id": r["target_id"],
        "planned": r["planned"],
        "achieved": _rounded(achieved),
        "progress": _rounded(progress),
        "expected": _rounded(expected),
        "status": health.name,
        "computed_status": health.name,
        "reason": _reason(r, health, progress, expected, rules),
        "detail": {
            "projects": r["projects"],
            "late": r["late"],
            "suspended": r["suspended"],
            "approximate": bool(r["approximate"]) and not r["measured"],
        },
    }
    return row, health, progress, expected


def _reason(
    r: Any, health: Health, progress: float | None, expected: float, rules: StatusRules
) -> str | None:
    """Why a target is behind: its overdue projects, the milestone not reached, or its share against 序时."""
    if health is Health.late and r["late"]:
        return f"{r['target_name']}：{r['late']}个子项目逾期未到达计划阶段"
    if health is Health.late:
        step = r["step_name"] or Stage[r["step_stage"]].label
        return (
            f"{r['target_name']}：{r['short']}个子项目未达到“{step}”节点（计划{r['step_due'].isoformat()}）"
        )
    if health in (Health.slow, Health.severe) and progress is None and r["milestone_quantity"] is not None:
        return f"{r['target_name']}完成{_plain(r['reported'])}，节点目标{_plain(r['milestone_quantity'])}"
    if health in (Health.slow, Health.severe):
        return f"{r['target_name']}完成{progress or 0:.0%}，序时{expected:.0%}"
    if health is Health.unstarted:
        return f"{r['target_name']}：计划{r['planned_start'].isoformat()}开工，尚未开工"
    return None


def _plain(value: Any) -> str:
    """12.5000 → 12.5, None → 0."""
    return f"{float(value or 0):g}"


def _rounded(value: float | None) -> float | None:
    """Rounded to the 4 decimals the columns keep; a float, which both drivers and JSON take as it is."""
    return None if value is None else round(value, 4)


def _item_row(
    item_id: int,
    number: int,
    parts: list,
    programme_id: int,
    as_of: date,
    overrides: dict[str, StatusOverride],
) -> dict[str, Any]:
    statuses = [p[0] for p in parts]
    computed = rollup(statuses)
    progresses = [min(p[1], 1.0) for p in parts if p[1] is not None]
    expected = [p[2] for p in parts]
    reasons = [p[3] for p in parts if p[3]]
    row = {
        "programme_id": programme_id,
        "as_of": as_of,
        "scope": "item",
        "ref": str(number),
        "item_id": item_id,
        "progress": _rounded(sum(progresses) / len(progresses)) if progresses else None,
        "expected": _rounded(sum(expected) / len(expected)) if expected else None,
        "computed_status": computed.name,
        "reason": "；".join(reasons) or None,
        "detail": {"targets": dict(Counter(s.name for s in statuses))},
    }
    return _with_override(row, overrides)


def _programme_row(
    item_rows: list[dict[str, Any]],
    programme_id: int,
    as_of: date,
    share: float,
    overrides: dict[str, StatusOverride],
    late_projects: int,
) -> dict[str, Any]:
    statuses = [Health[r["status"]] for r in item_rows]
    progresses = [float(r["progress"]) for r in item_rows if r["progress"] is not None]
    row = {
        "programme_id": programme_id,
        "as_of": as_of,
        "scope": "programme",
        "ref": "",
        "progress": _rounded(sum(progresses) / len(progresses)) if progresses else None,
        "expected": _rounded(share),
        "computed_status": rollup(statuses).name,
        "reason": None,
        "detail": {
            "items": dict(Counter(s.name for s in statuses)),
            "item_count": len(item_rows),
            "late_projects": late_projects,
        },
    }
    return _with_override(row, overrides)


def _with_override(row: dict[str, Any], overrides: dict[str, StatusOverride]) -> dict[str, Any]:
    override = overrides.get(row["ref"])
    row["status"] = override.status if override and override.status else row["computed_status"]
    row["override_reason"] = override.reason if override and override.status else None
    return row
