"""The progress reports in force on a day: per item (or target) and period, the latest version dated on or
before it. The same rule as a Python filter over loaded reports and as SQL (tests/integration/test_progress_versions.py
checks that they agree)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Subquery, and_, func, select

from models import ProgressReport


def in_force(reports: Iterable[ProgressReport], day: date) -> list[ProgressReport]:
    """The reports in force on `day` among `reports` (already loaded), in date order."""
    latest: dict[tuple[int, int | None, str], ProgressReport] = {}
    for r in reports:
        key = (r.item_id, r.target_id, r.period)
        if r.as_of <= day and (key not in latest or r.version > latest[key].version):
            latest[key] = r
    return sorted(latest.values(), key=lambda r: (r.as_of, r.period, r.id))


def in_force_sql(day: Any) -> Subquery:
    """The same as a subquery: every column of the reports in force on `day` (a value or a bound parameter)."""
    scope = func.coalesce(ProgressReport.target_id, 0)
    latest = (
        select(
            ProgressReport.item_id,
            scope.label("scope"),
            ProgressReport.period,
            func.max(ProgressReport.version).label("version"),
        )
        .where(ProgressReport.as_of <= day)
        .group_by(ProgressReport.item_id, scope, ProgressReport.period)
        .subquery("latest_version")
    )
    return (
        select(ProgressReport)
        .join(
            latest,
            and_(
                latest.c.item_id == ProgressReport.item_id,
                latest.c.scope == scope,
                latest.c.period == ProgressReport.period,
                latest.c.version == ProgressReport.version,
            ),
        )
        .subquery("in_force")
    )
