"""Use case: a department user's change, under a programme that requires review, stored as a submission.

It is checked as the change itself would be (so that a request the rules refuse is refused now, with
every reason) and stored with the date it states; nothing else is written until an administrator
approves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from models import Programme, Submission
from models.settings import get_settings
from services.people.users import UserView
from services.progress.record import ProgressInput, check_progress
from services.refs import parse_ref, resolve_programme
from services.review.office_mail import queue_pending
from services.stage_change.evidence import check_evidence, describe_evidence
from services.stage_change.request import EvidenceInput, StageChange, to_wire
from services.unit_of_work import UnitOfWork
from states.machine import EVENT_LABELS


@dataclass(frozen=True)
class Submitted:
    """A submission stored: its number and what it asks."""

    id: int
    kind: str
    ref: str
    summary: str

    def message(self) -> str:
        """已提交审核（报送 #3）：…；经区实事项目办审核通过后生效."""
        return f"已提交审核（报送 #{self.id}）：{self.summary}；经区实事项目办审核通过后生效"


def requires_review(programme: Programme, user: UserView) -> bool:
    """True when the user's changes to the programme wait for review: a department user, a reviewed programme."""
    return bool(programme.review) and user.role == "department"


def submit_progress(uow: UnitOfWork, user: UserView, data: ProgressInput, today: date) -> Submitted:
    """Hold a progress report for review."""
    check_progress(uow.session, data, today)
    payload: dict[str, Any] = {
        "ref": data.ref,
        "reported_by": data.reported_by,
        "as_of": data.as_of.isoformat(),
        "done": None if data.done is None else str(data.done),
        "target": data.target,
        "note": data.note,
        "problems": data.problems,
        "next_steps": data.next_steps,
        "approximate": data.approximate,
    }
    summary = f"第{data.ref}项 截至 {data.as_of} 的进展" + _progress_words(data)
    return _store(uow, data.programme, user, "progress", data.ref, payload, summary, today)


def _progress_words(data: ProgressInput) -> str:
    parts = [f"完成 {data.done}" if data.done is not None else None]
    parts += [
        f"{label}：{text[:60]}"
        for label, text in (
            ("完成情况", data.note),
            ("存在问题", data.problems),
            ("下一步打算", data.next_steps),
        )
        if text
    ]
    words = "；".join(p for p in parts if p)
    return f"（{words}）" if words else ""


def submit_evidence(
    uow: UnitOfWork, user: UserView, code: str, ref: str, evidence: EvidenceInput, today: date
) -> Submitted:
    """Hold a document for review."""
    check_evidence(uow.session, ref, evidence, user.name, today, code)
    payload = {"kind": evidence.kind, "doc_no": evidence.doc_no, "issued_on": evidence.issued_on.isoformat()}
    summary = f"{ref} 登记要件：{describe_evidence(evidence)}"
    return _store(uow, code, user, "evidence", ref, payload, summary, today)


def submit_stage(uow: UnitOfWork, user: UserView, request: StageChange, today: date) -> Submitted:
    """Hold a stage change for review: the request as checked, with the stage, version and date it states."""
    at = request.at or today
    pinned = to_wire(request)
    pinned["at"] = at.isoformat()
    summary = f"{request.ref} {EVENT_LABELS.get(request.event, request.event)}"
    if request.expected_stage is not None:
        summary += f"（提交时阶段：{request.expected_stage.label}"
        summary += f"，目标：{request.to.label}）" if request.to else "）"
    summary += f"，日期 {at}"
    if request.reason:
        summary += f"，原因：{request.reason[:100]}"
    if request.evidence:
        summary += "，要件：" + "；".join(describe_evidence(e) for e in request.evidence)
    return _store(uow, request.programme, user, "stage", request.ref, pinned, summary, today)


def _store(
    uow: UnitOfWork,
    code: str | None,
    user: UserView,
    kind: str,
    ref: str,
    payload: dict[str, Any],
    summary: str,
    today: date,
) -> Submitted:
    """Write the submission row and queue the office's email that it waits (待审核); commit once."""
    programme = resolve_programme(uow.session, code)
    row = Submission(
        programme_id=programme.id,
        item_number=parse_ref(ref).item,
        ref=ref,
        kind=kind,
        payload=payload,
        summary=summary,
        state="pending",
        submitted_by=user.name,
        user_id=user.id,
        department_id=user.department_id,
        department=user.department,
        submitted_on=today,
    )
    uow.session.add(row)
    uow.session.flush()
    queue_pending(uow.connection, programme, row, get_settings().base_url)
    uow.changes_item(programme.code, row.item_number)
    uow.commit()
    return Submitted(row.id, kind, ref, summary)
