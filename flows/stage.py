"""The `advance-stage` flow: apply stage changes, then deliver notifications and regenerate the reports touched.

A change touches one report: its programme's, for the month that contains its effective date.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from prefect import flow, task

from flows.delivery import deliver_outbox
from flows.reports import regenerate_period
from flows.runtime import database
from models.settings import get_settings
from services.stage_change.outcomes import apply_requests
from services.stage_change.request import StageChange


@task(
    name="apply-stage-changes",
    task_run_name="apply {label}",
    retries=2,
    retry_delay_seconds=[1, 5],
    cache_policy=None,
)
def apply_changes(requests: list[StageChange], today: date, label: str) -> list[dict[str, Any]]:
    """Each request in its own transaction; retried requests are replayed by their request id."""
    base_url = get_settings().base_url
    requests = [replace(r, base_url=r.base_url or base_url) for r in requests]
    return apply_requests(database(), requests, today)


@flow(name="advance-stage", log_prints=False)
def advance_stage(requests: list[StageChange], today: date) -> list[dict[str, Any]]:
    """Apply one or many stage changes; refusals come back as results, never as a crashed run."""
    label = requests[0].ref if len(requests) == 1 else f"{len(requests)} requests"
    results = apply_changes(requests, today, label)
    if any(r["ok"] for r in results):
        deliver_outbox(reason="stage change")
        for code, period in touched_reports(results):
            regenerate_period(code, period, reason="stage change")
    return results


def touched_reports(results: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The (programme code, YYYY-MM period) of each applied change's effective date, once each."""
    return sorted({(r["programme"], r["at"][:7]) for r in results if r["ok"]})
