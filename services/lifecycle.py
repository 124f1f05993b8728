"""Use cases that move a project: advance, suspend, resume, cancel, revert; and recording evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError

from models import Evidence, Project, Transition
from services.errors import BadInput, Conflict, Refused, require_name
from services.notify import queue_stage_change
from services.refs import parse_ref, resolve_programme, resolve_project
from states.machine import EVENT_LABELS, Event, IllegalTransition, StageToken, fire
from states.prerequisites import EvidenceFact, StageRequest, kind_label, requirement_table, unmet
from states.stages import Stage

NEEDS_REASON = (Event.suspend, Event.cancel, Event.revert)
MAX_DOC_NO = 200


def check_evidence_text(ev: EvidenceFact) -> None:
    """Refuse an empty or over-long 文号 before anything is written."""
    if not ev.doc_no.strip() or len(ev.doc_no) > MAX_DOC_NO:
        raise BadInput(f"请写明文号（--ref，不超过 {MAX_DOC_NO} 字）")


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


def change_stage(session: Session, request: StageChange, today: date) -> StageChanged:
    """Check and apply one stage change in one transaction; refuse with every reason, writing nothing."""
    _check_request(request)
    if request.request_id and (done := _replay(session, request)) is not None:
        return done
    programme = resolve_programme(session, request.programme)
    ref = parse_ref(request.ref)
    project = resolve_project(session, programme, ref, lock=True)
    _check_expectations(project, request, ref)
    at = request.at or today
    before = StageToken(project.stage_enum, project.suspended_from_enum)
    try:
        after = fire(request.event, before)
    except IllegalTransition as exc:
        raise Refused(f"子项目 {ref} 不能{EVENT_LABELS[request.event]}", [str(exc)]) from exc
    _check_target(request, ref, before, after)
    _add_evidence(project, request)
    used = _check_prerequisites(project, request, ref, before, after, at, today)
    transition = _apply(project, request, before, after, at, used)
    session.add(transition)
    try:
        session.flush()
        queue_stage_change(session, project, transition, request.base_url)
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(f"子项目 {ref} 已被他人同时修改，本次操作未执行；请刷新后重试") from exc
    return StageChanged(
        str(ref),
        project.name,
        request.event,
        before.state,
        after.state,
        at,
        request.actor,
        transition.id,
        project.version,
        used,
    )


def _check_request(request: StageChange) -> None:
    if request.event not in Event.all:
        raise BadInput(f"未知操作“{request.event}”；可用：{'、'.join(Event.all)}")
    require_name(request.actor)
    for ev in request.evidence:
        check_evidence_text(ev)
    if request.event in NEEDS_REASON and not (request.reason or "").strip():
        raise BadInput(f"{EVENT_LABELS[request.event]}须写明原因（--reason）")
    if request.event == Event.revert and not request.actor_is_admin:
        raise Refused("退回须由管理员操作", [f"{request.actor} 不是管理员"])


def _check_expectations(project: Project, request: StageChange, ref: object) -> None:
    stale = request.expected_version is not None and request.expected_version != project.version
    moved = request.expected_stage is not None and request.expected_stage is not project.stage_enum
    if stale or moved:
        last = _last_transition(project)
        who = f"已由 {last.actor} 于 {last.recorded_at:%Y-%m-%d %H:%M} " if last else "已被他人"
        raise Conflict(
            f"子项目 {ref} {who}变更为“{project.stage_enum.label}”，本次操作未执行（并发冲突）；请刷新后重试"
        )


def _replay(session: Session, request: StageChange) -> StageChanged | None:
    """The result of a request already applied (a retried task), or None."""
    t = session.scalars(select(Transition).where(Transition.request_id == request.request_id)).one_or_none()
    if t is None:
        return None
    session.rollback()
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
    )


def _last_transition(project: Project) -> Transition | None:
    session = object_session(project)
    assert session is not None
    query = select(Transition).where(Transition.project_id == project.id).order_by(Transition.id.desc())
    return session.scalars(query.limit(1)).first()


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


def _add_evidence(project: Project, request: StageChange) -> None:
    have = {(e.kind, e.doc_no) for e in project.evidence}
    for ev in request.evidence:
        if (ev.kind, ev.doc_no) not in have:
            project.evidence.append(
                Evidence(kind=ev.kind, doc_no=ev.doc_no, issued_on=ev.issued_on, recorded_by=request.actor)
            )
            have.add((ev.kind, ev.doc_no))


def _check_prerequisites(
    project: Project,
    request: StageChange,
    ref: object,
    before: StageToken,
    after: StageToken,
    at: date,
    today: date,
) -> list[dict[str, str]]:
    facts = tuple(EvidenceFact(e.kind, e.doc_no, e.issued_on) for e in project.evidence)
    since = project.actual_on(before.state) if before.state.is_main else None
    table = requirement_table(project.target.requirements)
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


def _apply(
    project: Project,
    request: StageChange,
    before: StageToken,
    after: StageToken,
    at: date,
    used: list[dict[str, str]],
) -> Transition:
    project.stage = after.state.code
    project.suspended_from = after.suspended_from.code if after.suspended_from else None
    project.stage_phrase = None
    if request.event == Event.advance:
        project.set_actual_on(after.state, at)
    elif request.event == Event.revert:
        project.set_actual_on(before.state, None)
    project.stage_reason = request.reason if after.state in (Stage.suspended, Stage.cancelled) else None
    transition = Transition(
        project_id=project.id,
        event=request.event,
        from_stage=before.state.code,
        to_stage=after.state.code,
        actor=request.actor,
        occurred_on=at,
        reason=request.reason,
        evidence=used,
        source=request.source,
        request_id=request.request_id,
    )
    return transition


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
    require_name(actor, "登记人（--by）")
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
