"""Read use cases: the programme overview, one item, one project, and the audit history."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, contains_eager, joinedload, selectinload

from models import HealthSnapshot, Item, Programme, Project, Target, Transition
from services.as_of import ProjectOn, stage_facts
from services.errors import BadInput
from services.health.judgements import latest_overrides
from services.progress.in_force import in_force
from services.refs import parse_ref, resolve_item, resolve_programme, resolve_project
from services.reporting.lights import project_lights, status_light, stored_earlier_colours, with_light
from services.reporting.statuses import Statuses, statuses_on
from services.views.contract import (
    achieved,
    evidence_view,
    item_head,
    project_view,
    qty,
    report_view,
    stage_summary,
    transition_view,
)
from states.health import Health, parse_health
from states.machine import allowed_events
from states.prerequisites import EvidenceFact, StageRequest, check, requirement_table
from states.rules import StatusRules
from states.stages import UnknownStage, parse_stage

RECENT_TRANSITIONS = 5


def programme_head(programme: Programme) -> dict[str, Any]:
    """Code, name, year and district of a programme."""
    return {
        "code": programme.code,
        "name": programme.name,
        "year": programme.year,
        "district": programme.district,
        "city": programme.city,
        "issuer": programme.issuer,
    }


def list_projects(
    session: Session,
    programme_code: str | None,
    as_of: date,
    stage: str | None = None,
    status: str | None = None,
) -> dict[str, Any]:
    """Every item of a programme with its status and its projects at their stages on `as_of`, optionally filtered
    by stage or status. A project matches a status when it has it or its item has it (a project under a 慢序时
    item is listed under 慢序时 though each project on its own may be on time)."""
    programme = resolve_programme(session, programme_code)
    try:
        want_stage = parse_stage(stage).code if stage else None
        want_status = parse_health(status).name if status else None
    except (UnknownStage, ValueError) as exc:
        raise BadInput(str(exc)) from exc
    items = session.scalars(
        select(Item)
        .where(Item.programme_id == programme.id)
        .order_by(Item.number)
        .options(selectinload(Item.targets), selectinload(Item.projects))
    ).all()
    stages = stage_facts(session, programme.id, as_of)
    statuses = statuses_on(session, programme, as_of)
    rules = StatusRules.from_json(programme.status_rules)
    lights = _item_lights(session, programme, rules, as_of, statuses)
    out = []
    for item in items:
        targets = {t.id: t for t in item.targets}
        projects = [
            project_view(ProjectOn(p, stages[p.id], as_of), item.number, targets[p.target_id], as_of)
            for p in item.projects
        ]
        projects = [p for p in projects if not want_stage or p["stage"] == want_stage]
        found = statuses.get(("item", str(item.number)))
        status = found.status if found else None
        item_matches = want_status is not None and status == want_status
        if want_status and not item_matches:
            projects = [p for p in projects if p["status"] == want_status]
        if projects or not (want_stage or want_status) or (item_matches and not want_stage):
            light = {"light": lights.get(str(item.number))}
            out.append({**item_head(item), **_status_fields(status), **light, "projects": projects})
    project_lights(session, programme, rules, as_of, [p for i in out for p in i["projects"]])
    return {"programme": programme_head(programme), "as_of": as_of.isoformat(), "items": out}


def _item_lights(
    session: Session, programme: Programme, rules: StatusRules, as_of: date, statuses: Statuses
) -> dict[str, dict[str, Any]]:
    """Each item's light on `as_of` from its status there, its run of reds from the stored period ends."""
    earlier = stored_earlier_colours(session, programme, rules, as_of)
    return {
        ref: status_light(rules, status, earlier.get(ref))
        for (scope, ref), status in statuses.items()
        if scope == "item"
    }


def _status_fields(status: str | None) -> dict[str, Any]:
    return {"status": status, "status_label": Health[status].label if status else None}


def show(session: Session, ref_text: str, programme_code: str | None, as_of: date) -> dict[str, Any]:
    """An item (`N`) with targets and stage counts, or a project (`N.M`) with its next prerequisites."""
    programme = resolve_programme(session, programme_code)
    ref = parse_ref(ref_text)
    if ref.project is None:
        return show_item(session, programme, ref.item, as_of)
    return show_project(session, programme, ref_text, as_of)


def show_item(session: Session, programme: Programme, number: int, as_of: date) -> dict[str, Any]:
    """One item as of a day: targets with achieved and stage counts, projects, the reports filed by then."""
    item = resolve_item(session, programme, number)
    stages = stage_facts(session, programme.id, as_of, item_id=item.id)
    filed = [r for r in item.reports if r.as_of <= as_of]  # every version, the replaced ones too
    current = in_force(filed, as_of)
    targets = []
    for target in item.targets:
        projects = [ProjectOn(p, stages[p.id], as_of) for p in item.projects if p.target_id == target.id]
        reports = [r for r in current if r.target_id == target.id]
        targets.append(
            {
                "position": target.position,
                "name": target.name,
                "quantity": qty(target.quantity),
                "unit": target.unit,
                "bound": target.bound,
                "counting_stage": target.counting_stage,
                **achieved(target, projects, reports),
                "stages": stage_summary(target, projects),
                "projects": [project_view(p, item.number, target, as_of) for p in projects],
            }
        )
    rules = StatusRules.from_json(programme.status_rules)
    project_lights(session, programme, rules, as_of, [p for t in targets for p in t["projects"]])
    return {
        "programme": programme_head(programme),
        **item_head(item),
        "health": with_light(
            session,
            programme,
            rules,
            str(item.number),
            latest_health(session, programme.id, str(item.number), as_of),
        ),
        "targets": targets,
        "projects": [p for t in targets for p in t["projects"]],
        "reports": [
            report_view(r, {t.id: t.position for t in item.targets}, replaced=r not in current) for r in filed
        ],
    }


