"""Use cases: an administrator approves a submission (the change applies in the approval's transaction,
through the rules it would have met directly) or returns it with a reason (it never applies).

A stage change's approval runs through the advance-stage flow like any stage change: `stage_approval`
gives the entry point the request to orchestrate, and the stage-change use case settles the submission
in the change's own transaction (services.review.store).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Programme, Submission, User
from services.errors import BadInput, Forbidden, NotFound, require_name
from services.people.users import UserView, view
from services.progress.record import ProgressInput, file_progress
from services.review.store import require_pending, settle
from services.stage_change.evidence import add_evidence, describe_evidence
from services.stage_change.request import EvidenceInput, StageChange, from_wire
from services.unit_of_work import UnitOfWork

MAX_REASON = 2000


@dataclass(frozen=True)
class Decided:
    """What a decision did: the submission, its new state and, for an approval, what applied."""

    id: int
    state: str
    summary: str
    result: str | None = None

    def message(self) -> str:
        """报送 #3 已通过：…；已生效：… / 报送 #3 已退回：…."""
        if self.state == "approved":
            return f"报送 #{self.id} 已审核通过：{self.summary}；已生效：{self.result}"
        return f"报送 #{self.id} 已退回：{self.summary}"


def reviewable(session: Session, submission_id: int, reviewer: UserView, code: str | None) -> Submission:
    """The submission an administrator decides, or NotFound; anyone else is refused, whether it exists or not."""
    query = select(Submission).where(Submission.id == submission_id)
    if code is not None:
        query = query.join(Programme, Programme.id == Submission.programme_id).where(Programme.code == code)
    found = session.scalars(query).first()
    require_reviewer(reviewer, found)
    if found is None:
        raise NotFound(f"没有编号为 {submission_id} 的报送")
    return found


def require_reviewer(user: UserView, submission: Submission | None) -> None:
    """Only an administrator reviews; a department never approves or returns (its own least of all)."""
    if user.is_admin:
        return
    role = f"{user.name} 的角色为“{user.role_label}”"
    department = submission.department_id if submission is not None else None
    if department is not None and department == user.department_id:
        raise Forbidden("不能审核本部门提交的报送；须由区实事项目办管理员审核", [role])
    raise Forbidden("只有管理员（区实事项目办）可以审核报送", [role])


def reviewer_named(session: Session, name: str) -> UserView:
    """The active login of that name, who reviews on the command line."""
    require_name(name, "审核人")
    user = session.scalars(select(User).where(User.name == name.strip(), User.active.is_(True))).first()
    if user is None:
        raise BadInput(f"没有名为“{name.strip()[:40]}”的有效用户；审核人须为管理员账号", fields=("by",))
    return view(user)


def stage_approval(
    session: Session, submission_id: int, reviewer: UserView, code: str | None
) -> StageChange | None:
    """The stage change an approval orchestrates, checked (reviewer, still pending); None for other kinds."""
    submission = reviewable(session, submission_id, reviewer, code)
    require_pending(session.connection(), submission_id)
    if submission.kind != "stage":
        return None
    request = from_wire(submission.payload)
    return replace(
        request,
        submission_id=submission_id,
        approved_by=reviewer.name,
        request_id=uuid.uuid4().hex,  # a new press: the submission's request never ran
        source="review",
        base_url=None,
    )


def approve(
    uow: UnitOfWork,
    submission_id: int,
    reviewer: UserView,
    today: date,
    base_url: str | None,
    code: str | None = None,
) -> Decided:
    """Approve a progress report or a document: it applies now, with the approval, in one transaction."""
    session = uow.session
    submission = reviewable(session, submission_id, reviewer, code)
    require_pending(uow.connection, submission_id)
    programme = session.get(Programme, submission.programme_id)
    assert programme is not None
    data = submission.payload
    if submission.kind == "progress":
        result = file_progress(uow, _progress(data, programme.code), today).message()
    elif submission.kind == "evidence":
        item = EvidenceInput(data["kind"], data["doc_no"], date.fromisoformat(data["issued_on"]))
        added = add_evidence(uow, submission.ref, item, submission.submitted_by, today, programme.code)
        result = f"已登记要件：{describe_evidence(item)}" if added else "已有此要件，无变化"
    else:
        raise BadInput("阶段变更的报送经推进流程审核")  # entry points orchestrate it (`stage_approval`)
    settle(uow.connection, submission_id, "approved", reviewer.name, None, result, base_url)
    uow.changes_item(programme.code, submission.item_number)
    decided = Decided(submission_id, "approved", submission.summary, result)
    uow.commit()
    return decided


def return_submission(
    uow: UnitOfWork,
    submission_id: int,
    reviewer: UserView,
    reason: str,
    base_url: str | None,
    code: str | None = None,
) -> Decided:
    """Return a submission with a reason: it never applies; the department is told why."""
    submission = reviewable(uow.session, submission_id, reviewer, code)
    if not reason or not reason.strip() or len(reason) > MAX_REASON:
        raise BadInput(f"退回须写明原因，不超过 {MAX_REASON} 字", fields=("reason",))
    settle(uow.connection, submission_id, "returned", reviewer.name, reason.strip(), None, base_url)
    programme = uow.session.get(Programme, submission.programme_id)
    assert programme is not None
    uow.changes_item(programme.code, submission.item_number)
    decided = Decided(submission_id, "returned", submission.summary)
    uow.commit()
    return decided


def _progress(data: dict[str, object], code: str) -> ProgressInput:
    """The report as submitted."""
    done = data["done"]
    return ProgressInput(
        ref=str(data["ref"]),
        reported_by=str(data["reported_by"]),
        as_of=date.fromisoformat(str(data["as_of"])),
        done=None if done is None else Decimal(str(done)),
        target=data["target"],  # type: ignore[arg-type]
        note=data["note"],  # type: ignore[arg-type]
        problems=data["problems"],  # type: ignore[arg-type]
        next_steps=data["next_steps"],  # type: ignore[arg-type]
        approximate=bool(data["approximate"]),
        programme=code,
    )
