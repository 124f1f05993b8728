"""The door to Prefect for the CLI and the web: imported only where something orchestrates, so the rest starts fast."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from services.stage_change.request import StageChange


def _prepare(announce: bool = True) -> Any:
    """Configure Prefect before its first import; return the runtime module."""
    from flows import runtime

    runtime.configure()
    if announce:
        runtime.announce_local_server()
    return runtime


def advance(requests: list[StageChange], today: date, announce: bool = True) -> list[dict[str, Any]]:
    """Run the advance-stage flow for the requests and return one result each."""
    runtime = _prepare(announce)
    from flows.stage import advance_stage

    with runtime.short_runs():
        return advance_stage(requests, today)


def nightly(as_of: date | None, programme: str | None, pool: str | None = None) -> list[dict[str, Any]]:
    """Run the nightly flow once, now (fanning out on a work pool when one is given or configured)."""
    runtime = _prepare()
    from flows.nightly import nightly as nightly_flow

    with runtime.short_runs():
        return nightly_flow(as_of=as_of, programme=programme, work_pool=pool)


def deploy(pool: str, schedule: bool) -> tuple[bool, list[str]]:
    """Create the process work pool if missing (True when created) and register the nightly deployments."""
    _prepare(announce=False)
    from flows.deploy import deploy as register
    from flows.deploy import ensure_pool

    return ensure_pool(pool), register(pool, schedule)


def serve() -> None:
    """Serve the deployments until interrupted (heartbeats stay on for crash detection)."""
    _prepare(announce=False)
    from flows.serve import serve_all

    serve_all()


def warm_up() -> None:
    """Reach the Prefect API once (starting the local server when none is configured) so the first run is quick."""
    _prepare(announce=False)
    from prefect.client.orchestration import get_client

    try:
        with get_client(sync_client=True) as client:
            client.api_healthcheck()
    except Exception as exc:  # the first stage change will report the problem to its user
        print(f"Prefect 服务暂不可用（{type(exc).__name__}）；首次阶段操作时将重试", file=sys.stderr)


def stop_local_server() -> None:
    """Stop the local Prefect server this process started, if any (a long-lived `shishi web` on exit)."""
    if "prefect.server.api.server" not in sys.modules:
        return
    from prefect.server.api.server import SubprocessASGIServer

    SubprocessASGIServer().stop()
