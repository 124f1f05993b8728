"""The web's writes, shared by pages and API: check the user's right, then call the use case or flow."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from admin import orchestrate
from admin.web.deps import request_id
from models.base import as_quantity
from models.db import Database
from models.settings import get_settings
from services.errors import BadInput, Forbidden, ServiceError
from services.people.access import require_event, require_write
from services.people.users import UserView
from services.progress.record import ProgressInput, Replaced, record_progress
from services.publishing.notice import published_notice
from services.refs import parse_ref, resolve_programme, resolve_project
from services.review.submit import Submitted, requires_review, submit_evidence, submit_progress, submit_stage
from services.stage_change.evidence import record_evidence
from services.stage_change.outcomes import refused
from services.stage_change.preview import check_change
from services.stage_change.request import EvidenceInput, StageChange
from services.unit_of_work import UnitOfWork
from states.machine import Event
from states.prerequisites import UnknownEvidenceKind, parse_evidence_kind
from states.stages import Stage, UnknownStage, parse_stage

MAX_TEXT = 2000


@dataclass(frozen=True)
class Action:
    """A stage action as a form or JSON body states it."""

    event: str
    to: str | None = None
    reason: str | None = None
    at: date | None = None
    evidence: tuple[EvidenceInput, ...] = field(default_factory=tuple)
    expected_version: int | None = None
    expected_stage: Stage | None = None


def stage_action(
    db: Database, user: UserView, code: str, ref: str, action: Action, today: date
) -> dict[str, Any]:
    """Check the user's right and the request, then run the advance-stage flow for one that can be applied.

    The check reads the project without Prefect; a request stating no expected stage or version expects
    the ones read then, at its arrival, and the flow decides again in its transaction.
    """
    if action.event not in Event.all:
        raise BadInput(f"未知操作“{action.event[:40]}”；可用：{'、'.join(Event.all)}")
    text(action.reason, "原因")
    with db.read() as session:
        programme = resolve_programme(session, code)
        parsed = parse_ref(ref)
        require_write(session, user, programme, parsed.item)
        require_event(user, action.event)
        resolve_project(session, programme, parsed)
        reviewed = requires_review(programme, user)
    request = StageChange(
        ref=ref,
        event=action.event,
        actor=user.name,
        to=stage(action.to),
        reason=action.reason,
        evidence=action.evidence,
        at=action.at,
        expected_version=action.expected_version,
        expected_stage=action.expected_stage,
        actor_is_admin=user.is_admin,
        source="web",
        programme=programme.code,
        request_id=request_id(),
    )
    try:
        request = check_change(db, request, today)
    except ServiceError as exc:
        return refused(request, exc)
    if reviewed:  # a department's change under review: stored as a submission, nothing else written
        with UnitOfWork(db) as uow:
            held = submit_stage(uow, user, request, today)
        return {"ok": True, "ref": ref, "submission": held.id, "state": "pending", "message": held.message()}
    return orchestrate.advance([request], today, announce=False)[0]


def regenerate_after(result: dict[str, Any]) -> None:
    """After the response: rewrite the report an applied change touched (run as a background task)."""
    orchestrate.regenerate_after([result], announce=False)


def add_evidence(
    db: Database, user: UserView, code: str, ref: str, item: EvidenceInput, today: date
) -> bool | Submitted:
    """Record one document on a project; False when it was already there; a submission under review."""
    with UnitOfWork(db) as uow:
        programme = resolve_programme(uow.session, code)
        require_write(uow.session, user, programme, parse_ref(ref).item)
        if requires_review(programme, user):
            return submit_evidence(uow, user, programme.code, ref, item, today)
        return record_evidence(uow, ref, item, user.name, today, programme.code)


@dataclass(frozen=True)
class Progress:
    """A progress report as a form or JSON body states it."""

    number: int
    as_of: date | None = None
    done: Decimal | None = None
    target: int | None = None
    note: str | None = None
    problems: str | None = None
    next_steps: str | None = None


@dataclass(frozen=True)
class Filed:
    """A filed report, as the pages and the API answer: new or not, the message, its period and version."""

    created: bool
    message: str
    period: str
    version: int
    replaced: Replaced | None
    as_of: date
    notice: str | None = None  # a published period's report covers the day: it stays as published


def report_progress(
    db: Database, user: UserView, code: str, progress: Progress, today: date
) -> Filed | Submitted:
    """File a progress report (a new version when its period has one), signed by the user's department and
    name; under review, a submission."""
    data = ProgressInput(
        ref=str(progress.number),
        reported_by=reporter(user),
        as_of=progress.as_of or today,
        done=progress.done,
        target=progress.target,
        note=text(_blank(progress.note), "完成情况"),
        problems=text(_blank(progress.problems), "存在问题"),
        next_steps=text(_blank(progress.next_steps), "下一步打算"),
    )
    with UnitOfWork(db) as uow:
        programme = resolve_programme(uow.session, code)
        require_write(uow.session, user, programme, progress.number)
        if requires_review(programme, user):
            return submit_progress(uow, user, replace(data, programme=programme.code), today)
        notice = published_notice(uow.session.connection(), programme.id, data.as_of)
        recorded = record_progress(uow, replace(data, programme=programme.code), today)
        return Filed(
            recorded.created,
            recorded.message(),
            recorded.period,
            recorded.version,
            recorded.replaced,
            recorded.as_of,
            notice,
        )


def publish_period(
    db: Database, user: UserView, code: str, period: str, reason: str | None, new_version: bool, today: date
) -> dict[str, Any]:
    """Publish a period's report as an administrator; returns the version stored."""
    if not user.is_admin:
        raise Forbidden("只有管理员可以发布报告", [f"{user.name} 的角色为“{user.role_label}”"])
    from reports.service import publish

    version, _ = publish(
        db,
        code,
        period.strip(),
        user.name,
        text(_blank(reason), "原因"),
        new_version,
        today,
        reports_folder(),
    )
    return version


