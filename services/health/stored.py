"""Read back what a recomputation stored: the summary of each programme on a date, from its snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import HealthSnapshot, OutboxMessage, Programme


def stored_summaries(session: Session, codes: Sequence[str], as_of: date) -> list[dict[str, Any]]:
    """One summary per programme, shaped like `recompute`'s, from the snapshots; two statements."""
    # `digests` counts every digest queued for that date, not only those queued by the latest run
    out: dict[str, dict[str, Any]] = {
        code: {"programme": code, "as_of": as_of, "items": {}, "late_projects": 0, "status": "", "digests": 0}
        for code in codes
    }
    rows = session.execute(
        select(
            Programme.code,
            HealthSnapshot.scope,
            HealthSnapshot.ref,
            HealthSnapshot.status,
            HealthSnapshot.detail,
        )
        .join(Programme, Programme.id == HealthSnapshot.programme_id)
        .where(
            Programme.code.in_(codes),
            HealthSnapshot.as_of == as_of,
            HealthSnapshot.scope.in_(("programme", "item")),
        )
    )
    items: dict[str, list[tuple[int, str]]] = {code: [] for code in codes}
    for code, scope, ref, status, detail in rows:
        if scope == "programme":
            out[code]["status"] = status
            out[code]["late_projects"] = detail.get("late_projects", 0)
        else:
            items[code].append((int(ref), status))
    for code, found in items.items():
        out[code]["items"] = {str(number): status for number, status in sorted(found)}
    keys = session.scalars(
        select(OutboxMessage.dedupe_key).where(
            OutboxMessage.kind == "digest", OutboxMessage.dedupe_key.like(f"digest:%:{as_of}:%")
        )
    )
    for key in keys:
        code = key.split(":", 2)[1]
        if code in out:
            out[code]["digests"] += 1
    return [out[code] for code in codes]
