"""Fan-out on a work pool: one `nightly-programme` deployment run per programme, submitted, then awaited."""

from __future__ import annotations

import time
from datetime import date
from typing import Any
from uuid import UUID

from prefect import get_client, get_run_logger
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment

from flows.runtime import database
from services.health.stored import stored_summaries

POLL_SECONDS = 2.0


def programme_deployment(pool: str) -> str:
    """The name of the per-programme deployment registered on a pool by `shishi deploy`."""
    return f"nightly-programme/{pool}"


class NightlyFailed(RuntimeError):
    """Some programmes were not recomputed; the message lists each with its final state."""

    def __init__(self, day: date, failed: dict[str, str]) -> None:
        self.failed = failed
        listed = "、".join(f"{code}（{state}）" for code, state in failed.items())
        super().__init__(f"夜间重算未完成（{day}）：{len(failed)} 个计划的运行未成功结束：{listed}")


def run_on_pool(pool: str, codes: list[str], day: date, wait_seconds: float) -> list[dict[str, Any]]:
    """Submit every programme's run to the pool's workers, wait for all, fail if any did not complete."""
    if not codes:
        return []
    name = programme_deployment(pool)
    submitted = {
        code: run_deployment(
            name,
            parameters={"code": code, "as_of": day},
            flow_run_name=f"{code} {day}",
            timeout=0,
            as_subflow=True,
        ).id
        for code in codes
    }
    get_run_logger().info("submitted %s programme runs to work pool %s", len(submitted), pool)
    runs = wait_for_runs(list(submitted.values()), wait_seconds)
    failed = {code: _unfinished(runs.get(run_id)) for code, run_id in submitted.items()}
    failed = {code: state for code, state in failed.items() if state}
    if failed:
        raise NightlyFailed(day, failed)
    with database().read() as session:
        return stored_summaries(session, codes, day)


def _unfinished(run: FlowRun | None) -> str | None:
    """None for a completed run, else its state (or why there is none)."""
    if run is None or run.state is None:
        return "未找到"
    return None if run.state.is_completed() else run.state.type.value


def wait_for_runs(ids: list[UUID], wait_seconds: float) -> dict[UUID, FlowRun]:
    """Poll the API until every run is final or the wait is over; returns the runs as last read."""
    deadline = time.monotonic() + wait_seconds
    with get_client(sync_client=True) as client:
        while True:
            runs = {
                run.id: run
                for run in client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)), limit=len(ids)
                )
            }
            done = all(run.state and run.state.is_final() for run in runs.values())
            if (done and len(runs) == len(ids)) or time.monotonic() > deadline:
                return runs
            time.sleep(POLL_SECONDS)
