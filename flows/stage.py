"""The `advance-stage` flow (apply stage changes, deliver their emails) and, after the person has their
answer, `regenerate-touched-reports`.

A change touches one report: its programme's, for the month that contains its effective date.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.context import FlowRunContext
from prefect.runtime import flow_run
from prefect.states import Completed, State

from flows.delivery import deliver_outbox
from flows.naming import applied_run_name, decision_lines, refusal_of, stage_run_name
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


def _run_name() -> str:
    """“推进 2.9 开工→完工 · 张三”: what the run does, from its requests."""
    return stage_run_name(flow_run.parameters["requests"])


@flow(name="advance-stage", flow_run_name=_run_name, log_prints=False)
def advance_stage(requests: list[StageChange], today: date) -> list[dict[str, Any]] | State:
    """Apply one or many stage changes; refusals come back as results in a run named 已拒绝, never a crash.

    Called plainly, it returns the results; with `return_state=True`, a refused run's state is
    `Completed(name="已拒绝")` with every reason as its message, and `state.result()` the results.
    """
    label = requests[0].ref if len(requests) == 1 else f"{len(requests)} requests"
    results = apply_changes(requests, today, label)
    logger = get_run_logger()
    for line in decision_lines(results):
        logger.info(line)
    if len(results) == 1 and results[0]["ok"]:
        _rename(applied_run_name(results[0]))
    if any(r["ok"] for r in results):
        deliver_outbox(reason="stage change")
    refused = refusal_of(results)
    if refused:
        name, message = refused
        return Completed(data=results, name=name, message=message)
    return results


def touched_reports(results: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The (programme code, YYYY-MM period) of each applied change's effective date, once each."""
    return sorted({(r["programme"], r["at"][:7]) for r in results if r["ok"]})


def _reports_run_name() -> str:
    """“重新生成报告 changning-2020 2020-10”: the reports rewritten."""
    touched = flow_run.parameters["touched"]
    return "重新生成报告 " + "、".join(f"{code} {period}" for code, period in touched)


@flow(name="regenerate-touched-reports", flow_run_name=_reports_run_name, log_prints=False)
def regenerate_touched(touched: list[tuple[str, str]]) -> list[str]:
    """Rewrite the reports that applied changes touched, after their people had the answer."""
    paths: list[str] = []
    for code, period in touched:
        paths += regenerate_period(code, period, reason="stage change")
    return paths


def _rename(name: str) -> None:
    """Name the run after what was decided, when the request alone could not tell it (one API call)."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None or context.flow_run.name == name:
        return
    context.client.set_flow_run_name(flow_run_id=context.flow_run.id, name=name)
    context.flow_run.name = name
