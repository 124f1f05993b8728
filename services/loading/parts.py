"""Parts of the programme load: targets, projects with their first transition, reports."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from models import Evidence, Item, Milestone, ProgressReport, Project, Target, Transition
from services.loading.fields import (
    milestone_fields,
    project_fields,
    report_fields,
    stage_fields,
    target_fields,
)
from services.loading.schema import ProjectSpec, ReportSpec, TargetSpec
from services.loading.summary import LoadSummary, assign
from states.periods import filing_period
from states.prerequisites import parse_evidence_kind
from states.stages import Stage, parse_stage


def apply_target_fields(target: Target, spec: TargetSpec) -> bool:
    """Bring a target's fields and milestones in line with the file; True when anything changed."""
    changed = assign(target, target_fields(spec))
    return _milestones(target, spec) or changed


def _milestones(target: Target, spec: TargetSpec) -> bool:
    current = {m.period: m for m in target.milestones}
    wanted = {m.period: m for m in spec.milestones}
    changed = False
    for period, row in current.items():
        if period not in wanted:
            target.milestones.remove(row)
            changed = True
    for period, milestone in wanted.items():
        fields = milestone_fields(milestone, spec)
        row = current.get(period)
        if row is None:
            target.milestones.append(Milestone(period=period, **fields))
            changed = True
        else:
            changed = assign(row, fields) or changed
    return changed


def apply_project(
    session: Session,
    item: Item,
    target: Target,
    projects: dict[int, Project],
    number: int,
    spec: ProjectSpec,
    summary: LoadSummary,
    actor: str,
    start: date,
) -> None:
    """Create a project at its stage (with a 导入 transition) or update what the file may change.

    The 导入 row takes effect on the date the file gives for the stage reached, else on `start`, the
    programme's start: a project listed without a stage date has been at its stage since then.
    """
    stage = parse_stage(spec.stage)
    project = projects.get(number)
    fields = {**project_fields(spec), "target": target}
    if project is None:
        project = _new_project(item, number, stage, spec, actor, start)
        assign(project, fields)
        session.add(project)
        projects[number] = project
        summary.count("projects", created=True)
        _evidence(project, spec, actor, summary)
        return
    changed = assign(project, fields)
    if project.stage == stage.code:
        changed = assign(project, stage_fields(spec)) or changed
    else:
        summary.warnings.append(
            f"{item.number}.{number} 阶段以系统记录“{project.stage_enum.label}”为准（文件中为“{stage.label}”）"
        )
    if changed:
        summary.count("projects", created=False)
    _evidence(project, spec, actor, summary)


def _new_project(
    item: Item, number: int, stage: Stage, spec: ProjectSpec, actor: str, start: date
) -> Project:
    project = Project(item=item, number=number, stage=stage.code, version=1)
    for name, value in stage_fields(spec).items():
        setattr(project, name, value)
    reached = project.suspended_from_enum or stage
    on = project.actual_on(reached) if reached.is_main else None
    project.changed_on = on or start
    project.transitions.append(
        Transition(
            event="load",
            from_stage=None,
            to_stage=stage.code,
            actor=actor,
            occurred_on=on or start,
            reason=spec.reason or "由实事项目计划文件导入",
            evidence=[],
            source="load",
        )
    )
    return project


def _evidence(project: Project, spec: ProjectSpec, actor: str, summary: LoadSummary) -> None:
    have = {(e.kind, e.doc_no) for e in project.evidence}
    for ev in spec.evidence:
        kind = parse_evidence_kind(ev.kind)
        if (kind, ev.ref) not in have:
            project.evidence.append(Evidence(kind=kind, doc_no=ev.ref, issued_on=ev.date, recorded_by=actor))
            have.add((kind, ev.ref))
            summary.count("evidence", created=True)


def apply_item_reports(
    item: Item, target: Target | None, specs: list[ReportSpec], summary: LoadSummary
) -> None:
    """Create the progress reports of an item (target None) or of one of its targets; a report the file
    changes becomes a new version of its period (the one it replaces stays in history)."""
    scope = target.id if target is not None else None
    mine = [r for r in item.reports if r.target_id == scope]
    current = {r.as_of: r for r in mine}  # the latest version on each date
    for spec in sorted(specs, key=lambda s: s.as_of):
        fields = report_fields(spec, (item.department_names("lead") or ["—"])[0])
        row = current.get(spec.as_of)
        if row is not None and all(getattr(row, k) == v for k, v in fields.items()):
            continue
        period = row.period if row else filing_period(item.programme.periods, spec.as_of)  # type: ignore[arg-type]
        version = 1 + max((r.version for r in mine if r.period == period), default=0)
        new = ProgressReport(as_of=spec.as_of, target_id=scope, period=period, version=version, **fields)
        item.reports.append(new)
        mine.append(new)
        summary.count("progress reports", created=row is None)
