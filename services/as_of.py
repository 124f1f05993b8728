"""The SQL form of `states.asof.stage_on`: every project of a programme at its stage on a date, in one query.

The row in force is the latest audit row taking effect on or before the date (by `occurred_on`, then
id), looked up per project by its index; a project whose latest change (`projects.changed_on`) takes
effect on or before the date is as stored.
Tested against the pure replay (tests/integration/test_as_of.py).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    Subquery,
    bindparam,
    case,
    func,
    literal_column,
    null,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from models import Evidence, Item, Project, Transition
from states.asof import BEFORE_RECORDS, StageAsOf
from states.stages import MAIN_LINE, Stage, StageCodes


def _code(stage: Stage) -> ColumnElement[str]:
    return literal_column(f"'{stage.code}'")


def _scope(item_id: Any | None, project_id: Any | None) -> tuple[ColumnElement[bool], ...]:
    """The projects asked for within the programme: one project, one item's, or all (no condition)."""
    if project_id is not None:
        return (Project.id == project_id,)
    if item_id is not None:
        return (Project.item_id == item_id,)
    return ()


def stages_on(
    programme_id: Any,
    day: Any,
    item_id: Any | None = None,
    project_id: Any | None = None,
    since: bool = False,
) -> Subquery:
    """One row per project of a programme (or of one item, or one project; each given as a value or a bound
    parameter): its own columns (project_id, item_id,
    target_id, number, name, quantity, planned_*_on) and, as of `day`, its stage, suspended_from, reason, phrase,
    and, for the projects replayed, since (the effective date of the row in force) and row (that row's id).

    Set-based: a project whose latest change (`changed_on`) takes effect on or before the day is as stored;
    only the others are replayed, each from its latest audit row on or before the day (the latest effective
    date, then the latest id: found through that project's index, then joined by its id). With `since`,
    every project is replayed, so that each has its `since` and `row`.
    """
    scope = (Item.programme_id == programme_id, *_scope(item_id, project_id))
    as_stored = or_(Project.changed_on <= day, Project.changed_on.is_(None))
    latest = (
        select(Transition.id)
        .where(Transition.project_id == Project.id, Transition.occurred_on <= day)
        .order_by(Transition.occurred_on.desc(), Transition.id.desc())
        .limit(1)
        .correlate(Project)
        .scalar_subquery()
    )
    # looked up only for the projects replayed: the others join no row at all
    in_force_id = latest if since else case((Project.changed_on > day, latest), else_=null())
    row = aliased(Transition, name="in_force")
    held = row.to_stage.in_([_code(Stage.suspended), _code(Stage.cancelled)])
    planned = [getattr(Project, f"planned_{s.code}_on") for s in MAIN_LINE[1:]]  # 立项 has no planned date
    return (
        select(
            Project.id.label("project_id"),
            Project.item_id,
            Project.target_id,
            Project.number,
            Project.name,
            Project.quantity,
            *planned,
            case((as_stored, Project.stage), else_=func.coalesce(row.to_stage, _code(BEFORE_RECORDS))).label(
                "stage"
            ),
            case(
                (as_stored, Project.suspended_from),
                (row.to_stage == _code(Stage.suspended), row.from_stage),
                else_=null(),
            ).label("suspended_from"),
            case((as_stored, Project.stage_reason), (held, row.reason), else_=null()).label("reason"),
            case((as_stored, Project.stage_phrase), else_=null()).label("phrase"),
            row.occurred_on.label("since"),
            row.id.label("row"),
        )
        .join(Item, Project.item_id == Item.id)
        .outerjoin(row, row.id == in_force_id)
        .where(*scope)
        .subquery("as_of")
    )


def stage_facts(
    session: Session,
    programme_id: int,
    day: date,
    item_id: int | None = None,
    project_id: int | None = None,
    since: bool = False,
) -> dict[int, StageAsOf]:
    """Every project of a programme (or of one item, or one project) at its stage on `day`, by id; one query.

    `since` and `row` are given for every project only when `since` is asked (see `stages_on`).
    """
    params = {
        "asof_programme": programme_id,
        "asof_day": day,
        "asof_item": item_id,
        "asof_project": project_id,
    }
    scope = "project" if project_id is not None else "item" if item_id is not None else "programme"
    rows = session.execute(_prepared(scope, since), params).mappings()
    return {
        r["project_id"]: StageAsOf(
            stage=Stage[r["stage"]],
            since=r["since"],
            suspended_from=Stage[r["suspended_from"]] if r["suspended_from"] else None,
            reason=r["reason"],
            phrase=r["phrase"],
            row=r["row"],
        )
        for r in rows
    }


@cache
def _prepared(scope: str, since: bool) -> Select[Any]:
    """`stages_on` with its values as parameters, built once per shape: pages ask it on every request."""
    return select(
        stages_on(
            bindparam("asof_programme", type_=Integer),
            bindparam("asof_day", type_=Date),
            bindparam("asof_item", type_=Integer) if scope == "item" else None,
            bindparam("asof_project", type_=Integer) if scope == "project" else None,
            since,
        )
    )


class ProjectOn(StageCodes):
    """A project as it stood on a day: its own row, with its stage, reason and phrase then, the stage dates
    reached by then and the documents issued by then."""

    def __init__(self, project: Project, facts: StageAsOf, day: date) -> None:
        self.project, self.day = project, day
        self.stage = facts.stage.code
        self.suspended_from = facts.suspended_from.code if facts.suspended_from else None
        self.stage_reason, self.stage_phrase, self.since = facts.reason, facts.phrase, facts.since

    def __getattr__(self, name: str) -> Any:
        return getattr(self.project, name)

    @property
    def evidence(self) -> list[Evidence]:
        """The documents issued on or before the day."""
        return [e for e in self.project.evidence if e.issued_on <= self.day]

    def actual_on(self, stage: Stage) -> date | None:
        """The date a main-line stage was reached, if by the day."""
        value = self.project.actual_on(stage)
        return value if value is not None and value <= self.day else None

    def planned_on(self, stage: Stage) -> date | None:
        """The planned date of a main-line stage."""
        return self.project.planned_on(stage)

    def dates(self) -> dict[str, dict[str, Any]]:
        """Planned and actual (by the day) dates per main-line stage code."""
        return {s.code: {"planned": self.planned_on(s), "actual": self.actual_on(s)} for s in MAIN_LINE}
