"""The writes of one stage change: the project's new stage, any new evidence, the audit row, the outbox.

They are the hot path of every change, so they run as prepared writes (`services.stage_change._prepared`): compiled
once, sent with the driver's parameters. Every column is given, defaults included.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Connection, Executable, TypeDecorator, bindparam, insert, update

from models import Evidence, OutboxMessage, Project, Transition
from models.base import utcnow
from services.stage_change._prepared import PreparedWrite
from services.stage_change.facts import LockedProject

PROJECTS, EVIDENCE = Project.__table__, Evidence.__table__
TRANSITIONS, OUTBOX = Transition.__table__, OutboxMessage.__table__
WHERE = ("project_id", "old_version")


class EncodedJSON(TypeDecorator[str]):
    """A JSON column's value already encoded by the caller: the text is sent as it is."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Any) -> None:
        """No processing: the value is JSON text already."""
        return None


def _change(keys: frozenset[str]) -> Executable:
    """UPDATE of the given columns of one project, only if its version is still the one read."""
    return (
        update(PROJECTS)
        .where(PROJECTS.c.id == bindparam("project_id"), PROJECTS.c.version == bindparam("old_version"))
        .values({key: bindparam(key) for key in keys if key not in WHERE})
    )


def _insert(table: Any, returning: bool = False) -> Any:
    def build(keys: frozenset[str]) -> Executable:
        statement = insert(table).values({key: bindparam(key) for key in keys})
        return statement.returning(table.c.id) if returning else statement

    return build


def _outbox(keys: frozenset[str]) -> Executable:
    """INSERT of outbox rows whose payload is JSON text already, in "payload_json"."""
    values = {key: bindparam(key) for key in keys if key != "payload_json"}
    return insert(OUTBOX).values({**values, "payload": bindparam("payload_json", type_=EncodedJSON())})


CHANGE, ADD_EVIDENCE = PreparedWrite(_change), PreparedWrite(_insert(EVIDENCE))
ADD_TRANSITION, ADD_OUTBOX = PreparedWrite(_insert(TRANSITIONS, returning=True)), PreparedWrite(_outbox)


def write_change(
    conn: Connection, project: LockedProject, values: dict[str, Any], new_evidence: list[dict[str, Any]]
) -> bool:
    """The project's new stage and dates, and any new evidence; False when the row changed meanwhile."""
    now = utcnow()
    if new_evidence:
        ADD_EVIDENCE.run(conn, [{"project_id": project.id, "recorded_at": now, **e} for e in new_evidence])
    params = {
        **values,
        "version": project.version + 1,
        "updated_at": now,
        "project_id": project.id,
        "old_version": project.version,
    }
    return CHANGE.run(conn, params).rowcount == 1


def write_transition(conn: Connection, values: dict[str, Any]) -> int:
    """Append the audit row; its id."""
    return ADD_TRANSITION.run(conn, {**values, "recorded_at": utcnow()}).scalar_one()


def write_outbox(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """The outbox rows of one change, in one statement; each row's payload is JSON text in "payload_json"."""
    if rows:
        ADD_OUTBOX.run(conn, [{**row, "status": "pending", "attempts": 0} for row in rows])
