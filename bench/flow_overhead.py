"""Prefect overhead of one `advance-stage` run in a warm process: Prefect's defaults beside Shishi's settings.

Each mode runs in its own process with its own local Prefect server and a fresh SQLite database holding
the example programme. Every run applies one real request (suspend or resume of one project,
alternating); the use case called without Prefect is the baseline.
Run: `.venv/bin/python bench/flow_overhead.py [runs]`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from services.unit_of_work import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2020, 10, 20)


def _requests(n: int) -> list:
    from services.stage_change.request import StageChange

    event = "suspend" if n % 2 else "resume"
    return [
        StageChange(ref="2.10", event=event, actor="bench", reason="基准测试", request_id=uuid.uuid4().hex)
    ]


def _times(run: object, runs: int, offset: int) -> list[float]:
    times = []
    for n in range(runs):
        start = time.perf_counter()
        results = run(_requests(offset + n), TODAY)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
        assert results[0]["ok"], results
    return times


def child(mode: str, runs: int) -> None:
    """Measure one mode in this process and print its figures as JSON."""
    os.environ["SHISHI_DATA_DIR"] = tempfile.mkdtemp(prefix="shishi-bench-")
    os.environ.pop("SHISHI_DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    from flows import runtime

    if mode == "tuned":
        runtime.configure()
    else:  # Prefect's own defaults, only kept quiet
        os.environ["PREFECT_HOME"] = os.path.join(os.environ["SHISHI_DATA_DIR"], "prefect")
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
        os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    from flows.stage import advance_stage
    from models.migrate import upgrade
    from services.loading.apply import load_programme
    from services.loading.reader import read_programme_file
    from services.stage_change.outcomes import apply_requests

    db = runtime.database()
    upgrade(db)
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(ROOT / "examples/changning-2020.yaml", TODAY), "bench", TODAY)
    advance_stage(_requests(1), TODAY)  # start the local server, warm up
    plain = _times(lambda reqs, day: apply_requests(db, reqs, day), runs, 2)
    if mode == "tuned":
        with runtime.short_runs():
            flow = _times(advance_stage, runs, 2 + runs)
    else:
        flow = _times(advance_stage, runs, 2 + runs)
    print(
        json.dumps(
            {
                "plain": statistics.median(plain),
                "median": statistics.median(flow),
                "max": max(flow),
                "slow": sum(t > 1.5 for t in flow),
            }
        )
    )


def main() -> None:
    """Run both modes in child processes and print them side by side."""
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    rows = {}
    for mode in ("default", "tuned"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode, str(runs)], capture_output=True, text=True, check=True
        ).stdout
        rows[mode] = json.loads(out.strip().splitlines()[-1])
    print(f"advance-stage, one request, {runs} warm runs per mode, local Prefect server on SQLite")
    print(
        f"{'':26}{'use case s':>11}{'flow median s':>15}{'overhead s':>12}{'flow max s':>12}{'runs > 1.5 s':>14}"
    )
    for mode, label in (("default", "Prefect defaults"), ("tuned", "Shishi settings")):
        r = rows[mode]
        print(
            f"{label:26}{r['plain']:11.3f}{r['median']:15.3f}{r['median'] - r['plain']:12.3f}"
            f"{r['max']:12.3f}{r['slow']:14d}"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
    else:
        main()
