"""The `nightly` flow: recompute schedule health for every active programme, then deliver and report."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from prefect import flow, task
from sqlalchemy import select

from flows.delivery import deliver_outbox
from flows.reports import regenerate
from flows.runtime import database
from models import Programme
from models.settings import get_settings
from services.health import recompute
from services.refs import resolve_programme


def active_programmes(as_of: date, code: str | None = None) -> list[str]:
    """Codes of the programmes of the year of `as_of` (or just the one named)."""
    with database().read() as session:
        if code:
            return [resolve_programme(session, code).code]
        return list(
            session.scalars(
                select(Programme.code).where(Programme.year == as_of.year).order_by(Programme.code)
            )
        )


@task(
    name="recompute-health",
    task_run_name="recompute {code} on {as_of}",
    retries=2,
    retry_delay_seconds=[5, 30],
    cache_policy=None,
)
def recompute_programme(code: str, as_of: date) -> dict[str, Any]:
    """One programme, set-based, one transaction."""
    with database().write() as session:
        return asdict(recompute(session, resolve_programme(session, code), as_of))


@flow(name="nightly")
def nightly(as_of: date | None = None, programme: str | None = None) -> list[dict[str, Any]]:
    """Recompute 序时进度 for every active programme on a date (default today)."""
    day = as_of or get_settings().today()
    summaries = [recompute_programme(code, day) for code in active_programmes(day, programme)]
    deliver_outbox(reason="nightly")
    regenerate(reason="nightly", as_of=day)
    return summaries
