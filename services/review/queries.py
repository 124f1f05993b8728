"""Reads: the submissions a user may see (the office all, a department its own, a viewer none), newest first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Submission
from services.errors import Forbidden
from services.people.users import UserView
from services.refs import resolve_programme
from services.review.store import KIND_LABELS, STATE_LABELS

LIMIT = 200


def list_submissions(
    session: Session, user: UserView | None, code: str | None, states: tuple[str, ...] = ("pending",)
) -> dict[str, Any]:
    """The programme's submissions in those states (all states when empty), in one query.

    `user` None is the command line (the operator sees everything); a department user sees its own
    department's only; anyone else (a viewer) is refused.
    """
    require_list_reader(user)
    programme = resolve_programme(session, code)
    query = select(Submission).where(Submission.programme_id == programme.id)
    if states:
        query = query.where(Submission.state.in_(states))
    if user is not None and user.role == "department":
        query = query.where(Submission.department_id == user.department_id)
    rows = session.scalars(query.order_by(Submission.id.desc()).limit(LIMIT)).all()
    return {
        "programme": programme.code,
        "review": programme.review,
        "submissions": [as_dict(s) for s in rows],
    }


def require_list_reader(user: UserView | None) -> None:
    """Refuse a viewer the review list: only the office sees it, and a department its own submissions."""
    if user is not None and user.role not in ("admin", "department"):
        reasons = [f"{user.name} 的角色为“{user.role_label}”"]
        raise Forbidden("只有管理员（区实事项目办）可以查看报送审核；部门只能查看本部门的报送", reasons)


def as_dict(s: Submission) -> dict[str, Any]:
    """A submission as the pages, the API and the command line show it."""
    return {
        "id": s.id,
        "kind": s.kind,
        "kind_label": KIND_LABELS[s.kind],
        "ref": s.ref,
        "summary": s.summary,
        "state": s.state,
        "state_label": STATE_LABELS[s.state],
        "submitted_by": s.submitted_by,
        "department": s.department,
        "submitted_on": s.submitted_on.isoformat(),
        "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
        "decided_by": s.decided_by,
        "decided_at": s.decided_at.isoformat() if s.decided_at else None,
        "reason": s.reason,
        "result": s.result,
    }
