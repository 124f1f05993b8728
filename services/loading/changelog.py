"""Part of the programme load: the append-only log of the changes a load applied."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from models import ProgrammeChange
from models.base import as_quantity
from services.loading.plan import Change


def record_changes(
    session: Session, programme_id: int, changes: list[Change], actor: str, file: str, checksum: str
) -> int:
    """Write one change-log row per change, with who and from which file; return how many."""
    session.add_all(
        ProgrammeChange(
            programme_id=programme_id,
            actor=actor,
            file=file,
            checksum=checksum or None,
            place=c.where,
            field=c.field,
            change=c.kind,
            old_value=as_text(c.old),
            new_value=as_text(c.new),
            destructive=c.destructive,
            reason=c.reason,
        )
        for c in changes
    )
    return len(changes)


def as_text(value: Any) -> str | None:
    """A value as the log keeps it: plain text, JSON for lists and mappings, None for nothing."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal | int | float):
        return str(as_quantity(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
