"""Use case: gather everything a progress report shows for a programme and period; reads only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Item, Target
from services.as_of import ProjectOn, stage_facts
from services.health.judgements import latest_overrides
from services.health.sql import late_projects
from services.progress.in_force import in_force
from services.refs import resolve_programme
from services.reporting.groups import stage_groups
from services.reporting.lights import item_lights, light_view, stored_earlier_colours
from services.reporting.statuses import (
    LAGGING,
    Status,
    Statuses,
    lagging_since,
    published_progress,
    statuses_on,
    stored_statuses,
)
from services.reporting.titles import prose_fields
from services.views.contract import achieved, qty, stage_summary
from states.asof import StageAsOf
from states.health import DONE, Health, late_reason
from states.milestones import Step, month_target, step_text
from states.periods import Period, PeriodKind, filing_period, parse_period
from states.rules import StatusRules
from states.stages import Stage

ON_SCHEDULE = {h.name for h in DONE} | {Health.on_track.name}


def period_title(period: Period) -> str:
    """关于区政府实事项目 1-9 月推进情况 (9 月, 三季度), or …推进情况（截至10月31日） for a snapshot."""
    if period.kind == "snapshot":
        return f"关于区政府实事项目推进情况（{period.title()}）"
    return f"关于区政府实事项目 {period.title(spaced=True)}推进情况"


def previous_period(period: str, kind: PeriodKind = "cumulative") -> str:
    """The period before (states.periods), written as periods are: 2020-08, 2020-Q2, 2020-09-30."""
    return parse_period(period, kind).previous().key


def gather(session: Session, programme_code: str | None, period: str) -> dict[str, Any]:
    """The report's data for a month, as of its last day: narrative per item, the table rows and the lagging
    list; writes nothing. Projects are at their stages on that day, reports and judgements those by then.

    Statuses are the snapshots stored for the period's end or, when the nightly did not run for that day,
    the same rows computed in memory; last month's column (上期) shows what that month's published report
    printed, else only what was stored for its end.
    """
    programme = resolve_programme(session, programme_code)
    kind: PeriodKind = programme.periods  # type: ignore[assignment]
    shown = parse_period(period, kind)
    end = shown.end
    snaps = statuses_on(session, programme, end)
    stored_before = stored_statuses(session, programme.id, shown.previous().end)
    last = {ref: s.progress for (scope, ref), s in stored_before.items() if scope == "item"} | (
        published_progress(session, programme.id, shown.previous().key) or {}
    )  # 上期: what the previous period's published report printed, else what was stored for its end
    items = session.scalars(
        select(Item)
        .where(Item.programme_id == programme.id)
        .order_by(Item.number)
        .options(selectinload(Item.targets), selectinload(Item.projects), selectinload(Item.reports))
    ).all()
    stages = stage_facts(session, programme.id, end)
    rules = StatusRules.from_json(programme.status_rules)
    lights = item_lights(session, programme, end, snaps)
    data = {
        "programme": {
            "code": programme.code,
            "name": programme.name,
            "year": programme.year,
            "district": programme.district,
            "issuer": programme.issuer,
            "city": programme.city,
        },
        "period": period,
        "as_of": end.isoformat(),
        "title": period_title(shown),
        "issued": f"{end.year} 年 {end.month} 月",
        "period_kind": shown.kind,
        "items": [
            _item(item, end, filing_period(kind, end), snaps, stages, rules)
            | {"light": lights.get(str(item.number))}
            for item in items
        ],
        "table": [_row(item, snaps, last, rules) | {"light": lights.get(str(item.number))} for item in items],
    }
    overall = snaps.get(("programme", ""))
    data["expected"] = overall.expected if overall is not None else None
    data["lagging"] = _lagging(session, programme.id, end, items, snaps, rules)
    projects = stored_earlier_colours(session, programme, rules, end, "project") if data["lagging"] else {}
    for entry in data["lagging"]:  # an item's or a project's light with its run of reds (挂牌督办)
        code = rules.parse(entry["status"]).name
        earlier = projects.get(entry["ref"]) if entry["scope"] == "project" else None
        light = light_view(rules, code, entry["reason"] or None, False, earlier)
        entry["light"] = (lights.get(entry["ref"]) if entry["scope"] == "item" else None) or light
    data.update(prose_fields(programme.report_style or {}, data["programme"], shown))
    data["summary"] = _summary(data, end)
    return data


def _item(
    item: Item,
    end: date,
    filed_in: str,
    snaps: Statuses,
    stages: dict[int, StageAsOf],
    rules: StatusRules,
) -> dict[str, Any]:
    """An item's narrative, its projects at their stages on `end` and the reports in force then; the words
    (notes, problems, plans, figures) only of reports filed in this period (`filed_in`)."""
    reports = in_force(item.reports, end)
    targets = []
    for target in item.targets:
        projects = [ProjectOn(p, stages[p.id], end) for p in item.projects if p.target_id == target.id]
        snap = snaps.get(("target", f"{item.number}#{target.position}"))
        t_reports = [r for r in reports if r.target_id == target.id]
        latest = max((r for r in t_reports if r.period == filed_in), key=lambda r: r.as_of, default=None)
        targets.append(
            {
                "name": target.name,
                "quantity": qty(target.quantity),
                "unit": target.unit or "",
                "bound": target.bound,
                **achieved(target, projects, t_reports),
                "status": snap.status if snap else None,
                "status_label": rules.label(snap.status) if snap else None,
                "month_target": _month_target(target, end),
                "stages": [s["text"] for s in stage_summary(target, projects)],
                "noun": target.noun,
                "groups": stage_groups(target, projects),
                "suspended": [
                    {"name": p.name, "reason": p.stage_reason}
                    for p in projects
                    if p.stage == Stage.suspended.code
                ],
                "figures": latest.figures if latest else [],
                "note": latest.note if latest else None,
                "problems": latest.problems if latest else None,
                "next": latest.next_steps if latest else None,
            }
        )
    notes = [r for r in reports if r.target_id is None and r.period == filed_in]
    return {
        "number": item.number,
        "title": item.title,
        "leader": item.leader,
        "lead": item.department_names("lead"),
        "cooperating": item.department_names("cooperating"),
        "targets": targets,
        "notes": [
            {"note": r.note, "problems": r.problems, "next": r.next_steps, "figures": r.figures}
            for r in notes
        ],
    }


def _month_target(target: Target, end: date) -> str | None:
    """N月目标: the words of the milestone due latest by the period's end, named by the month it is due in (a
    June milestone shown at the end of September is "6月目标"); None without one."""
    steps = [
        Step(m.due_on, m.name, m.stage, m.expected_ratio, m.expected_quantity, target.unit)
        for m in target.milestones
    ]
    step = month_target(steps, end)
    return f"{step.due_on.month}月目标：{step_text(step)}" if step is not None else None


def remark(snap: Status, rules: StatusRules) -> str:
    """说明: a judged status with its reason (and the computed one when it differs), else the computed reason."""
    if snap.override_reason is None:
        return snap.reason or ""
    text = f"{rules.label(snap.status)}：{snap.override_reason}"
    if snap.computed and snap.computed != snap.status:
        text += f"（计算结果：{rules.label(snap.computed)}）"
    return text


def _progress(snap: Status | None) -> float | None:
    return None if snap is None else snap.progress


def _row(item: Item, snaps: Statuses, last: dict[str, Any], rules: StatusRules) -> dict[str, Any]:
    """An item's table row; `last` is each item's 上期 progress by number."""
    snap = snaps.get(("item", str(item.number)))
    return {
        "number": item.number,
        "title": item.title,
        "leader": item.leader or "",
        "lead": "、".join(item.department_names("lead")),
        "cooperating": "、".join(item.department_names("cooperating")),
        "last": last.get(str(item.number)),
        "this": _progress(snap),
        "status": rules.label(snap.status) if snap else "",
        "status_code": snap.status if snap else "",
        "on_schedule": "是" if snap and snap.status in ON_SCHEDULE else "否",
        "remark": remark(snap, rules) if snap else "",
        "verdict_reason": snap.override_reason if snap else None,
    }


def _lagging(
    session: Session, programme_id: int, end: date, items: list[Item], snaps: Statuses, rules: StatusRules
) -> list[dict[str, Any]]:
    """Lagging items (from their snapshots), then overdue projects (from their rows), in number order."""
    by_number = {i.number: i for i in items}

    def entry(
        item_number: int, scope: str, ref: str, status: str, since: date, reason: str
    ) -> dict[str, Any]:
        item = by_number[item_number]
        return {
            "scope": scope,
            "ref": ref,
            "title": item.title,
            "lead": "、".join(item.department_names("lead")),
            "status": rules.label(status),
            "since": since.isoformat(),
            "reason": reason,
        }

    since = lagging_since(session, programme_id, end, snaps)
    lagging = sorted(
        (int(ref), snap) for (scope, ref), snap in snaps.items() if scope == "item" and snap.status in LAGGING
    )
    out = [
        entry(n, "item", str(n), s.status, since.get(str(n), s.as_of), s.override_reason or s.reason or "")
        for n, s in lagging
    ]
    overrides = latest_overrides(session, programme_id, end)
    for r in session.execute(late_projects(programme_id, end).order_by("item_number", "project_number")):
        ref = f"{r.item_number}.{r.project_number}"
        override = overrides.get(ref)
        status = override.status if override and override.status else Health.late.name
        if status in LAGGING:
            why = override.reason if override and override.status else late_reason(r.stage, r.planned)
            out.append(entry(r.item_number, "project", ref, status, r.planned + timedelta(days=1), why))
    return out


def _summary(data: dict[str, Any], end: date) -> str:
    rows = data["table"]
    done = [r for r in rows if r["status_code"] in {h.name for h in DONE}]
    lagging = [r for r in rows if r["status_code"] in LAGGING]
    paused = [r for r in rows if r["status_code"] == Health.suspended.name]
    text = (
        f"{data['programme']['year']}年{data['programme']['district'] or ''}{data['kind']}共{len(rows)}项，"
        f"截至{end.month}月{'底' if (end + timedelta(days=1)).day == 1 else f'{end.day}日'}，"
        f"已完成（含超额完成）{len(done)}项，"
        f"按序时推进{sum(r['status_code'] == Health.on_track.name for r in rows)}项，"
        f"慢序时或滞后{len(lagging)}项"
    )
    if lagging:
        text += "（" + "、".join(f"第{r['number']}项" for r in lagging) + "）"
    if paused:
        text += f"，部分暂停{len(paused)}项（" + "、".join(f"第{r['number']}项" for r in paused) + "）"
    return text + "。"
