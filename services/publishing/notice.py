"""The warning for a change dated inside a published period: recorded, but the published report stays as it was."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from models import PublishedReport
from services.refs import resolve_programme

PUBLISHED = PublishedReport.__table__

COVERING = (
    select(PUBLISHED.c.period)
    .where(PUBLISHED.c.programme_id == bindparam("programme_id"), PUBLISHED.c.period_end >= bindparam("day"))
    .group_by(PUBLISHED.c.period)
    .order_by(PUBLISHED.c.period)
)


def published_notice(conn: Connection, programme_id: int, day: date) -> str | None:
    """“注意：2020-09 已发布，已发布的报告不受影响” when a published period's report covers `day`; else None.

    A period's report is cumulative (1-N 月) and built as of its end, so every published period ending on
    or after the day would have shown the change.
    """
    periods = list(conn.execute(COVERING, {"programme_id": programme_id, "day": day}).scalars())
    return notice_text(periods) if periods else None


def notice_for(session: Session, code: str | None, day: date) -> str | None:
    """The same warning for a programme named by its code (or the latest one): progress reports, judgements."""
    return published_notice(session.connection(), resolve_programme(session, code).id, day)


def notice_text(periods: list[str]) -> str:
    """The warning for these published periods."""
    return f"注意：{'、'.join(periods)} 已发布，已发布的报告不受影响（变更已记录，反映在以后各期的报告中）"