def reporter(user: UserView) -> str:
    """Who a report is from: the department and the person, or the administrator's name."""
    return f"{user.department}（{user.name}）"[:100] if user.department else user.name


def reports_folder() -> Path:
    """Where the web writes report files: the configured reports folder, the one it serves downloads from."""
    return get_settings().reports_folder


def _blank(value: str | None) -> str | None:
    return (value or "").strip() or None


def stage(value: str | None) -> Stage | None:
    """A stage from its Chinese label or code (None when blank)."""
    if not value or not value.strip():
        return None
    try:
        return parse_stage(value[:40])
    except UnknownStage as exc:
        raise BadInput(str(exc)) from exc


def evidence_kind(value: str) -> str:
    """An evidence kind code from its label or code."""
    try:
        return parse_evidence_kind(value[:40])
    except UnknownEvidenceKind as exc:
        raise BadInput(str(exc)) from exc


def quantity(value: str | Decimal | None) -> Decimal | None:
    """A non-negative quantity (None when blank)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = as_quantity(str(value).strip()[:40])
    except InvalidOperation as exc:
        raise BadInput(f"数量应为数字：{str(value)[:40]}") from exc
    if number is None or not number.is_finite() or number < 0:
        raise BadInput(f"数量应为不小于 0 的数字：{str(value)[:40]}")
    return number


def text(value: str | None, what: str) -> str | None:
    """Free text of at most 2,000 characters."""
    if value is not None and len(value) > MAX_TEXT:
        raise BadInput(f"{what}不超过 {MAX_TEXT} 字")
    return value


def day(value: str | None, what: str = "日期") -> date | None:
    """A YYYY-MM-DD date (None when blank)."""
    if not value or not value.strip():
        return None
    try:
        if len(value.strip()) != 10:
            raise ValueError(value)
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadInput(f"{what}格式应为 YYYY-MM-DD：{value[:20]}") from exc


def status_of_result(result: dict[str, Any]) -> int:
    """The HTTP status of a refused flow result: 409 conflict, 403 forbidden, 422 otherwise."""
    return {"Conflict": 409, "Forbidden": 403, "NotFound": 404}.get(str(result.get("error")), 422)
