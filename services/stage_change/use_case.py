"""Use cases that move a project: advance, suspend, resume, cancel, revert; and recording evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from models import Evidence, Transition
from services.errors import BadInput, Conflict, NotFound, Refused, require_name
from services.people.audience import queue_stage_change
from services.refs import Ref, parse_ref, resolve_programme, resolve_project
from services.stage_change.facts import LockedProject, is_replay, last_change, lock_project
from services.stage_change.store import write_change, write_transition
from states.machine import EVENT_LABELS, Event, IllegalTransition, StageToken, fire
from states.prerequisites import EvidenceFact, StageRequest, kind_label, requirement_table, unmet
from states.stages import Stage

NEEDS_REASON = (Event.suspend, Event.cancel, Event.revert)
MAX_DOC_NO = 200


def check_evidence_text(ev: EvidenceFact) -> None:
    """Refuse an empty or over-long 文号 before anything is written."""
    if not ev.doc_no.strip() or len(ev.doc_no) > MAX_DOC_NO:
        raise BadInput(f"请写明文号，不超过 {MAX_DOC_NO} 字", fields=("doc_no",))


EvidenceInput = EvidenceFact  # a document named by a user is the fact the rules check


@dataclass(frozen=True)
class StageChange:
    """A request to fire one event on one project."""

    ref: str
    event: str
    actor: str
    to: Stage | None = None
    reason: str | None = None
    evidence: tuple[EvidenceInput, ...] = ()
    at: date | None = None
    expected_stage: Stage | None = None
    expected_version: int | None = None
    actor_is_admin: bool = True
    source: str = "cli"
    programme: str | None = None
    request_id: str | None = None
    base_url: str | None = None


@dataclass(frozen=True)
class StageChanged:
    """What a successful change did."""

    ref: str
    name: str
    event: str
    from_stage: Stage
    to_stage: Stage
    at: date
    actor: str
    transition_id: int
    version: int
    evidence: list[dict[str, str]] = field(default_factory=list)


def change_stage(conn: Connection, request: StageChange, today: date) -> StageChanged:
    """Check and apply one stage change in one transaction; refuse with every reason, writing nothing.

    It runs on a Core connection (`Database.write_connection`), not a Session: five statements whose
    cost is the statement machinery, and a Session's begin and commit would add a fifth of it again.
    """
    _check_request(request)
    ref = parse_ref(request.ref)
    project = _locked(conn, request, ref)
    if _is_replay(conn, request, project):
        return _replay(conn, request)
    if project is None:
        raise _not_found(Session(bind=conn), request.programme, ref)
    _check_expectations(conn, project, request, ref)
    at = request.at or today
    before = StageToken(project.stage_enum, project.suspended_from_enum)
    try:
        after = fire(request.event, before)
    except IllegalTransition as exc:
        raise Refused(f"子项目 {ref} 不能{EVENT_LABELS[request.event]}", [str(exc)]) from exc
    _check_target(request, ref, before, after)
    added = _new_evidence(project, request)
    used = _check_prerequisites(project, request, ref, before, after, at, today)
    if not write_change(conn, project, _changes(request, before, after, at), added):
        conn.rollback()
        raise Conflict(f"子项目 {ref} 已被他人同时修改，本次操作未执行；请刷新后重试")
    transition = {
        "project_id": project.id,
        "event": request.event,
        "from_stage": before.state.code,
        "to_stage": after.state.code,
        "actor": request.actor,
        "occurred_on": at,
        "reason": request.reason,
        "evidence": used,
        "source": request.source,
        "request_id": request.request_id,
    }
    transition["id"] = write_transition(conn, transition)
    queue_stage_change(conn, project, transition, request.base_url)
    conn.commit()
    return StageChanged(
        str(ref),
        project.name,
        request.event,
        before.state,
        after.state,
        at,
        request.actor,
        transition["id"],
        project.version + 1,
        used,
    )


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


def _not_found(session: Session, code: str | None, ref: Ref) -> NotFound:
    resolve_project(session, resolve_programme(session, code), ref)  # raises the precise NotFound
    return NotFound(f"没有子项目 {ref}")


def _check_request(request: StageChange) -> None:
    if request.event not in Event.all:
        raise BadInput(f"未知操作“{request.event}”；可用：{'、'.join(Event.all)}")
    require_name(request.actor)
    for ev in request.evidence:
        check_evidence_text(ev)
    if request.event in NEEDS_REASON and not (request.reason or "").strip():
        raise BadInput(f"{EVENT_LABELS[request.event]}须写明原因", fields=("reason",))
    if request.event == Event.revert and not request.actor_is_admin:
        raise Refused("退回须由管理员操作", [f"{request.actor} 不是管理员"])


def _check_expectations(conn: Connection, project: LockedProject, request: StageChange, ref: object) -> None:
    stale = request.expected_version is not None and request.expected_version != project.version
    moved = request.expected_stage is not None and request.expected_stage is not project.stage_enum
    if stale or moved:
        last = last_change(conn, project.id)
        who = f"已由 {last[0]} 于 {last[1]:%Y-%m-%d %H:%M} " if last else "已被他人"
        raise Conflict(
            f"子项目 {ref} {who}变更为“{project.stage_enum.label}”，本次操作未执行（并发冲突）；请刷新后重试"
        )


def _replay(conn: Connection, request: StageChange) -> StageChanged:
    """The result of a request already applied (a retried task); nothing is written."""
    t = (
        Session(bind=conn)
        .scalars(select(Transition).where(Transition.request_id == request.request_id))
        .one()
    )
    done = StageChanged(
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
    )
    conn.rollback()
    return done


def _check_target(request: StageChange, ref: object, before: StageToken, after: StageToken) -> None:
    if request.to is None or request.to is after.state:
        return
    cur = before.state
    if request.event == Event.advance and request.to.is_main and request.to.rank > after.state.rank:
        raise Refused(
            f"子项目 {ref} 不能跳过阶段",
            [f"当前为“{cur.label}”，只能推进到下一阶段“{after.state.label}”，不能直接到“{request.to.label}”"],
        )
    raise Refused(
        f"子项目 {ref} 不能{EVENT_LABELS[request.event]}到“{request.to.label}”",
        [f"当前为“{cur.label}”，{EVENT_LABELS[request.event]}后为“{after.state.label}”"],
    )


def _new_evidence(project: LockedProject, request: StageChange) -> list[dict[str, object]]:
    """Documents named by the request and not yet recorded; they join the facts the rules check."""
    have = {(e.kind, e.doc_no) for e in project.evidence}
    added: list[dict[str, object]] = []
    for ev in request.evidence:
        if (ev.kind, ev.doc_no) not in have:
            project.evidence.append(EvidenceFact(ev.kind, ev.doc_no, ev.issued_on))
            added.append(
                {
                    "kind": ev.kind,
                    "doc_no": ev.doc_no,
                    "issued_on": ev.issued_on,
                    "recorded_by": request.actor,
                }
            )
            have.add((ev.kind, ev.doc_no))
    return added


def _check_prerequisites(
    project: LockedProject,
    request: StageChange,
    ref: object,
    before: StageToken,
    after: StageToken,
    at: date,
    today: date,
) -> list[dict[str, str]]:
    facts = tuple(project.evidence)
    since = project.since
    table = requirement_table(project.requirements)
    checked_stage = after.state if request.event == Event.advance else before.state
    stage_request = StageRequest(
        current=before.state,
        target=checked_stage,
        at=at,
        today=today,
        current_since=since,
        evidence=facts,
        requirements=table if request.event == Event.advance else {},
    )
    reasons = [u.message for u in unmet(stage_request)]
    if reasons:
        raise Refused(f"子项目 {ref} 不满足进入“{after.state.label}”的前置条件，未作任何变更", reasons)
    kinds = (
        {k for req in table.get(after.state, ()) for k in req.kinds}
        if request.event == Event.advance
        else set()
    )
    return [
        {"kind": kind_label(e.kind), "doc_no": e.doc_no, "issued_on": e.issued_on.isoformat()}
        for e in facts
        if e.kind in kinds and e.issued_on <= at
    ]


def _changes(request: StageChange, before: StageToken, after: StageToken, at: date) -> dict[str, object]:
    """Column values of the project after the change."""
    values: dict[str, object] = {
        "stage": after.state.code,
        "suspended_from": after.suspended_from.code if after.suspended_from else None,
        "stage_phrase": None,
        "stage_reason": request.reason if after.state in (Stage.suspended, Stage.cancelled) else None,
    }
    if request.event == Event.advance:
        values[f"actual_{after.state.code}_on"] = at
    elif request.event == Event.revert:
        values[f"actual_{before.state.code}_on"] = None
    return values


def record_evidence(
    session: Session,
    ref_text: str,
    evidence: EvidenceInput,
    actor: str,
    today: date,
    programme_code: str | None = None,
) -> bool:
    """Record a document for a project; False when the same kind and 文号 was already there."""
    if evidence.issued_on > today:
        raise BadInput(f"要件日期 {evidence.issued_on} 晚于今天 {today}")
    check_evidence_text(evidence)
    require_name(actor, "登记人")
    programme = resolve_programme(session, programme_code)
    project = resolve_project(session, programme, parse_ref(ref_text), lock=True)
    if any(e.kind == evidence.kind and e.doc_no == evidence.doc_no for e in project.evidence):
        session.rollback()
        return False
    project.evidence.append(
        Evidence(kind=evidence.kind, doc_no=evidence.doc_no, issued_on=evidence.issued_on, recorded_by=actor)
    )
    session.commit()
    return True


def describe_evidence(ev: EvidenceInput) -> str:
    """`施工许可 长建〔2020〕8号 (2020-08-01)` style text."""
    return f"{kind_label(ev.kind)} {ev.doc_no}（{ev.issued_on}）"
