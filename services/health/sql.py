"""The set-based SQL of the nightly recomputation: one aggregate per programme, never a query per row."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)

from models import Item, Milestone, Target
from services.as_of import stages_on
from services.progress.in_force import in_force_sql
from services.sql_rules import counts, reached, short, short_of
from states.stages import MAIN_LINE, Stage


def stage_late(stage: Stage, as_of: date, p: Any) -> ColumnElement[bool]:
    """The planned date of `stage` has passed and the project (`p`: a row of `stages_on`), on the main line,
    has not reached it."""
    return and_(p[f"planned_{stage.code}_on"] < as_of, short_of(p.stage, stage))


def overdue(as_of: date, p: Any) -> ColumnElement[bool]:
    """A project (`p`: a row of `stages_on`) on the main line whose planned date of a later stage has passed."""
    return or_(*(stage_late(s, as_of, p) for s in MAIN_LINE[1:]))


def _latest_due(as_of: date, column: Any) -> Any:
    """Per target, its milestone due latest on or before `as_of` among those where `column` is set."""
    day = (
        select(Milestone.target_id, func.max(Milestone.due_on).label("day"))
        .where(Milestone.due_on <= as_of, column.is_not(None))
        .group_by(Milestone.target_id)
        .subquery()
    )
    return (
        select(
            Milestone.target_id,
            Milestone.expected_ratio,
            Milestone.expected_quantity,
            Milestone.name,
            Milestone.stage,
            Milestone.due_on,
        )
        .join(day, and_(day.c.target_id == Milestone.target_id, day.c.day == Milestone.due_on))
        .where(column.is_not(None))
        .subquery()
    )


def _latest_report(as_of: date) -> Any:
    """Per target, the latest progress report on or before `as_of` that gives a figure (of each period, the
    version in force)."""
    filed = in_force_sql(as_of)
    figured = (
        select(filed.c.target_id, filed.c.as_of, filed.c.achieved, filed.c.ratio, filed.c.approximate)
        .where(filed.c.target_id.is_not(None))
        .where(or_(filed.c.achieved.is_not(None), filed.c.ratio.is_not(None)))
        .subquery("figured")
    )
    latest_day = (
        select(figured.c.target_id, func.max(figured.c.as_of).label("day"))
        .group_by(figured.c.target_id)
        .subquery("latest_day")
    )
    return (
        select(figured.c.target_id, figured.c.achieved, figured.c.ratio, figured.c.approximate)
        .join(
            latest_day,
            and_(latest_day.c.target_id == figured.c.target_id, latest_day.c.day == figured.c.as_of),
        )
        .subquery("report")
    )


def target_rows(programme_id: int, as_of: date) -> Select:
    """One row per target of a programme with everything the status needs, its projects at their stages on `as_of`."""
    p = stages_on(programme_id, as_of).c
    counted = counts(p.stage, Target.counting_stage)
    step = _latest_due(as_of, Milestone.stage)  # the stage milestone due: its projects must have reached it
    projects = (
        select(
            p.target_id,
            func.count().label("projects"),
            func.count(p.quantity).label("measured"),
            func.sum(case((counted, p.quantity), else_=0)).label("counted"),
            func.sum(case((p.stage == Stage.suspended.code, 1), else_=0)).label("suspended"),
            func.sum(case((p.stage == Stage.cancelled.code, 1), else_=0)).label("cancelled"),
            func.sum(case((overdue(as_of, p), 1), else_=0)).label("late"),
            func.sum(case((reached(p.stage, Stage.preparation), 1), else_=0)).label("started"),
            func.sum(case((short(p.stage, step.c.stage), 1), else_=0)).label("short"),
            func.min(p.planned_construction_on).label("planned_start"),
        )
        .join(Target, p.target_id == Target.id)
        .outerjoin(step, step.c.target_id == p.target_id)
        .group_by(p.target_id)
        .subquery()
    )
    report = _latest_report(as_of)
    plan_count = (
        select(
            Milestone.target_id,
            func.count(Milestone.expected_ratio).label("n"),
            func.count(Milestone.stage).label("stages"),
        )
        .group_by(Milestone.target_id)
        .subquery()
    )
    plan = _latest_due(as_of, Milestone.expected_ratio)
    amount = _latest_due(as_of, Milestone.expected_quantity)  # 节点目标 as an amount (20 场)
    return (
        select(
            Target.id.label("target_id"),
            Item.id.label("item_id"),
            Item.number.label("item_number"),
            Target.position,
            Target.name.label("target_name"),
            Target.quantity.label("planned"),
            Target.bound,
            Target.due_on,
            func.coalesce(projects.c.projects, 0).label("projects"),
            func.coalesce(projects.c.measured, 0).label("measured"),
            projects.c.counted,
            func.coalesce(projects.c.suspended, 0).label("suspended"),
            func.coalesce(projects.c.cancelled, 0).label("cancelled"),
            func.coalesce(projects.c.late, 0).label("late"),
            func.coalesce(projects.c.started, 0).label("started"),
            func.coalesce(projects.c.short, 0).label("short"),
            projects.c.planned_start,
            report.c.achieved.label("reported"),
            report.c.ratio.label("reported_ratio"),
            report.c.approximate,
            func.coalesce(plan_count.c.n, 0).label("milestones"),
            func.coalesce(plan_count.c.stages, 0).label("stage_milestones"),
            plan.c.expected_ratio.label("milestone_expected"),
            amount.c.expected_quantity.label("milestone_quantity"),
            step.c.name.label("step_name"),
            step.c.stage.label("step_stage"),
            step.c.due_on.label("step_due"),
        )
        .join(Item, Target.item_id == Item.id)
        .outerjoin(projects, projects.c.target_id == Target.id)
        .outerjoin(report, report.c.target_id == Target.id)
        .outerjoin(plan_count, plan_count.c.target_id == Target.id)
        .outerjoin(plan, plan.c.target_id == Target.id)
        .outerjoin(amount, amount.c.target_id == Target.id)
        .outerjoin(step, step.c.target_id == Target.id)
        .where(Item.programme_id == programme_id)
        .order_by(Item.number, Target.position)
    )


def first_late(as_of: date, p: Any) -> tuple[ColumnElement[str], ColumnElement[date]]:
    """The first stage whose planned date has passed unreached (`p`: a row of `stages_on`): its code and date."""
    late = [(stage_late(s, as_of, p), s) for s in MAIN_LINE[1:]]
    code = case(*((when, literal(s.code)) for when, s in late), else_=literal(""))
    day = case(*((when, p[f"planned_{s.code}_on"]) for when, s in late), else_=None)
    return code, day


def late_projects(programme_id: int, as_of: date, previous: date | None = None) -> Select:
    """The programme's overdue projects on a date, at their stages then (only those not yet overdue on
    `previous`, if given, at the same stages: newly overdue because a planned date passed)."""
    p = stages_on(programme_id, as_of).c
    code, day = first_late(as_of, p)
    query = (
        select(
            Item.id.label("item_id"),
            Item.number.label("item_number"),
            p.number.label("project_number"),
            p.name,
            code.label("stage"),
            day.label("planned"),
            p.project_id,
        )
        .join_from(p.project_id.table, Item, p.item_id == Item.id)
        .where(overdue(as_of, p))
    )
    if previous is not None:
        # newly overdue implies a planned date in [previous, as_of): a cheap test that rules out most rows
        planned = [p[f"planned_{s.code}_on"] for s in MAIN_LINE[1:]]
        due_since = or_(*(and_(d >= previous, d < as_of) for d in planned))
        query = query.where(due_since, overdue(previous, p).is_not(True))  # NOT would drop NULL rows
    return query


def first_late_per_item(query: Select, programme_id: int, as_of: date) -> Select:
    """One row per item of a `late_projects` query: the item's count and its lowest-numbered project."""
    number = query.selected_columns.project_number.element
    grouped = (
        query.with_only_columns(
            Item.id.label("item_id"),
            Item.number.label("item_number"),
            func.count().label("count"),
            func.min(number).label("first"),
        )
        .group_by(Item.id, Item.number)
        .subquery()
    )
    p = stages_on(programme_id, as_of).c
    code, day = first_late(as_of, p)
    return (
        select(
            grouped.c.item_id,
            grouped.c.item_number,
            grouped.c.count,
            p.number.label("project_number"),
            code.label("stage"),
            day.label("planned"),
        )
        .join_from(
            grouped, p.project_id.table, and_(p.item_id == grouped.c.item_id, p.number == grouped.c.first)
        )
        .order_by(grouped.c.item_number)
    )
