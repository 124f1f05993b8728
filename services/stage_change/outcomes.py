"""Apply a batch of stage-change requests, each in its own transaction, and report each outcome.

A request is applied with the stage and version it carries as expected, set when the person pressed
(`services.stage_change.preview`); nothing here fills them in.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from models.db import Database
from services.errors import ServiceError
from services.stage_change.request import StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork


def apply_requests(db: Database, requests: list[StageChange], today: date) -> list[dict[str, Any]]:
    """Apply every request in its own transaction; a refusal is a result with its reasons, not an error."""
    return [apply_one(db, request, today) for request in requests]


def apply_one(db: Database, request: StageChange, today: date) -> dict[str, Any]:
    """One request → {ok, ref, programme, at, …}, or its refusal (see `refused`)."""
    try:
        with UnitOfWork(db) as uow:
            done = change_stage(uow, request, today)
    except ServiceError as exc:
        return refused(request, exc)
    result = asdict(done)
    result.update(
        ok=True, from_stage=done.from_stage.code, to_stage=done.to_stage.code, at=done.at.isoformat()
    )
    return result


def refused(request: StageChange, exc: ServiceError) -> dict[str, Any]:
    """A refusal as a result: `exit_code` (1 rule or conflict, 2 input), the message, every reason, the fields."""
    return {
        "ok": False,
        "ref": request.ref,
        "event": request.event,
        "exit_code": exc.exit_code,
        "error": type(exc).__name__,
        "message": getattr(exc, "summary", str(exc)),
        "reasons": getattr(exc, "reasons", []),
        "fields": list(exc.fields),
    }
