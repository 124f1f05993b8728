"""The overdue projects of a recomputation as snapshot rows (scope `project`), for their run of red periods.

Only overdue (滞后) projects are stored, one row each under the judgement in force: a project without a row
on a period's end was not overdue then (or was judged otherwise), which breaks its run of reds (挂牌督办).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models import StatusOverride
from services.health.sql import late_projects
from states.health import Health, late_reason


def project_rows(
    session: Session, programme_id: int, as_of: date, overrides: dict[str, StatusOverride]
) -> list[dict[str, Any]]:
    """One snapshot row per project overdue on `as_of` (one query), its status judged as the office did."""
    rows = []
    for r in session.execute(late_projects(programme_id, as_of)):
        ref = f"{r.item_number}.{r.project_number}"
        override = overrides.get(ref)
        judged = override is not None and override.status is not None
        rows.append(
            {
                "programme_id": programme_id,
                "as_of": as_of,
                "scope": "project",
                "ref": ref,
                "item_id": r.item_id,
                "project_id": r.project_id,
                "status": override.status if judged and override else Health.late.name,
                "computed_status": Health.late.name,
                "reason": late_reason(r.stage, r.planned),
                "override_reason": override.reason if judged and override else None,
                "detail": {},
            }
        )
    return rows