_PROJECT_WITH_ALL = (  # built once: the project page and the API's project read it on every request
    select(Project)
    .join(Item, Project.item_id == Item.id)
    .where(
        Item.programme_id == bindparam("programme_id"),
        Item.number == bindparam("item"),
        Project.number == bindparam("project"),
    )
    .options(contains_eager(Project.item), joinedload(Project.target), selectinload(Project.evidence))
)


def show_project(
    session: Session,
    programme: Programme,
    ref_text: str,
    as_of: date,
    recent: int | None = RECENT_TRANSITIONS,
) -> dict[str, Any]:
    """One project as of a day: stage, dates, evidence, the next stage's prerequisites, the history by then
    (its `recent` latest rows; None: all of them)."""
    ref = parse_ref(ref_text)
    params = {"programme_id": programme.id, "item": ref.item, "project": ref.project}
    stored = session.scalars(_PROJECT_WITH_ALL, params).unique().one_or_none() if ref.project else None
    if stored is None:
        stored = resolve_project(session, programme, ref)  # raises the precise NotFound
    project = ProjectOn(
        stored, stage_facts(session, programme.id, as_of, project_id=stored.id, since=True)[stored.id], as_of
    )
    target: Target = stored.target
    view = project_view(project, ref.item, target, as_of)
    project_lights(session, programme, StatusRules.from_json(programme.status_rules), as_of, [view])
    stage = project.stage_enum
    nxt = stage.next() if stage.is_main else None
    next_stage = None
    if nxt is not None:
        request = StageRequest(
            current=stage,
            target=nxt,
            at=as_of,
            today=as_of,
            current_since=project.actual_on(stage),
            last_change_on=project.since,
            evidence=tuple(_facts(project)),
            requirements=requirement_table(target.requirements),
        )
        next_stage = {
            "stage": nxt.code,
            "stage_label": nxt.label,
            "prerequisites": [{"label": c.label, "met": c.met, "message": c.message} for c in check(request)],
        }
    recent = session.scalars(
        select(Transition)
        .where(Transition.project_id == stored.id, Transition.occurred_on <= as_of)
        .order_by(Transition.occurred_on.desc(), Transition.id.desc())
        .limit(recent)
    ).all()
    return {
        "programme": programme_head(programme),
        **view,
        "item": {"ref": str(ref.item), "title": stored.item.title},
        "target_detail": {
            "position": target.position,
            "name": target.name,
            "quantity": qty(target.quantity),
            "unit": target.unit,
            "counting_stage": target.counting_stage,
        },
        "note": project.note,
        "dates": {
            k: {kk: (vv.isoformat() if vv else None) for kk, vv in v.items()}
            for k, v in project.dates().items()
        },
        "evidence": evidence_view(project),
        "next_stage": next_stage,
        "allowed_events": allowed_events(stage),
        "transitions": [transition_view(t, str(ref)) for t in reversed(recent)],
    }


def _facts(project: ProjectOn) -> list[EvidenceFact]:
    return [EvidenceFact(e.kind, e.doc_no, e.issued_on) for e in project.evidence]


_ITEM_SNAPSHOT = (  # built once: the item pages ask it on every request
    select(HealthSnapshot)
    .where(
        HealthSnapshot.programme_id == bindparam("programme_id"),
        HealthSnapshot.ref == bindparam("ref"),
        HealthSnapshot.scope == "item",
        HealthSnapshot.as_of <= bindparam("day"),
    )
    .order_by(HealthSnapshot.as_of.desc())
    .limit(1)
)


def latest_health(session: Session, programme_id: int, ref: str, as_of: date) -> dict[str, Any] | None:
    """The newest schedule-health snapshot of an item on or before a date, with any pending override."""
    snap = session.scalars(_ITEM_SNAPSHOT, {"programme_id": programme_id, "ref": ref, "day": as_of}).first()
    override = latest_overrides(session, programme_id, as_of).get(ref)
    if snap is None and override is None:
        return None
    programme = session.get(Programme, programme_id)
    label = StatusRules.from_json(programme.status_rules if programme else None).label
    out: dict[str, Any] = {
        "as_of": None,
        "status": None,
        "status_label": None,
        "computed_status": None,
        "computed_label": None,
        "progress": None,
        "expected": None,
        "reason": None,
        "override_reason": None,
    }
    if snap is not None:
        out.update(
            as_of=snap.as_of.isoformat(),
            status=snap.status,
            status_label=label(snap.status),
            computed_status=snap.computed_status,
            computed_label=label(snap.computed_status),
            progress=qty(snap.progress),
            expected=qty(snap.expected),
            reason=snap.reason,
            override_reason=snap.override_reason,
        )
    if override is not None:
        out["override"] = {
            "status": override.status,
            "status_label": label(override.status) if override.status else None,
            "reason": override.reason,
            "actor": override.actor,
            "on": override.effective_on.isoformat(),
            "until": override.ends_on.isoformat() if override.ends_on else None,
            "at": override.created_at.isoformat(timespec="seconds"),
        }
    return out
