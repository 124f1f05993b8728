"""What the dashboard says about the office's work: submissions waiting for review (待审核), and the links
to the 督办单 and 报送审核 pages each user may use."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from models import Programme, Submission
from services.people.users import UserView

_PENDING = select(func.count()).where(
    Submission.programme_id == bindparam("programme_id"), Submission.state == "pending"
)


def pending_count(session: Session, programme_id: int) -> int:
    """How many of the programme's submissions wait for review (one query)."""
    return int(session.execute(_PENDING, {"programme_id": programme_id}).scalar_one())


def work_links(session: Session, programme: Programme, user: UserView) -> dict[str, Any]:
    """The dashboard's links by role: the office sees every notice, the review page and how many submissions
    wait (queried for it only); a department its own notices and, under review, its own submissions; a
    viewer the notices only."""
    office = user.role == "admin"
    department = user.role == "department"
    pending = pending_count(session, programme.id) if office else None
    return {
        "notices_label": "本部门督办单" if department else "督办单",
        "review": office or (department and bool(programme.review)),
        "review_label": "本部门报送" if department else "报送审核",
        "pending": pending,
    }
