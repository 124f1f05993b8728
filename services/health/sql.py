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

from models import Item, Milestone, ProgressReport, Project, Target
from services.as_of import stages_on
from services.sql_rules import counts, reached, short_of
from states.stages import MAIN_LINE, Stage


def stage_late(stage: Stage, as_of: date, column: Any) -> ColumnElement[bool]:
    """The planned date of `stage` has passed and the project, on the main line at the stage in `column`,
    has not reached it."""
    return and_(getattr(Project, f"planned_{stage.code}_on") < as_of, short_of(column, stage))


def overdue(as_of: date, column: Any) -> ColumnElement[bool]:
    """A project on the main line (at the stage in `column`) whose planned date of a later stage has passed."""
    return or_(*(stage_late(s, as_of, column) for s in MAIN_LINE[1:]))


def target_rows(programme_id: int, as_of: date) -> Select:
    """One row per target of a programme with everything the status needs, its projects at their stages on `as_of`."""
    stages = stages_on(programme_id, as_of)
    stage = stages.c.stage
    counted = counts(stage, Target.counting_stage)
    projects = (
        select(
            Project.target_id.label("target_id"),
            func.count().label("projects"),
            func.count(Project.quantity).label("measured"),
            func.sum(case((counted, Project.quantity), else_=0)).label("counted"),
            func.sum(case((stage == Stage.suspended.code, 1), else_=0)).label("suspended"),
            func.sum(case((stage == Stage.cancelled.code, 1), else_=0)).label("cancelled"),
            func.sum(case((overdue(as_of, stage), 1), else_=0)).label("late"),
            func.sum(case((reached(stage, Stage.preparation), 1), else_=0)).label("started"),
        )
        .join(stages, stages.c.project_id == Project.id)
        .join(Target, Project.target_id == Target.id)
        .group_by(Project.target_id)
        .subquery()
    )
    latest_day = (
        select(ProgressReport.target_id, func.max(ProgressReport.as_of).label("day"))
        .where(ProgressReport.as_of <= as_of, ProgressReport.target_id.is_not(None))
        .where(or_(ProgressReport.achieved.is_not(None), ProgressReport.ratio.is_not(None)))
        .group_by(ProgressReport.target_id)
        .subquery()
    )
    report = (
        select(
            ProgressReport.target_id,
            ProgressReport.achieved,
            ProgressReport.ratio,
            ProgressReport.approximate,
        )
        .join(
            latest_day,
            and_(
                latest_day.c.target_id == ProgressReport.target_id, latest_day.c.day == ProgressReport.as_of
            ),
        )
        .subquery()
    )
    plan_count = select(Milestone.target_id, func.count().label("n")).group_by(Milestone.target_id).subquery()
    plan_day = (
        select(Milestone.target_id, func.max(Milestone.due_on).label("day"))
        .where(Milestone.due_on <= as_of)
        .group_by(Milestone.target_id)
        .subquery()
    )
    plan = (
        select(Milestone.target_id, Milestone.expected_ratio)
        .join(plan_day, and_(plan_day.c.target_id == Milestone.target_id, plan_day.c.day == Milestone.due_on))
        .subquery()
    )
    return (
        select(
            Target.id.label("target_id"),
            Item.id.label("item_id"),
            Item.number.label("item_number"),
            Target.position,
            Target.name.label("target_name"),
            Target.quantity.label("planned"),
            Target.bound,
            func.coalesce(projects.c.projects, 0).label("projects"),
            func.coalesce(projects.c.measured, 0).label("measured"),
            projects.c.counted,
            func.coalesce(projects.c.suspended, 0).label("suspended"),
            func.coalesce(projects.c.cancelled, 0).label("cancelled"),
            func.coalesce(projects.c.late, 0).label("late"),
            func.coalesce(projects.c.started, 0).label("started"),
            report.c.achieved.label("reported"),
            report.c.ratio.label("reported_ratio"),
            report.c.approximate,
            func.coalesce(plan_count.c.n, 0).label("milestones"),
            plan.c.expected_ratio.label("milestone_expected"),
        )
        .join(Item, Target.item_id == Item.id)
        .outerjoin(projects, projects.c.target_id == Target.id)
        .outerjoin(report, report.c.target_id == Target.id)
        .outerjoin(plan_count, plan_count.c.target_id == Target.id)
        .outerjoin(plan, plan.c.target_id == Target.id)
        .where(Item.programme_id == programme_id)
        .order_by(Item.number, Target.position)
    )


def first_late(as_of: date, column: Any) -> tuple[ColumnElement[str], ColumnElement[date]]:
    """The first stage whose planned date has passed unreached (at the stage in `column`): its code and date."""
    late = [(stage_late(s, as_of, column), s) for s in MAIN_LINE[1:]]
    code = case(*((when, literal(s.code)) for when, s in late), else_=literal(""))
    day = case(*((when, getattr(Project, f"planned_{s.code}_on")) for when, s in late), else_=None)
    return code, day


def late_projects(programme_id: int, as_of: date, previous: date | None = None) -> Select:
    """The programme's overdue projects on a date, at their stages then (only those not yet overdue on
    `previous`, if given, at the same stages: newly overdue because a planned date passed)."""
    stages = stages_on(programme_id, as_of)
    code, day = first_late(as_of, stages.c.stage)
    query = (
        select(
            Item.id.label("item_id"),
            Item.number.label("item_number"),
            Project.number.label("project_number"),
            Project.name,
            code.label("stage"),
            day.label("planned"),
        )
        .join(stages, stages.c.project_id == Project.id)
        .join(Item, Project.item_id == Item.id)
        .where(overdue(as_of, stages.c.stage))
    )
    if previous is not None:
        # newly overdue implies a planned date in [previous, as_of): a cheap test that rules out most rows
        due_since = or_(*(and_(_planned(s) >= previous, _planned(s) < as_of) for s in MAIN_LINE[1:]))
        query = query.where(due_since, overdue(previous, stages.c.stage).is_not(True))  # NOT would drop NULLs
    return query


def _planned(stage: Stage) -> ColumnElement[date]:
    return getattr(Project, f"planned_{stage.code}_on")


def first_late_per_item(query: Select, programme_id: int, as_of: date) -> Select:
    """One row per item of a `late_projects` query: the item's count and its lowest-numbered project."""
    grouped = (
        query.with_only_columns(
            Item.id.label("item_id"),
            Item.number.label("item_number"),
            func.count().label("count"),
            func.min(Project.number).label("first"),
        )
        .group_by(Item.id, Item.number)
        .subquery()
    )
    stages = stages_on(programme_id, as_of)
    code, day = first_late(as_of, stages.c.stage)
    return (
        select(
            grouped.c.item_id,
            grouped.c.item_number,
            grouped.c.count,
            Project.number.label("project_number"),
            code.label("stage"),
            day.label("planned"),
        )
        .join(Project, and_(Project.item_id == grouped.c.item_id, Project.number == grouped.c.first))
        .join(stages, stages.c.project_id == Project.id)
        .order_by(grouped.c.item_number)
    )
