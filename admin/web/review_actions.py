"""The web's review decisions, shared by the pages and the API: approve (a stage change through the
advance-stage flow, like any other) or return a department's submission."""

from __future__ import annotations

from datetime import date
from typing import Any

from admin import orchestrate
from models.db import Database
from models.settings import get_settings
from services.errors import ServiceError
from services.people.users import UserView
from services.review.decide import approve, return_submission, stage_approval
from services.stage_change.outcomes import refused
from services.stage_change.preview import check_change
from services.unit_of_work import UnitOfWork


def approve_submission(
    db: Database, user: UserView, code: str, submission_id: int, today: date
) -> dict[str, Any]:
    """Approve: the change applies in the approval's transaction; a refusal leaves it waiting (ok False)."""
    with db.read() as session:
        request = stage_approval(session, submission_id, user, code)
    if request is None:
        with UnitOfWork(db) as uow:
            decided = approve(uow, submission_id, user, today, get_settings().base_url, code)
        return {
            "ok": True,
            "id": submission_id,
            "state": "approved",
            "result": decided.result,
            "message": decided.message(),
        }
    try:  # refused without Prefect when the project moved since (a conflict) or the rules refuse now
        check_change(db, request, today)
    except ServiceError as exc:
        result = refused(request, exc)
    else:
        result = orchestrate.advance([request], today, announce=False)[0]
    if not result["ok"]:
        return {**result, "message": f"报送 #{submission_id} 未能生效，仍待审核：{result['message']}"}
    moved = f"{result['ref']} {result['from_stage']} → {result['to_stage']}"
    return {
        **result,
        "id": submission_id,
        "state": "approved",
        "message": f"报送 #{submission_id} 已审核通过并生效",
        "result": moved,
    }


def return_with_reason(
    db: Database, user: UserView, code: str, submission_id: int, reason: str | None
) -> dict[str, Any]:
    """Return a submission with a reason; it never applies."""
    with UnitOfWork(db) as uow:
        decided = return_submission(uow, submission_id, user, reason or "", get_settings().base_url, code)
    return {"ok": True, "id": submission_id, "state": "returned", "message": decided.message()}


def deliver_now(db: Database) -> None:
    """Send the decision's emails after the answer (a background task); failures stay in the outbox."""
    from notifications.service import deliver_configured

    deliver_configured(db)
