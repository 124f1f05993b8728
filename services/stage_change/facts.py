"""The facts of one stage change, read in one query: the project, its item, target, evidence and progress.

The use case reads them locked (`lock_project`); the check before orchestrating reads the same query
without the lock (`read_project`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    bindparam,
    case,
    func,
    literal_column,
    or_,
    select,
)

from models import (
    Evidence,
    Item,
    Programme,
    ProgressReport,
    Project,
    PublishedReport,
    Target,
    Transition,
)
from services.sql_rules import counts as counts_sql
from services.stage_change._prepared import PreparedRead
from states.counting import counts, target_achieved
from states.prerequisites import EvidenceFact
from states.stages import MAIN_LINE, Stage, StageCodes


def _t(model: Any) -> Table:
    return model.__table__


PROJECTS, ITEMS, PROGRAMMES, TARGETS = _t(Project), _t(Item), _t(Programme), _t(Target)
EVIDENCE, TRANSITIONS = _t(Evidence), _t(Transition)
REPORTS, PUBLISHED = _t(ProgressReport), _t(PublishedReport)


def _since() -> Any:
    """The date the project reached its current main-line stage (NULL off the main line)."""
    whens = [
        (PROJECTS.c.stage == literal_column(f"'{s.code}'"), PROJECTS.c[f"actual_{s.code}_on"])
        for s in MAIN_LINE
    ]
    return case(*whens)


def _published_until() -> Any:
    """The end of the programme's latest published period: a change dated on or before it is inside one."""
    return (
        select(func.max(PUBLISHED.c.period_end))
        .where(PUBLISHED.c.programme_id == PROGRAMMES.c.id)
        .scalar_subquery()
    )


REPLAYED = select(TRANSITIONS.c.id).where(TRANSITIONS.c.request_id == bindparam("request_id"))


def _by_others(figure: Any, *where: Any) -> Any:
    """A figure over the target's other projects (`others`)."""
    others = PROJECTS.alias("others")
    same_target = (others.c.target_id == PROJECTS.c.target_id, others.c.id != PROJECTS.c.id)
    return select(figure(others)).where(*same_target, *(w(others) for w in where)).scalar_subquery()


def _latest_version() -> Any:
    """The report is the latest version of its target and period (an earlier version was replaced)."""
    later = REPORTS.alias("later")
    return REPORTS.c.version == (
        select(func.max(later.c.version))
        .where(later.c.target_id == REPORTS.c.target_id, later.c.period == REPORTS.c.period)
        .scalar_subquery()
    )


def _reported(column: str) -> Any:
    """A figure of the target's latest progress report giving one (of its period's latest version)."""
    return (
        select(REPORTS.c[column])
        .where(
            REPORTS.c.target_id == PROJECTS.c.target_id,
            or_(REPORTS.c.achieved.is_not(None), REPORTS.c.ratio.is_not(None)),
            _latest_version(),
        )
        .order_by(REPORTS.c.as_of.desc(), REPORTS.c.id)
        .limit(1)
        .scalar_subquery()
    )


def _facts_query(by_code: bool) -> Any:
    """Project N.M of a programme (named, or the latest), with item, target, evidence and progress."""
    counted_by_others = _by_others(
        lambda o: func.coalesce(func.sum(o.c.quantity), 0),
        lambda o: counts_sql(o.c.stage, TARGETS.c.counting_stage),
    )
    # asked only when they can matter, so that a project with a quantity pays for neither subquery
    unmeasured = PROJECTS.c.quantity.is_(None)
    measured_by_others = case((unmeasured, _by_others(lambda o: func.count(o.c.quantity))), else_=1)
    may_need_report = or_(unmeasured, TARGETS.c.quantity.is_(None))
    latest = PROGRAMMES.alias("latest")
    programme = (
        func.lower(PROGRAMMES.c.code) == func.lower(bindparam("code"))  # codes are unique in any case
        if by_code
        else PROGRAMMES.c.id
        == select(latest.c.id).order_by(latest.c.year.desc(), latest.c.id.desc()).limit(1).scalar_subquery()
    )
    columns = [PROJECTS.c[name] for name in ("id", "number", "name", "quantity", "stage", "suspended_from")]
    return (
        select(
            *columns,
            PROJECTS.c.version,
            _since().label("since"),
            PROJECTS.c.changed_on.label("last_on"),
            ITEMS.c.id.label("item_id"),
            ITEMS.c.number.label("item_number"),
            ITEMS.c.title.label("item_title"),
            ITEMS.c.leader,
            PROGRAMMES.c.id.label("programme_id"),
            PROGRAMMES.c.code.label("programme_code"),
            PROGRAMMES.c.name.label("programme_name"),
            PROGRAMMES.c.office_email,
            _published_until().label("published_until"),
            TARGETS.c.id.label("target_id"),
            TARGETS.c.name.label("target_name"),
            TARGETS.c.quantity.label("target_quantity"),
            TARGETS.c.unit.label("target_unit"),
            TARGETS.c.counting_stage,
            TARGETS.c.requirements,
            counted_by_others.label("counted_by_others"),
            measured_by_others.label("measured_by_others"),
            case((may_need_report, _reported("achieved"))).label("reported"),
            case((may_need_report, _reported("ratio"))).label("reported_ratio"),
            REPLAYED.scalar_subquery().label("replayed"),
            EVIDENCE.c.kind,
            EVIDENCE.c.doc_no,
            EVIDENCE.c.issued_on,
        )
        .join_from(PROJECTS, ITEMS, PROJECTS.c.item_id == ITEMS.c.id)
        .join(PROGRAMMES, ITEMS.c.programme_id == PROGRAMMES.c.id)
        .join(TARGETS, PROJECTS.c.target_id == TARGETS.c.id)
        .outerjoin(EVIDENCE, EVIDENCE.c.project_id == PROJECTS.c.id)
        .where(programme, ITEMS.c.number == bindparam("item"), PROJECTS.c.number == bindparam("number"))
        .order_by(EVIDENCE.c.issued_on, EVIDENCE.c.id)
    )


