"""Plain-dict views of the models: the stable JSON contract of `--json` and the web API."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from models import Item, ProgressReport, Project, Target, Transition
from models.settings import get_settings
from services.as_of import ProjectOn
from states.counting import counts, target_achieved, target_ratio
from states.health import project_health
from states.machine import EVENT_LABELS
from states.prerequisites import kind_label
from states.quantities import amount
from states.stages import MAIN_LINE, Stage

SOURCE_LABELS = {
    "cli": "命令行",
    "web": "网页",
    "api": "接口",
    "load": "计划导入",
    "flow": "流程",
    "review": "审核通过",
}
AnyProject = Project | ProjectOn  # a project as stored now, or as it stood on a day


def qty(value: Decimal | None) -> int | float | None:
    """A quantity as a JSON number (integers stay integers)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def project_view(project: AnyProject, item_number: int, target: Target, as_of: date) -> dict[str, Any]:
    """The summary of a project every listing shows."""
    stage = project.stage_enum
    health = project_health(stage, Stage[target.counting_stage], _planned(project), as_of)
    return {
        "ref": f"{item_number}.{project.number}",
        "name": project.name,
        "stage": stage.code,
        "stage_label": stage.label,
        "phrase": project.stage_phrase or target.phrases.get(stage.code),
        "status": health.name,
        "status_label": health.label,
        "quantity": qty(project.quantity),
        "unit": target.unit,
        "target": target.position,
        "suspended_from": project.suspended_from,
        "suspended_from_label": project.suspended_from_enum.label if project.suspended_from else None,
        "reason": project.stage_reason,
        "version": project.version,
        "stage_dates": stage_dates(project),
    }


def stage_dates(project: AnyProject) -> list[dict[str, Any]]:
    """The main-line stages that have a planned or an actual date (by the day), in order, labelled."""
    rows = []
    for s in MAIN_LINE:
        planned, actual = project.planned_on(s), project.actual_on(s)
        if planned or actual:
            rows.append(
                {
                    "stage": s.code,
                    "stage_label": s.label,
                    "planned": planned.isoformat() if planned else None,
                    "actual": actual.isoformat() if actual else None,
                }
            )
    return rows


def _planned(project: AnyProject) -> dict[Stage, date | None]:
    return {s: project.planned_on(s) for s in MAIN_LINE}


def item_head(item: Item) -> dict[str, Any]:
    """Number, title, leader and departments of an item."""
    return {
        "ref": str(item.number),
        "number": item.number,
        "title": item.title,
        "leader": item.leader,
        "lead": item.department_names("lead"),
        "cooperating": item.department_names("cooperating"),
    }


def stage_summary(target: Target, projects: Iterable[AnyProject]) -> list[dict[str, Any]]:
    """Projects of a target grouped by stage and phrase, furthest stage first, in the target's words."""
    groups: dict[tuple[str, str], list[AnyProject]] = {}
    for p in projects:
        phrase = p.stage_phrase or target.phrases.get(p.stage) or f"处于{p.stage_enum.label}阶段"
        groups.setdefault((p.stage, phrase), []).append(p)
    order = {s.code: -s.rank for s in MAIN_LINE} | {"suspended": 1, "cancelled": 2}
    rows = []
    for (stage, phrase), members in sorted(groups.items(), key=lambda kv: order[kv[0][0]]):
        quantity = sum((p.quantity or Decimal(0)) for p in members)
        count = len(members)
        unit = target.unit or "个"
        measured = [p for p in members if p.quantity is not None]
        if target.noun:
            # the quantity beside the count only when it says more (not "1家（1个）")
            says_more = measured and unit not in target.noun and quantity != count
            extra = f"（{amount(quantity, unit)}）" if says_more else ""
            text = f"{amount(count, target.noun)}{extra}{_join(phrase)}"
        else:
            text = f"{amount(quantity, unit)}{_join(phrase)}"
            if len(measured) > 1 and len({p.name for p in measured}) == len(measured) and count <= 5:
                text += "（其中" + "、".join(_part(p.name, p.quantity, unit) for p in measured) + "）"
        rows.append(
            {
                "stage": stage,
                "stage_label": Stage[stage].label,
                "phrase": phrase,
                "count": count,
                "quantity": qty(quantity),
                "text": text,
            }
        )
    return rows


