"""Apply a batch of stage-change requests, each in its own transaction, and report each outcome."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from typing import Any

from models.db import Database
from services.errors import ServiceError
from services.stage_change.request import StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from services.views.programme import current_stage


def apply_requests(db: Database, requests: list[StageChange], today: date) -> list[dict[str, Any]]:
    """Apply every request in its own transaction; a refusal is a result with its reasons, not an error."""
    return [apply_one(db, request, today) for request in requests]


def apply_one(db: Database, request: StageChange, today: date) -> dict[str, Any]:
    """One request → {ok, ref, …}; refusals carry `exit_code` (1 rule, 2 input), every reason and the fields."""
    try:
        if request.expected_stage is None and request.expected_version is None:
            with db.read() as session:
                request = _with_expected_stage(session, request)
        with UnitOfWork(db) as uow:
            done = change_stage(uow, request, today)
    except ServiceError as exc:
        summary = getattr(exc, "summary", str(exc))
        return {
            "ok": False,
            "ref": request.ref,
            "event": request.event,
            "exit_code": exc.exit_code,
            "error": type(exc).__name__,
            "message": summary,
            "reasons": getattr(exc, "reasons", []),
            "fields": list(exc.fields),
        }
    result = asdict(done)
    result.update(
        ok=True, from_stage=done.from_stage.code, to_stage=done.to_stage.code, at=done.at.isoformat()
    )
    return result


def _with_expected_stage(session: Any, request: StageChange) -> StageChange:
    return replace(request, expected_stage=current_stage(session, request.ref, request.programme))
