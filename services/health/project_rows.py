"""The overdue projects of a recomputation as snapshot rows (scope `project`), for their run of red periods.

Only overdue (滞后) projects are stored, one row each under the judgement in force: a project without a row
on a period's end was not overdue then (or was judged otherwise), which breaks its run of reds (挂牌督办).
The rows are written set-based: one INSERT … SELECT from the overdue query, then one batched UPDATE for the
few projects the office judged otherwise; no Python per project.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, String, and_, bindparam, case, cast, insert, literal, select, update
from sqlalchemy.orm import Session

from models import HealthSnapshot, StatusOverride
from services.health.sql import late_projects
from states.health import Health
from states.stages import Stage

SNAPSHOTS = HealthSnapshot.__table__


def insert_project_rows(
    session: Session, programme_id: int, as_of: date, overrides: dict[str, StatusOverride], now: datetime
) -> None:
    """One snapshot row per project overdue on `as_of`, its status judged as the office did (two statements)."""
    late = late_projects(programme_id, as_of).subquery()
    ref = cast(late.c.item_number, String) + literal(".") + cast(late.c.project_number, String)
    label = case(*((late.c.stage == s.code, literal(s.label)) for s in Stage), else_=literal(""))
    # the words of states.health.late_reason: 逾期未到达“完工”（计划2020-09-15）
    reason = (
        literal("逾期未到达“") + label + literal("”（计划") + cast(late.c.planned, String) + literal("）")
    )
    rows = select(
        literal(programme_id),
        literal(as_of),
        literal("project"),
        ref,
        late.c.item_id,
        late.c.project_id,
        literal(Health.late.name),
        literal(Health.late.name),
        reason,
        literal({}, JSON),
        literal(now, SNAPSHOTS.c.computed_at.type),
    )
    names = ["programme_id", "as_of", "scope", "ref", "item_id", "project_id", "status", "computed_status"]
    session.execute(insert(SNAPSHOTS).from_select([*names, "reason", "detail", "computed_at"], rows))
    judged = [
        {"ref_": ref_, "status_": o.status, "why": o.reason}
        for ref_, o in overrides.items()
        if "." in ref_ and o.status is not None
    ]
    if judged:
        session.connection().execute(
            _JUDGED, [{**j, "programme": programme_id, "day": as_of} for j in judged]
        )


_JUDGED = (
    update(SNAPSHOTS)
    .where(
        and_(
            SNAPSHOTS.c.programme_id == bindparam("programme"),
            SNAPSHOTS.c.as_of == bindparam("day"),
            SNAPSHOTS.c.scope == "project",
            SNAPSHOTS.c.ref == bindparam("ref_"),
        )
    )
    .values(status=bindparam("status_"), override_reason=bindparam("why"))
)
