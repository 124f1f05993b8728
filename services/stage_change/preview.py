"""The check before orchestrating: the use case's decision, on the same facts read without a lock.

Parsing, unknown references, bad dates and refusals by the rules answer here, in a read session,
without Prefect and without writing. Only a request that can be applied goes on to the flow, which
decides again inside its transaction; it goes on carrying the programme, stage and version read here
as the ones the person acted on, so that whatever changed in between is a conflict, never a second
move.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from models.db import Database
from services.refs import parse_ref
from services.stage_change.facts import LockedProject, read_project
from services.stage_change.request import StageChange, check_request_text
from services.stage_change.use_case import decided, intent_of, not_found


def check_change(db: Database, request: StageChange, today: date) -> StageChange:
    """Decide the request on the project as it is now, raising what the use case would raise.

    Returns the request to orchestrate: its programme named, and, when it states no expectation of
    its own, the stage and version read now as the ones expected.
    """
    check_request_text(request)
    ref = parse_ref(request.ref)
    with db.read() as session:
        conn = session.connection()
        project = None
        if ref.project is not None:
            project = read_project(conn, request.programme, ref.item, ref.project, request.request_id)
        if project is None:
            raise not_found(session, request.programme, ref)
        if project.replayed is not None:  # already applied: the flow replays its result
            return request
        decided(conn, project, str(ref), intent_of(request, today), today)
    return expecting(request, project)


def expecting(request: StageChange, project: LockedProject) -> StageChange:
    """The request pinned to what was read: the programme, and the stage and version unless it names its own."""
    pinned = replace(request, programme=project.programme_code)
    if request.expected_stage is None and request.expected_version is None:
        pinned = replace(pinned, expected_stage=project.stage_enum, expected_version=project.version)
    return pinned