_QUERIES = {by_code: _facts_query(by_code) for by_code in (True, False)}
READ = {by_code: PreparedRead(query) for by_code, query in _QUERIES.items()}
LOCKED = {by_code: PreparedRead(query.with_for_update(of=PROJECTS)) for by_code, query in _QUERIES.items()}


class LockedProject(StageCodes):
    """A project row read for one change (locked in the use case), with what its checks need."""

    id: int
    number: int
    name: str
    quantity: Decimal | None
    stage: str
    suspended_from: str | None
    version: int
    since: date | None  # the date it reached its current main-line stage
    last_on: date | None  # the effective date of its latest audit row
    item_id: int
    item_number: int
    item_title: str
    leader: str | None
    programme_id: int
    programme_code: str
    programme_name: str
    office_email: str | None
    published_until: date | None  # the end of its programme's latest published period
    target_id: int
    target_name: str
    target_quantity: Decimal | None
    target_unit: str | None
    counting_stage: str
    requirements: dict[str, list[str]] | None
    counted_by_others: Decimal
    measured_by_others: int  # how many of the target's other projects have a quantity
    reported: Decimal | None  # achieved figure of the target's latest progress report giving a figure
    reported_ratio: Decimal | None  # and its ratio
    replayed: int | None  # the transition already recorded for this request id

    def __init__(self, row: dict[str, Any], evidence: list[EvidenceFact]) -> None:
        self.__dict__.update(row)
        self.evidence = evidence

    def achieved_with(self, stage: Stage) -> Decimal | None:
        """The target's achieved figure (states.counting.target_achieved) once this project is at `stage`."""
        counted = self.quantity is not None and counts(stage, Stage[self.counting_stage])
        own = self.quantity if counted else 0
        measured = bool(self.measured_by_others) or self.quantity is not None
        return target_achieved(Decimal(self.counted_by_others or 0) + own, measured, self.reported)


def lock_project(
    conn: Connection, code: str | None, item: int, number: int, request_id: str | None
) -> LockedProject | None:
    """Project `item.number` of the programme `code` (or the latest one), locked; None when there is none."""
    return _project(conn, LOCKED[bool(code)], code, item, number, request_id)


def read_project(
    conn: Connection, code: str | None, item: int, number: int, request_id: str | None
) -> LockedProject | None:
    """The same facts as `lock_project`, read without a lock (the check before orchestrating)."""
    return _project(conn, READ[bool(code)], code, item, number, request_id)


def _project(
    conn: Connection, query: PreparedRead, code: str | None, item: int, number: int, request_id: str | None
) -> LockedProject | None:
    params = {"item": item, "number": number, "request_id": request_id}
    if code:
        params["code"] = code
    rows = query.rows(conn, params)
    if not rows:
        return None
    facts = [EvidenceFact(r["kind"], r["doc_no"], r["issued_on"]) for r in rows if r["kind"] is not None]
    return LockedProject(rows[0], facts)


LAST = (
    select(TRANSITIONS.c.actor, TRANSITIONS.c.recorded_at)
    .where(TRANSITIONS.c.project_id == bindparam("project_id"))
    .order_by(TRANSITIONS.c.id.desc())
    .limit(1)
)


def is_replay(conn: Connection, request_id: str) -> bool:
    """True when a transition with this request id was already recorded."""
    return conn.execute(REPLAYED, {"request_id": request_id}).first() is not None


def last_change(conn: Connection, project_id: int) -> tuple[str, datetime] | None:
    """Who recorded the project's latest transition, and when."""
    row = conn.execute(LAST, {"project_id": project_id}).first()
    return None if row is None else (row.actor, row.recorded_at)
