"""The CLI's door to Prefect: imported only by commands that orchestrate, so the others start fast."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.lifecycle import StageChange


def advance(requests: list[StageChange], today: date) -> list[dict[str, Any]]:
    """Run the advance-stage flow for the requests and return one result each."""
    from flows import runtime

    runtime.configure()
    runtime.announce_local_server()
    from flows.stage import advance_stage

    with runtime.short_runs():
        return advance_stage(requests, today)


def nightly(as_of: date | None, programme: str | None) -> list[dict[str, Any]]:
    """Run the nightly flow once, now."""
    from flows import runtime

    runtime.configure()
    runtime.announce_local_server()
    from flows.nightly import nightly as nightly_flow

    with runtime.short_runs():
        return nightly_flow(as_of=as_of, programme=programme)


def serve() -> None:
    """Serve the deployments until interrupted."""
    from flows import runtime

    runtime.configure()
    from flows.serve import serve_all

    serve_all()
