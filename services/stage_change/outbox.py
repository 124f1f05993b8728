"""The outbox rows of one stage change: its audience in one query, one row per recipient, written with it."""

from __future__ import annotations

import json
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Integer,
    bindparam,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)

from models import Department, DepartmentMember, ItemDepartment, Person, Subscription
from models.base import utcnow
from services.people.audience import Audience, audience
from services.stage_change._prepared import PreparedRead
from services.stage_change.facts import LockedProject
from services.stage_change.store import write_outbox
from services.views.contract import qty
from states.counting import target_ratio
from states.stages import Stage

LINKS, DEPARTMENTS = ItemDepartment.__table__, Department.__table__
SUBSCRIPTIONS, PEOPLE = Subscription.__table__, Person.__table__
GROUPS, MEMBERS = DepartmentMember.__table__, Department.__table__.alias("members")


def _typed_null(kind: Any) -> Any:
    return type_coerce(null(), kind)


AUDIENCE_QUERY = union_all(
    select(
        literal_column("0").label("source"),
        LINKS.c.position.label("position"),
        DEPARTMENTS.c.email,
        func.coalesce(DEPARTMENTS.c.head, DEPARTMENTS.c.name).label("name"),
        LINKS.c.role,
        DEPARTMENTS.c.id.label("department_id"),
        _typed_null(Integer).label("item_number"),
        _typed_null(JSON).label("events"),
    )
    .join_from(LINKS, DEPARTMENTS, LINKS.c.department_id == DEPARTMENTS.c.id)
    .where(LINKS.c.item_id == bindparam("item_id")),
    select(
        literal_column("1"),
        SUBSCRIPTIONS.c.id,
        PEOPLE.c.email,
        PEOPLE.c.name,
        null(),
        SUBSCRIPTIONS.c.department_id,
        SUBSCRIPTIONS.c.item_number,
        SUBSCRIPTIONS.c.events,
    )
    .join_from(SUBSCRIPTIONS, PEOPLE, SUBSCRIPTIONS.c.person_id == PEOPLE.c.id)
    .where(SUBSCRIPTIONS.c.programme_id == bindparam("programme_id")),
    select(
        literal_column("2"), PEOPLE.c.id, PEOPLE.c.email, PEOPLE.c.name, null(), null(), null(), null()
    ).where(PEOPLE.c.name == bindparam("leader")),
    select(  # the member offices of a group that leads the item, those with their own address only
        literal_column("3"),
        MEMBERS.c.id,
        MEMBERS.c.email,
        func.coalesce(MEMBERS.c.head, MEMBERS.c.name),
        LINKS.c.role,
        MEMBERS.c.id,
        null(),
        null(),
    )
    .join_from(LINKS, GROUPS, GROUPS.c.group_id == LINKS.c.department_id)
    .join(MEMBERS, MEMBERS.c.id == GROUPS.c.member_id)
    .where(LINKS.c.item_id == bindparam("item_id"), LINKS.c.role == "lead", MEMBERS.c.email.is_not(None)),
)


AUDIENCE = PreparedRead(AUDIENCE_QUERY)
_SOURCE_POSITION = itemgetter("source", "position")


def audience_rows(conn: Connection, project: LockedProject) -> list[Any]:
    """The item's departments, the programme's subscriptions, the leader's addresses and the member offices
    (with an address) of a group that leads the item, in one query."""
    params = {"item_id": project.item_id, "programme_id": project.programme_id, "leader": project.leader}
    return sorted(AUDIENCE.rows(conn, params), key=_SOURCE_POSITION)


def _stage_audience(project: LockedProject, rows: list[Any]) -> Audience:
    """The rows of `audience_rows` sorted into an Audience, in one pass."""
    lead: list[tuple[str, str]] = []
    departments: set[int] = set()
    subscriptions: list[Any] = []
    leaders: list[tuple[str, str]] = []
    for row in rows:
        source, _position, email, name, role, department_id, item_number, events = row.values()
        if source == 0:
            departments.add(department_id)
            if role == "lead" and email:
                lead.append((email, name))
        elif source == 1:
            subscriptions.append((email, name, item_number, department_id, events))
        elif source == 2:
            leaders.append((email, name))
        else:  # a member office of the lead group: told as the lead is
            lead.append((email, name))
    return Audience(project.item_number, lead, departments, subscriptions, leaders)


def queue_stage_change(
    conn: Connection, project: LockedProject, transition: dict[str, Any], base_url: str | None
) -> int:
    """One outbox row per recipient of a stage change, written with it; returns how many."""
    people = audience(_stage_audience(project, audience_rows(conn, project)), "stage", project.office_email)
    if not people:
        return 0
    ref = f"{project.item_number}.{project.number}"
    payload = {
        "programme": {"code": project.programme_code, "name": project.programme_name},
        "item": {"number": project.item_number, "title": project.item_title},
        "project": {"ref": ref, "name": project.name},
        "event": transition["event"],
        "from": Stage[transition["from_stage"]].label if transition["from_stage"] else None,
        "to": Stage[transition["to_stage"]].label,
        "actor": transition["actor"],
        "on": transition["occurred_on"].isoformat(),
        "reason": transition["reason"],
        "evidence": transition["evidence"],
        "target": _target_progress(project, Stage[transition["to_stage"]]),
        "link": f"{base_url.rstrip('/')}/projects/{project.programme_code}/{ref}" if base_url else None,
    }
    key, now, text = f"stage:{transition['id']}:", utcnow(), json.dumps(payload)  # encoded once for all
    rows = [
        {
            "dedupe_key": key + email,
            "kind": "stage_changed",
            "recipient": email,
            "recipient_name": name,
            "payload_json": text,
            "created_at": now,
            "next_attempt_at": now,
        }
        for email, name in people.items()
    ]
    write_outbox(conn, rows)
    return len(rows)


def _target_progress(project: LockedProject, stage: Stage) -> dict[str, Any]:
    """The target's figure once the project is at `stage`, by the rule the report and the nightly use."""
    achieved = project.achieved_with(stage)
    planned = project.target_quantity
    ratio = target_ratio(_float(achieved), _float(planned), _float(project.reported_ratio))
    return {
        "name": project.target_name,
        "planned": qty(planned),
        "achieved": qty(achieved),
        "unit": project.target_unit,
        "ratio": ratio,
    }


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
