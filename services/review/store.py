"""The writes of a review decision on the transaction's Core connection: the submission settled once, its
emails to the department queued with it.

Both the approval of a stage change (inside the stage-change use case, in the flow's transaction) and
the approval or return of a progress report or document (services.review.decide) come through here.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select, update

from models import Department, Programme, Submission, User
from models.base import utcnow
from services.errors import Conflict, NotFound
from services.stage_change.request import StageChange
from services.stage_change.store import write_outbox

SUBMISSIONS = Submission.__table__
STATE_LABELS = {"pending": "待审核", "approved": "已通过", "returned": "已退回"}
DONE_WORDS = {"approved": "审核通过", "returned": "退回"}
KIND_LABELS = {"progress": "进展报送", "evidence": "要件登记", "stage": "阶段变更"}


def require_pending(conn: Connection, submission_id: int) -> None:
    """Refuse a submission that is not waiting any more (approved or returned), or that does not exist."""
    row = conn.execute(
        select(SUBMISSIONS.c.state, SUBMISSIONS.c.decided_by).where(SUBMISSIONS.c.id == submission_id)
    ).first()
    if row is None:
        raise NotFound(f"没有编号为 {submission_id} 的报送")
    if row.state != "pending":
        raise Conflict(
            f"报送 #{submission_id} 已由 {row.decided_by} {DONE_WORDS[row.state]}，不能再次审核；未作任何变更"
        )


def approval_note(request: StageChange) -> str | None:
    """The audit row's reason: the request's own, and for an approval who approved which submission."""
    if request.submission_id is None:
        return request.reason
    note = f"经 {request.approved_by} 审核通过（报送 #{request.submission_id}）"
    return f"{request.reason}；{note}" if request.reason else note


def approve_stage_submission(conn: Connection, request: StageChange, result: str) -> None:
    """Settle the submission a stage change approves, in the change's transaction."""
    assert request.submission_id is not None and request.approved_by
    settle(conn, request.submission_id, "approved", request.approved_by, None, result, request.base_url)


def settle(
    conn: Connection,
    submission_id: int,
    state: str,
    by: str,
    reason: str | None,
    result: str | None,
    base_url: str | None,
) -> None:
    """Approve or return a pending submission, once: a second decision is a conflict; queue its emails."""
    done = conn.execute(
        update(SUBMISSIONS)
        .where(SUBMISSIONS.c.id == submission_id, SUBMISSIONS.c.state == "pending")
        .values(state=state, decided_by=by, decided_at=utcnow(), reason=reason, result=result)
    )
    if done.rowcount != 1:
        require_pending(conn, submission_id)  # raises the precise refusal
        raise Conflict(f"报送 #{submission_id} 已被他人同时审核，未作任何变更")
    queue_decision(conn, submission_id, base_url)


def queue_decision(conn: Connection, submission_id: int, base_url: str | None) -> int:
    """One outbox row for the submitter and one for the department's address (once each); how many."""
    s, p, u, d = SUBMISSIONS, Programme.__table__, User.__table__, Department.__table__
    row = conn.execute(
        select(
            s,
            p.c.code.label("programme_code"),
            p.c.name.label("programme_name"),
            u.c.email.label("user_email"),
            d.c.email.label("department_email"),
            d.c.head.label("department_head"),
        )
        .join(p, p.c.id == s.c.programme_id)
        .outerjoin(u, u.c.id == s.c.user_id)
        .outerjoin(d, d.c.id == s.c.department_id)
        .where(s.c.id == submission_id)
    ).one()
    people: dict[str, str | None] = {}
    if row.user_email:
        people[row.user_email] = row.submitted_by
    if row.department_email:
        people.setdefault(row.department_email, row.department_head or row.department)
    kind = f"submission_{row.state}"
    text, now = json.dumps(decision_payload(row, base_url), ensure_ascii=False), utcnow()
    rows = [
        {
            "dedupe_key": f"review:{submission_id}:{row.state}:{email}",
            "kind": kind,
            "recipient": email,
            "recipient_name": name,
            "payload_json": text,
            "created_at": now,
            "next_attempt_at": now,
        }
        for email, name in people.items()
    ]
    if rows:
        write_outbox(conn, rows)
    return len(rows)


def submission_mail(row: Any) -> dict[str, Any]:
    """A submission as the review emails state it: what it is, for what, and who sent it when."""
    return {
        "id": row.id,
        "kind": KIND_LABELS[row.kind],
        "ref": row.ref,
        "summary": row.summary,
        "submitted_by": row.submitted_by,
        "department": row.department,
        "submitted_on": row.submitted_on.isoformat(),
    }


def review_link(code: str, base_url: str | None) -> str | None:
    """The review page of a programme, when the site's address is known."""
    return f"{base_url.rstrip('/')}/p/{code}/review" if base_url else None


def decision_payload(row: Any, base_url: str | None) -> dict[str, Any]:
    """What the email of an approval or a return says."""
    return {
        "programme": {"code": row.programme_code, "name": row.programme_name},
        "submission": submission_mail(row),
        "state": STATE_LABELS[row.state],
        "decided_by": row.decided_by,
        "reason": row.reason,
        "result": row.result,
        "link": review_link(row.programme_code, base_url),
    }
