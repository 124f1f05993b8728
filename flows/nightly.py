"""The `nightly` flow: one `nightly-programme` subflow per programme, then deliver and report once."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from prefect import flow, task
from prefect.runtime import flow_run

from flows.delivery import deliver_outbox
from flows.fanout import NightlyFailed, run_on_pool
from flows.naming import nightly_run_name
from flows.reports import regenerate
from flows.runtime import database
from models.settings import get_settings
from services.health.recompute import recompute
from services.refs import programme_codes_of_year, resolve_programme
from services.supervision.nightly import check_programme_notices
from services.unit_of_work import UnitOfWork

WAIT_SECONDS = 6 * 3600


def active_programmes(as_of: date, code: str | None = None) -> list[str]:
    """Codes of the programmes of the year of `as_of` (or just the one named)."""
    with database().read() as session:
        return programme_codes_of_year(session, as_of.year, code)


@task(
    name="recompute-health",
    task_run_name="recompute {code} on {as_of}",
    retries=2,
    retry_delay_seconds=[5, 30],
    cache_policy=None,
)
def recompute_programme(code: str, as_of: date) -> dict[str, Any]:
    """One programme, set-based, one transaction."""
    with UnitOfWork(database()) as uow:
        return asdict(recompute(uow, resolve_programme(uow.session, code), as_of))


@task(
    name="check-notices",
    task_run_name="check notices of {code} on {as_of}",
    retries=2,
    retry_delay_seconds=[5, 30],
    cache_policy=None,
)
def check_notices(code: str, as_of: date) -> dict[str, Any]:
    """Mark the programme's open 督办单 due soon or overdue, set-based, one transaction."""
    with UnitOfWork(database()) as uow:
        return asdict(check_programme_notices(uow, code, as_of))


@flow(name="nightly-programme", flow_run_name="夜间重算 {code} {as_of}")
def nightly_programme(code: str, as_of: date) -> dict[str, Any]:
    """Recompute 序时进度 of one programme on one date, in one transaction; then check its notices' deadlines."""
    summary = recompute_programme(code, as_of)
    return {**summary, "notices": check_notices(code, as_of)}


def run_in_process(codes: list[str], day: date) -> list[dict[str, Any]]:
    """Each programme as a subflow of this run, one after the other; fails after all were tried."""
    states = {code: nightly_programme(code, day, return_state=True) for code in codes}
    failed = {code: state.type.value for code, state in states.items() if not state.is_completed()}
    if failed:
        raise NightlyFailed(day, failed)
    return [state.result() for state in states.values()]


def _run_name() -> str:
    """“夜间重算 2020-09-30”, or “夜间重算 changning-2020 2020-09-30” for one programme."""
    params = flow_run.parameters
    return nightly_run_name(params.get("as_of") or get_settings().today(), params.get("programme"))


@flow(name="nightly", flow_run_name=_run_name)
def nightly(
    as_of: date | None = None,
    programme: str | None = None,
    work_pool: str | None = None,
    wait_seconds: float = WAIT_SECONDS,
) -> list[dict[str, Any]]:
    """Recompute 序时进度 for every active programme on a date (default today), on a work pool if set."""
    settings = get_settings()
    day = as_of or settings.today()
    codes = active_programmes(day, programme)
    pool = work_pool or settings.work_pool
    summaries = run_on_pool(pool, codes, day, wait_seconds) if pool else run_in_process(codes, day)
    deliver_outbox(reason="nightly")
    regenerate(reason="nightly", as_of=day)
    return summaries
