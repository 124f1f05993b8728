"""A target's projects grouped by stage and wording, with summed quantities: what report prose states per stage."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from models import Target
from services.as_of import ProjectOn
from services.views.contract import qty
from states.counting import counts
from states.stages import MAIN_LINE, Stage

_ORDER = {s.code: -s.rank for s in MAIN_LINE} | {"suspended": 1, "cancelled": 2}


def stage_groups(target: Target, projects: Iterable[ProjectOn]) -> list[dict[str, Any]]:
    """Projects by (stage, phrase), furthest stage first: quantities summed, unmeasured projects by name,
    and whether the stage counts toward the target."""
    counting = Stage[target.counting_stage]
    groups: dict[tuple[str, str], list[ProjectOn]] = {}
    for p in projects:
        phrase = p.stage_phrase or target.phrases.get(p.stage) or f"处于{p.stage_enum.label}阶段"
        groups.setdefault((p.stage, phrase), []).append(p)
    rows = []
    for (stage, phrase), members in sorted(groups.items(), key=lambda kv: _ORDER[kv[0][0]]):
        measured = [p for p in members if p.quantity is not None]
        total = sum((p.quantity for p in measured), Decimal(0))
        rows.append(
            {
                "stage": stage,
                "phrase": phrase,
                "counted": counts(Stage[stage], counting),
                "quantity": qty(total) if measured else None,
                "measured": [{"name": p.name, "quantity": qty(p.quantity)} for p in measured],
                "unmeasured": [p.name for p in members if p.quantity is None],
            }
        )
    return rows
