"""The door to Prefect for the CLI and the web: imported only where something orchestrates, so the rest starts fast."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from services.stage_change.request import StageChange, to_wire


def _prepare(announce: bool = True) -> Any:
    """Configure Prefect before its first import and reach its server (the local one started once)."""
    from flows import runtime

    runtime.configure()
    return runtime, runtime.connect(announce)


def advance(requests: list[StageChange], today: date, announce: bool = True) -> list[dict[str, Any]]:
    """Run the advance-stage flow for the requests and return one result each."""
    runtime, url = _prepare(announce)
    from flows.stage import advance_stage

    with runtime.short_runs(url):
        return advance_stage(requests, today)


def advance_at_terminal(
    requests: list[StageChange], today: date
) -> tuple[list[dict[str, Any]], Callable[[], None]]:
    """The results of the requests, and what to do once the person has read them.

    The data directory's warm runner runs the flow when it is up with this command's settings (and
    rewrites the touched reports after its answer); otherwise this process runs it, then rewrites the
    reports and starts the runner for the next command.
    """
    job = {"kind": "advance", "requests": [to_wire(r) for r in requests], "today": today.isoformat()}
    answer = _via_runner(job)
    if answer is not None:
        return answer, lambda: None
    results = advance(requests, today)

    def after() -> None:
        regenerate_after(results, announce=False)
        _start_runner()

    return results, after


def regenerate_after(results: list[dict[str, Any]], announce: bool = True) -> list[str]:
    """After the answer: rewrite the one report each applied change touched (its programme, its month)."""
    if not any(r["ok"] for r in results):
        return []
    runtime, url = _prepare(announce)
    from flows.stage import regenerate_touched, touched_reports

    with runtime.short_runs(url):
        return regenerate_touched(touched_reports(results))


def nightly(
    as_of: date | None, programme: str | None, pool: str | None = None, warm: bool = False
) -> list[dict[str, Any]]:
    """Run the nightly flow once, now (fanning out on a work pool when one is given or configured).

    `warm`: a terminal's command, which hands an in-process run to the data directory's runner when it is up.
    """
    if warm and not pool:
        job = {"kind": "nightly", "as_of": as_of.isoformat() if as_of else None, "programme": programme}
        answer = _via_runner(job)
        if answer is not None:
            return answer
    runtime, url = _prepare()
    from flows.nightly import nightly as nightly_flow

    with runtime.short_runs(url):
        summaries = nightly_flow(as_of=as_of, programme=programme, work_pool=pool)
    if warm:
        _start_runner()
    return summaries


def _via_runner(job: dict[str, Any]) -> Any | None:
    """The runner's answer to the job; None when no runner with these settings is up (run it here then)."""
    from flows import local_server, runner_link, runtime
    from models.settings import get_settings

    if not runtime.uses_local_server() or get_settings().work_pool:
        return None
    home = local_server.home_of(get_settings().data_dir)
    record = runner_link.usable(home)
    if record is None:
        return None
    try:
        return runner_link.call(record, job)
    except OSError:  # it went away before answering: nothing was applied by it, run here
        return None


def _start_runner() -> None:
    """Start the data directory's runner for the next commands, unless one is up or Prefect is configured."""
    from flows import local_server, runner_link, runtime
    from models.settings import get_settings

    if not runtime.uses_local_server():
        return
    home = local_server.home_of(get_settings().data_dir)
    if runner_link.usable(home) is None:
        runner_link.start(home)


def deploy(pool: str, schedule: bool) -> tuple[bool, list[str]]:
    """Create the process work pool if missing (True when created) and register the nightly deployments."""
    _prepare(announce=False)
    from flows.deploy import deploy as register
    from flows.deploy import ensure_pool

    return ensure_pool(pool), register(pool, schedule)


def serve() -> None:
    """Serve the deployments until interrupted (heartbeats stay on for crash detection)."""
    _prepare()
    from flows.serve import serve_all

    serve_all()


def warm_up() -> None:
    """Reach the Prefect API once (starting the local server when none is configured) so the first run is quick."""
    try:
        _prepare()
    except Exception as exc:  # the first stage change will report the problem to its user
        print(f"Prefect 服务暂不可用（{type(exc).__name__}）；首次阶段操作时将重试", file=sys.stderr)


def local_server_status(data_dir: Path) -> dict[str, Any]:
    """The data directory's local Prefect server: URL, PID, whether it answers, and whether it is in use."""
    import os

    from flows import local_server, runner_link
    from flows.process import alive

    home = local_server.home_of(data_dir)
    record = local_server.read_record(home)
    runner = runner_link.read_record(home)
    runner_up = bool(runner and alive(runner.pid) and runner_link.is_runner_of(runner.pid, home))
    return {
        "runner_pid": runner.pid if runner and runner_up else None,
        "configured_url": os.environ.get("PREFECT_API_URL") or None,
        "home": str(home),
        "url": record.ui_url if record else None,
        "api_url": record.url if record else None,
        "pid": record.pid if record else None,
        "started": record.started if record else None,
        "up": bool(record and local_server.running(home, record)),
    }


def start_local_server(data_dir: Path) -> tuple[str, int, bool]:
    """Start (or find) the data directory's local server: its UI URL, its PID, True when started now."""
    from flows import local_server

    record, started = local_server.ensure(data_dir)
    _start_runner()
    return record.ui_url, record.pid, started


def stop_local_server(data_dir: Path) -> int | None:
    """Stop the data directory's local Prefect server; the PID stopped, or None when none ran."""
    from flows import local_server

    record = local_server.stop(data_dir)
    return record.pid if record else None
