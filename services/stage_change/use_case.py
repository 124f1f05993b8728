"""Use case: one stage change (advance, suspend, resume, cancel, revert) — load facts, decide, store.

It runs on the unit of work's Core connection, not its Session: five statements whose cost is the
statement machinery, and an ORM flush would add a fifth of it again. The rules are all in
`states.decision.decide`; this module only reads the facts under a lock and records the decision.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from models import Transition
from models.settings import get_settings
from services.errors import BadInput, Conflict, NotFound, Refused, ServiceError
from services.publishing.notice import published_notice
from services.refs import Ref, parse_ref, resolve_programme, resolve_project
from services.review.store import approval_note, approve_stage_submission, require_pending
from services.stage_change.facts import LockedProject, is_replay, last_change, lock_project
from services.stage_change.outbox import queue_stage_change
from services.stage_change.request import StageChange, StageChanged, check_request_text
from services.stage_change.store import write_change, write_transition
from services.unit_of_work import UnitOfWork
from states.decision import CONFLICT, INPUT, Decision, Intent, ProjectFacts, Refusal, decide
from states.prerequisites import requirement_table
from states.stages import Stage


def change_stage(uow: UnitOfWork, request: StageChange, today: date) -> StageChanged:
    """Check and apply one stage change in one unit of work; refuse with every reason, writing nothing."""
    check_request_text(request)
    ref = parse_ref(request.ref)
    conn = uow.connection
    project = _locked(conn, request, ref)
    if _is_replay(conn, request, project):
        return _replay(uow.session, request)
    if project is None:
        raise not_found(uow.session, request.programme, ref)
    if request.submission_id is not None:  # an approval: the submission must still wait for it
        require_pending(conn, request.submission_id)
    decision = decided(conn, project, str(ref), intent_of(request, today), today)
    if not write_change(conn, project, decision.columns, _added(decision, request.actor)):
        raise Conflict(f"子项目 {ref} 已被他人同时修改，本次操作未执行；请刷新后重试")
    transition = _transition(project, request, decision)
    transition["id"] = write_transition(conn, transition)
    queue_stage_change(conn, project, transition, request.base_url)
    if request.submission_id is not None:
        approve_stage_submission(conn, request, _moved(decision))
    notice = _notice(conn, project, decision.at)
    uow.changes_item(project.programme_code, project.item_number)
    uow.changes_project(project.programme_code, str(ref))
    uow.commit()
    return StageChanged(
        str(ref),
        project.name,
        request.event,
        decision.before.state,
        decision.after.state,
        decision.at,
        request.actor,
        transition["id"],
        project.version + 1,
        list(decision.cited),
        project.programme_code,
        notice,
    )


def _moved(decision: Decision) -> str:
    """开工 → 完工（2020-10-10）: what an approved stage change did, in words."""
    return f"{decision.before.state.label} → {decision.after.state.label}（{decision.at}）"


def _notice(conn: Connection, project: LockedProject, at: date) -> str | None:
    """The warning when the change is dated inside a published period; read only then."""
    if project.published_until is None or at > project.published_until:
        return None
    return published_notice(conn, project.programme_id, at)


def project_facts(project: LockedProject, ref: str) -> ProjectFacts:
    """What the rules need of a locked project."""
    return ProjectFacts(
        ref=ref,
        stage=project.stage_enum,
        version=project.version,
        suspended_from=project.suspended_from_enum,
        since=project.since,
        last_on=project.last_on,
        evidence=tuple(project.evidence),
        requirements=requirement_table(project.requirements),
    )


def intent_of(request: StageChange, today: date) -> Intent:
    """The decision's view of a request; a change without a date takes effect today."""
    return Intent(
        event=request.event,
        at=request.at or today,
        actor=request.actor,
        to=request.to,
        reason=request.reason,
        evidence=request.evidence,
        actor_is_admin=request.actor_is_admin,
        expected_stage=request.expected_stage,
        expected_version=request.expected_version,
    )


def decided(conn: Connection, project: LockedProject, ref: str, intent: Intent, today: date) -> Decision:
    """The decision on a project's facts, or the refusal raised as its domain error.

    A conflict is decided again with who recorded the project's latest change and when, so that its
    message names them; they are read only then.
    """
    facts = project_facts(project, ref)
    decision = decide(facts, intent, today)
    if isinstance(decision, Refusal) and decision.kind == CONFLICT:
        decision = decide(with_last_change(facts, last_change(conn, project.id)), intent, today)
    if isinstance(decision, Refusal):
        raise refusal_error(decision)
    return decision


def with_last_change(facts: ProjectFacts, last: tuple[str, datetime] | None) -> ProjectFacts:
    """The facts with who recorded the latest change, and when in the district's time."""
    if last is None:
        return facts
    who, when = last
    if when.tzinfo is None:  # SQLite gives back the stored UTC time without its zone
        when = when.replace(tzinfo=UTC)
    return replace(facts, changed_by=who, changed_at=when.astimezone(ZoneInfo(get_settings().timezone)))


def refusal_error(refusal: Refusal) -> ServiceError:
    """The domain error of a refusal: bad input, a conflict, or a refusal by the rules."""
    if refusal.kind == INPUT:
        return BadInput(refusal.summary, fields=refusal.fields)
    if refusal.kind == CONFLICT:
        return Conflict(refusal.summary, refusal.reasons)
    return Refused(refusal.summary, refusal.reasons)


def _locked(conn: Connection, request: StageChange, ref: Ref) -> LockedProject | None:
    """The project, locked, with what the checks need, in one query; None when there is none."""
    if ref.project is None:
        return None
    return lock_project(conn, request.programme, ref.item, ref.project, request.request_id)


def _is_replay(conn: Connection, request: StageChange, project: LockedProject | None) -> bool:
    """True when this request id was already applied (a retried task)."""
    if project is not None:
        return project.replayed is not None
    return request.request_id is not None and is_replay(conn, request.request_id)


def not_found(session: Session, code: str | None, ref: Ref) -> NotFound:
    """The precise NotFound of a reference that names no project (programme, item or project)."""
    resolve_project(session, resolve_programme(session, code), ref)  # raises the precise NotFound
    return NotFound(f"没有子项目 {ref}")


def _replay(session: Session, request: StageChange) -> StageChanged:
    """The result of a request already applied (a retried task); nothing is written."""
    t = session.scalars(select(Transition).where(Transition.request_id == request.request_id)).one()
    return StageChanged(
        request.ref,
        t.project.name,
        t.event,
        Stage[t.from_stage or t.to_stage],
        Stage[t.to_stage],
        t.occurred_on,
        t.actor,
        t.id,
        t.project.version,
        t.evidence,
        t.project.item.programme.code,
    )


def _added(decision: Decision, actor: str) -> list[dict[str, object]]:
    """The documents the decision adds, as evidence rows."""
    return [
        {"kind": ev.kind, "doc_no": ev.doc_no, "issued_on": ev.issued_on, "recorded_by": actor}
        for ev in decision.new_evidence
    ]


def _transition(project: LockedProject, request: StageChange, decision: Decision) -> dict[str, Any]:
    """The audit row's values."""
    return {
        "project_id": project.id,
        "event": request.event,
        "from_stage": decision.before.state.code,
        "to_stage": decision.after.state.code,
        "actor": request.actor,
        "occurred_on": decision.at,
        "reason": approval_note(request),
        "evidence": list(decision.cited),
        "source": request.source,
        "request_id": request.request_id,
    }
