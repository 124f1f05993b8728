"""The office's email that a submission waits for its review (待审核), queued in the submission's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection

from models import Programme, Submission
from models.base import utcnow
from services.review.store import review_link, submission_mail
from services.stage_change.store import write_outbox

KIND = "submission_pending"


def queue_pending(conn: Connection, programme: Programme, row: Submission, base_url: str | None) -> int:
    """One outbox row to the programme's office address (none without one); how many."""
    if not programme.office_email:
        return 0
    now = utcnow()
    payload = pending_payload(programme, row, base_url)
    write_outbox(
        conn,
        [
            {
                "dedupe_key": f"review:{row.id}:pending:{programme.office_email}",
                "kind": KIND,
                "recipient": programme.office_email,
                "recipient_name": "区实事项目办",
                "payload_json": json.dumps(payload, ensure_ascii=False),
                "created_at": now,
                "next_attempt_at": now,
            }
        ],
    )
    return 1


def pending_payload(programme: Programme, row: Submission, base_url: str | None) -> dict[str, Any]:
    """What the office's email says: the submission, who sent it, and where to review it."""
    return {
        "programme": {"code": programme.code, "name": programme.name},
        "submission": submission_mail(row),
        "state": "待审核",
        "link": review_link(programme.code, base_url),
    }
