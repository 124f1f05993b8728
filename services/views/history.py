"""Read use cases of the audit: a project's or an item's stage history with its report versions, and a
project's stage now."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Item, ProgressReport, Project, Target, Transition
from services.refs import parse_ref, resolve_item, resolve_programme, resolve_project
from services.views.contract import report_view, transition_view
from services.views.programme import programme_head
from states.stages import Stage


def history(session: Session, ref_text: str, programme_code: str | None) -> dict[str, Any]:
    """The full audit trail of a project, or of every project of an item, in effective order (by the date each
    row takes effect, then as recorded); each row says when it was recorded."""
    programme = resolve_programme(session, programme_code)
    ref = parse_ref(ref_text)
    query = (
        select(Transition, Project.number, Item.number)
        .join(Project, Transition.project_id == Project.id)
        .join(Item, Project.item_id == Item.id)
        .order_by(Transition.occurred_on, Transition.id)
    )
    reports: list[dict[str, Any]] = []
    if ref.project is None:
        item = resolve_item(session, programme, ref.item)
        query = query.where(Item.id == item.id)
        reports = _report_versions(session, item)
    else:
        project = resolve_project(session, programme, ref)
        query = query.where(Project.id == project.id)
    rows = session.execute(query).all()
    return {
        "programme": programme_head(programme),
        "ref": str(ref),
        "transitions": [transition_view(t, f"{i}.{p}") for t, p, i in rows],
        "reports": reports,
    }


def _report_versions(session: Session, item: Item) -> list[dict[str, Any]]:
    """Every version of the item's progress reports, by period and version (replaced ones marked)."""
    positions = {t.id: t.position for t in session.scalars(select(Target).where(Target.item_id == item.id))}
    rows = session.scalars(
        select(ProgressReport)
        .where(ProgressReport.item_id == item.id)
        .order_by(ProgressReport.period, func.coalesce(ProgressReport.target_id, 0), ProgressReport.version)
    ).all()
    newest = {(r.target_id, r.period): r.version for r in rows}
    return [report_view(r, positions, replaced=r.version < newest[(r.target_id, r.period)]) for r in rows]


def current_stage(session: Session, ref_text: str, programme_code: str | None) -> Stage | None:
    """The stage a project is at now (None when the reference is not a project)."""
    ref = parse_ref(ref_text)
    if ref.project is None:
        return None
    return resolve_project(session, resolve_programme(session, programme_code), ref).stage_enum
