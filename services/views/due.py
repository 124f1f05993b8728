"""What falls due in a month: project stages and target milestones due in it or overdue by it, with who answers."""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from models import Department, Item, ItemDepartment, Milestone, Programme, Target
from services.as_of import stages_on
from services.errors import BadInput
from services.health.compute import compute_health
from services.refs import resolve_programme
from services.views.contract import qty
from services.views.programme import programme_head
from states.stages import MAIN_LINE, Stage

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
STATE_LABELS = {"due": "本月到期", "overdue": "已逾期"}


def parse_month(text: str | None, today: date) -> tuple[date, date]:
    """`YYYY-MM` (default: the month of `today`) as its first and last day."""
    if not text:
        year, month = today.year, today.month
    else:
        match = MONTH.match(text.strip())
        if match is None:
            raise BadInput(f"月份格式应为 YYYY-MM（如 2020-10）：{text}", fields=("month",))
        year, month = int(match[1]), int(match[2])
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def due_in_month(
    session: Session, programme_code: str | None, month: str | None, today: date
) -> dict[str, Any]:
    """Project stages and milestones planned in the month or before it and not reached as of the month's end
    (or today, if earlier); each with the item's lead departments, 分管领导 and contact. A fixed number of
    queries whatever the size of the programme."""
    return due_rows(session, resolve_programme(session, programme_code), month, today)


def due_rows(session: Session, programme: Programme, month: str | None, today: date) -> dict[str, Any]:
    """`due_in_month` for a resolved programme."""
    first, last = parse_month(month, today)
    as_of = min(today, last)
    rows = _project_rows(session, programme, last, as_of) + _milestone_rows(session, programme, last, as_of)
    contacts = _contacts(session, programme) if rows else {}
    for row in rows:
        row["state"] = "overdue" if row["due_on"] < as_of else "due"
        row["state_label"] = STATE_LABELS[row["state"]]
        row.update(contacts.get(row["item"], _no_contact()))
    rows.sort(key=lambda r: (r["due_on"], r["item"], [int(n) for n in re.split(r"[.#]", r["ref"])]))
    for row in rows:
        row["due_on"] = row["due_on"].isoformat()
    return {
        "programme": programme_head(programme),
        "month": f"{first:%Y-%m}",
        "as_of": as_of.isoformat(),
        "rows": rows,
    }


def _project_rows(session: Session, programme: Programme, last: date, as_of: date) -> list[dict[str, Any]]:
    """One row per project stage planned by `last` that the project had not reached on `as_of`; one statement
    (the projects at their stages on `as_of`, `services.as_of.stages_on`, with their items)."""
    statement, planned = _projects_due()
    found = session.execute(
        statement, {"programme_id": programme.id, "as_of": as_of, "last": last}
    ).mappings()
    rows = []
    for r in found:
        stage = Stage[r["stage"]]
        base = Stage[r["suspended_from"]] if stage is Stage.suspended and r["suspended_from"] else stage
        if not base.is_main:  # cancelled, or paused from a stage not recorded
            continue
        for s, column in planned.items():
            day = r[column]
            if day is None or day > last or s.rank <= base.rank:
                continue
            rows.append(
                {
                    "kind": "project",
                    "kind_label": "子项目",
                    "item": r["item_number"],
                    "item_title": r["title"],
                    "leader": r["leader"],
                    "ref": f"{r['item_number']}.{r['number']}",
                    "name": r["name"],
                    "stage": s.code,
                    "stage_label": s.label,
                    "current_stage": stage.code,
                    "current_stage_label": stage.label,
                    "due_on": day,
                }
            )
    return rows


@cache
def _projects_due() -> tuple[Select[Any], dict[Stage, str]]:
    """The projects at their stages on `as_of` with a stage planned by `last`, and the planned columns' names;
    built once (the dashboard sends it on every read it does not have kept)."""
    on = stages_on(bindparam("programme_id"), bindparam("as_of", type_=Date))
    planned = {s: on.c[f"planned_{s.code}_on"] for s in MAIN_LINE[1:]}  # 立项 has no planned date
    last = bindparam("last", type_=Date)
    statement = (
        select(on, Item.number.label("item_number"), Item.title, Item.leader)
        .join(Item, Item.id == on.c.item_id)
        .where(or_(*(c <= last for c in planned.values())))
        .order_by(Item.number, on.c.number)
    )
    return statement, {s: c.name for s, c in planned.items()}


def _milestone_rows(session: Session, programme: Programme, last: date, as_of: date) -> list[dict[str, Any]]:
    """One row per target milestone due by `last` whose target's progress on `as_of` is below its share."""
    milestones = session.execute(
        select(Milestone, Target.position, Target.name, Item.number, Item.title, Item.leader)
        .join(Target, Milestone.target_id == Target.id)
        .join(Item, Target.item_id == Item.id)
        .where(Item.programme_id == programme.id, Milestone.due_on <= last)
        .order_by(Milestone.due_on, Item.number, Target.position)
    ).all()
    if not milestones:
        return []
    targets = {r["ref"]: r for r in compute_health(session, programme, as_of).rows if r["scope"] == "target"}
    rows = []
    for m, position, name, number, title, leader in milestones:
        target = targets.get(f"{number}#{position}", {})
        done = target.get("progress")
        if _milestone_met(m, done, target.get("achieved")):
            continue
        rows.append(
            {
                "kind": "milestone",
                "kind_label": "节点",
                "item": number,
                "item_title": title,
                "leader": leader,
                "ref": f"{number}#{position}",
                "name": name,
                "period": m.period,
                "expected": qty(m.expected_ratio),
                "progress": None if done is None else round(float(done), 4),
                "due_on": m.due_on,
            }
        )
    return rows


def _milestone_met(m: Milestone, progress: Any, achieved: Any) -> bool:
    """A milestone is met when the target's share reaches its share, or its figure reaches its amount."""
    if m.expected_ratio is not None and progress is not None and float(progress) >= float(m.expected_ratio):
        return True
    return (
        m.expected_quantity is not None
        and achieved is not None
        and float(achieved) >= float(m.expected_quantity)
    )


def _contacts(session: Session, programme: Programme) -> dict[int, dict[str, Any]]:
    """Per item number: its lead departments and their contacts (head and email), in the programme's order."""
    out: dict[int, dict[str, Any]] = {}
    links = session.execute(
        select(Item.number, Department.name, Department.head, Department.email)
        .join(ItemDepartment, ItemDepartment.item_id == Item.id)
        .join(Department, ItemDepartment.department_id == Department.id)
        .where(Item.programme_id == programme.id, ItemDepartment.role == "lead")
        .order_by(Item.number, ItemDepartment.position, ItemDepartment.id)
    )
    for number, name, head, email in links:
        entry = out.setdefault(number, _no_contact())
        entry["lead"].append(name)
        if head or email:
            entry["contacts"].append({"department": name, "head": head, "email": email})
    return out


def _no_contact() -> dict[str, Any]:
    return {"lead": [], "contacts": []}
