"""A period's figures per item and target, as its report states them: what is published and what is compared."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Item, Project, Target
from services.as_of import stage_facts


def period_figures(session: Session, programme_id: int, end: date, data: dict[str, Any]) -> dict[str, Any]:
    """The figures of a gathered report (`services.reporting.data.gather`) with every project's stage on `end`.

    Per item: progress, status, verdict (是否达序) and remark; per target: planned, achieved, ratio, status and
    the number of projects at each stage; per project: its stage. Keys are text so that it stores as JSON.
    """
    stages = stage_facts(session, programme_id, end)
    rows = session.execute(
        select(Project.id, Project.number, Project.name, Item.number.label("item"), Target.position)
        .join(Item, Project.item_id == Item.id)
        .join(Target, Project.target_id == Target.id)
        .where(Item.programme_id == programme_id)
        .order_by(Item.number, Project.number)
    ).all()
    projects: dict[int, dict[str, Any]] = {}
    counts: dict[tuple[int, int], Counter[str]] = {}
    for r in rows:
        stage = stages[r.id].stage.code
        projects.setdefault(r.item, {})[f"{r.item}.{r.number}"] = {"name": r.name, "stage": stage}
        counts.setdefault((r.item, r.position), Counter())[stage] += 1
    table = {row["number"]: row for row in data["table"]}
    items = {}
    for item in data["items"]:
        n, row = item["number"], table[item["number"]]
        items[str(n)] = {
            "title": item["title"],
            "progress": row["this"],
            "status": row["status"],
            "verdict": row["on_schedule"],
            "remark": row["remark"],
            "targets": {
                str(position): _target(target, counts.get((n, position), Counter()))
                for position, target in enumerate(item["targets"], start=1)
            },
            "projects": projects.get(n, {}),
        }
    return {"period": data["period"], "as_of": data["as_of"], "items": items}


def _target(target: dict[str, Any], stages: Counter[str]) -> dict[str, Any]:
    return {
        "name": target["name"],
        "unit": target["unit"],
        "planned": target["quantity"],
        "achieved": target["achieved"],
        "ratio": target["ratio"],
        "status": target["status_label"],
        "stages": dict(sorted(stages.items())),
    }
