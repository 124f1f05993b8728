"""The office's email that a submission waits for its review (待审核), queued in the submission's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection

from models import Programme, Submission
from models.base import utcnow
from services.review.store import KIND_LABELS
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
    code = programme.code
    return {
        "programme": {"code": code, "name": programme.name},
        "submission": {
            "id": row.id,
            "kind": KIND_LABELS[row.kind],
            "ref": row.ref,
            "summary": row.summary,
            "submitted_by": row.submitted_by,
            "department": row.department,
            "submitted_on": row.submitted_on.isoformat(),
        },
        "state": "待审核",
        "link": f"{base_url.rstrip('/')}/p/{code}/review" if base_url else None,
    }