def _join(phrase: str) -> str:
    return f" {phrase}" if phrase[:1].isdigit() else phrase


def _part(name: str, quantity: Decimal | None, unit: str) -> str:
    """徐汇滨江2万平方米: a name and its quantity, apart only when the name ends in a digit (B1 2个)."""
    return f"{name}{' ' if name[-1:].isdigit() else ''}{amount(quantity, unit)}"


def achieved(target: Target, projects: Sequence[AnyProject], reports: list[ProgressReport]) -> dict[str, Any]:
    """Achieved quantity and ratio by states.counting: counted projects' sum, else the latest reported figure."""
    counting = Stage[target.counting_stage]
    measured = any(p.quantity is not None for p in projects)
    latest = max(
        (r for r in reports if r.achieved is not None or r.ratio is not None),
        key=lambda r: r.as_of,
        default=None,
    )
    counted = sum(
        (p.quantity for p in projects if p.quantity is not None and counts(p.stage_enum, counting)),
        Decimal(0),
    )
    value = target_achieved(counted, measured, latest.achieved if latest is not None else None)
    source = "projects" if measured else ("report" if value is not None else None)
    reported_ratio = _float(latest.ratio) if latest is not None else None
    ratio = target_ratio(_float(value), _float(target.quantity), reported_ratio)
    return {
        "achieved": qty(value),
        "achieved_source": source,
        "ratio": None if ratio is None else round(ratio, 4),
        "approximate": bool(source == "report" and latest is not None and latest.approximate),
    }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def report_view(report: ProgressReport, positions: dict[int, int], replaced: bool = False) -> dict[str, Any]:
    """A progress report as the department filed it (`positions` maps target ids to positions); `replaced`
    when a later version of its period is in force."""
    return {
        "as_of": report.as_of.isoformat(),
        "period": report.period,
        "version": report.version,
        "replaced": replaced,
        "recorded_local": _local(report.recorded_at),
        "target": positions.get(report.target_id) if report.target_id else None,
        "achieved": qty(report.achieved),
        "approximate": report.approximate,
        "ratio": qty(report.ratio),
        "note": report.note,
        "problems": report.problems,
        "next": report.next_steps,
        "figures": report.figures,
        "by": report.reported_by,
    }


def transition_view(t: Transition, ref: str) -> dict[str, Any]:
    """One audit row."""
    return {
        "ref": ref,
        "id": t.id,
        "event": t.event,
        "event_label": EVENT_LABELS.get(t.event, t.event),
        "from_stage": t.from_stage,
        "from_label": Stage[t.from_stage].label if t.from_stage else None,
        "to_stage": t.to_stage,
        "to_label": Stage[t.to_stage].label,
        "actor": t.actor,
        "on": t.occurred_on.isoformat(),
        "recorded_at": t.recorded_at.isoformat(timespec="seconds"),
        "recorded_local": _local(t.recorded_at),
        "reason": t.reason,
        "evidence": t.evidence,
        "source": t.source,
        "source_label": SOURCE_LABELS.get(t.source, t.source),
    }


def _local(moment: datetime) -> str:
    """A stored time (UTC) in the district's time zone, to the minute."""
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.astimezone(ZoneInfo(get_settings().timezone)):%Y-%m-%d %H:%M}"


def evidence_view(project: AnyProject) -> list[dict[str, Any]]:
    """The documents recorded for a project."""
    return [
        {
            "kind": e.kind,
            "kind_label": kind_label(e.kind),
            "doc_no": e.doc_no,
            "date": e.issued_on.isoformat(),
            "recorded_by": e.recorded_by,
        }
        for e in project.evidence
    ]
