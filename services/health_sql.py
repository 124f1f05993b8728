"""The set-based SQL of the nightly recomputation: one aggregate per programme, never a query per row."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, String, and_, case, cast, func, literal, or_, select

from models import Item, Milestone, ProgressReport, Project, Target
from states.stages import MAIN_LINE, Stage

RANK = {s.code: s.rank for s in MAIN_LINE}


def stage_rank(column: ColumnElement[str]) -> ColumnElement[int]:
    """Rank of a stage code on the main line; -1 for 暂停 and 终止."""
    return case(RANK, value=column, else_=-1)


def overdue(as_of: date) -> ColumnElement[bool]:
    """A project on the main line whose planned date of a later stage has passed."""
    rank = stage_rank(Project.stage)
    conditions = [
        and_(getattr(Project, f"planned_{s.code}_on") < as_of, rank < s.rank) for s in MAIN_LINE[1:]
    ]
    return and_(rank >= 0, or_(*conditions))


def overdue_reason(as_of: date) -> ColumnElement[str]:
    """Chinese text naming the first stage that is overdue, e.g. 逾期未到达“完工”（计划 2020-09-30）."""
    rank = stage_rank(Project.stage)
    whens = []
    for s in MAIN_LINE[1:]:
        planned = getattr(Project, f"planned_{s.code}_on")
        text = literal(f"逾期未到达“{s.label}”（计划 ") + cast(planned, String) + literal("）")
        whens.append((and_(planned < as_of, rank < s.rank), text))
    return case(*whens, else_=literal(""))


def target_rows(programme_id: int, as_of: date) -> Select:
    """One row per target of a programme with everything the status needs."""
    counted = stage_rank(Project.stage) >= stage_rank(Target.counting_stage)
    projects = (
        select(
            Project.target_id.label("target_id"),
            func.count().label("projects"),
            func.count(Project.quantity).label("measured"),
            func.sum(case((counted, Project.quantity), else_=0)).label("counted"),
            func.sum(case((Project.stage == Stage.suspended.code, 1), else_=0)).label("suspended"),
            func.sum(case((Project.stage == Stage.cancelled.code, 1), else_=0)).label("cancelled"),
            func.sum(case((overdue(as_of), 1), else_=0)).label("late"),
            func.sum(case((stage_rank(Project.stage) >= 1, 1), else_=0)).label("started"),
        )
        .join(Target, Project.target_id == Target.id)
        .join(Item, Project.item_id == Item.id)
        .where(Item.programme_id == programme_id)
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


def late_projects(programme_id: int, as_of: date) -> Select:
    """Every overdue project of a programme, as snapshot columns (for INSERT … SELECT)."""
    ref = cast(Item.number, String) + literal(".") + cast(Project.number, String)
    return (
        select(
            literal(programme_id).label("programme_id"),
            literal(as_of).label("as_of"),
            literal("project").label("scope"),
            ref.label("ref"),
            Item.id.label("item_id"),
            Project.target_id.label("target_id"),
            Project.id.label("project_id"),
            literal("late").label("status"),
            literal("late").label("computed_status"),
            overdue_reason(as_of).label("reason"),
        )
        .join(Item, Project.item_id == Item.id)
        .where(Item.programme_id == programme_id, overdue(as_of))
    )
