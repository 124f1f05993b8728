"""The warm runner: one process per data directory that imported Prefect once and runs the terminal's flows.

Started in the background by the first orchestrating command (`flows.runner_link`), it listens on a
loopback port for one-line JSON jobs carrying its token, runs each job's flow against the data
directory's local Prefect server, and answers with the flow's result. The reports a stage change
touched are rewritten after the answer, one job at a time, on a thread of their own. It ends when
told (SIGTERM) or when the local Prefect server it serves is gone.
Run: `python -m flows.runner PREFECT_HOME` (never by hand: `shishi` starts and stops it).
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import signal
import socketserver
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flows import local_server, runner_link, runtime
from services.errors import ServiceError

WATCH_SECONDS = 2.0
LOCK = "runner.lock"  # held for the runner's whole life
PARALLEL_JOBS = 4


class Runner:
    """The jobs a runner knows, and the queue of reports to rewrite after the answers."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url
        self.reports: queue.Queue[list[tuple[str, str]]] = queue.Queue()
        self.slots = threading.BoundedSemaphore(PARALLEL_JOBS)
        self.done = 0
        self._counting = threading.Lock()

    def run(self, job: dict[str, Any]) -> Any:
        """The answer to one job."""
        kind = job.get("kind")
        if kind == "drain":  # wait until every report queued so far is written
            self.reports.join()
            return {"jobs": self.done}
        if kind == "status":
            return {"jobs": self.done, "reports_pending": self.reports.unfinished_tasks}
        try:
            with self.slots, runtime.short_runs(self.api_url):
                return self._flow(kind, job)
        finally:
            with self._counting:
                self.done += 1  # every job that reached a flow, answered or failed

    def _flow(self, kind: Any, job: dict[str, Any]) -> Any:
        from services.stage_change.request import from_wire

        if kind == "advance":
            from flows.stage import advance_stage, touched_reports

            results = advance_stage([from_wire(r) for r in job["requests"]], date.fromisoformat(job["today"]))
            touched = touched_reports(results)
            if touched:
                self.reports.put(touched)
            return results
        if kind == "nightly":
            from flows.nightly import nightly

            as_of = date.fromisoformat(job["as_of"]) if job.get("as_of") else None
            return nightly(as_of=as_of, programme=job.get("programme"))
        raise ValueError(f"unknown job {kind!r}")

    def write_reports(self) -> None:
        """Rewrite the touched reports, one job after another, forever (a daemon thread)."""
        from flows.stage import regenerate_touched

        while True:
            touched = self.reports.get()
            try:
                with runtime.short_runs(self.api_url):
                    regenerate_touched(touched)
            except Exception as exc:  # the run is recorded as failed in Prefect; the runner goes on
                print(f"{datetime.now().isoformat(timespec='seconds')} 报告重写失败：{exc!r}", flush=True)
            finally:
                self.reports.task_done()


def _handler(runner: Runner, token: str) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            try:
                job = json.loads(self.rfile.readline())
            except ValueError:
                return
            if not isinstance(job, dict) or job.get("token") != token:
                return
            self.wfile.write(
                json.dumps(_answer(runner, job), ensure_ascii=False, default=str).encode() + b"\n"
            )

    return Handler


def _answer(runner: Runner, job: dict[str, Any]) -> dict[str, Any]:
    try:
        return {"result": runner.run(job)}
    except ServiceError as exc:
        return {"error": _error(exc) | {"exit_code": exc.exit_code, "fields": list(exc.fields)}}
    except Exception as exc:
        return {"error": _error(exc)}


def _error(exc: Exception) -> dict[str, Any]:
    return {
        "type": type(exc).__name__,
        "message": getattr(exc, "summary", str(exc)),
        "reasons": list(getattr(exc, "reasons", [])),
    }


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def _watch(home: Path, server: _Server) -> None:
    """End the runner when the local Prefect server it serves is gone."""
    while True:
        time.sleep(WATCH_SECONDS)
        if local_server.running(home) is None:
            server.shutdown()
            return


def main(home: Path) -> None:
    """Import the flows once, listen, record the port and token, serve until stopped; one runner per home."""
    with (home / LOCK).open("a+b") as held:
        try:
            fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # another runner serves this data directory
        _serve(home)


def _serve(home: Path) -> None:
    server_record = local_server.running(home)
    if server_record is None:
        return  # never start a server: the runner only serves one that runs
    os.environ.update(PREFECT_API_URL=server_record.url, SHISHI_LOCAL_PREFECT="1")
    runtime.configure()
    api_url = server_record.url
    import flows.nightly  # warm: what the first job would otherwise wait for
    import flows.stage  # noqa: F401

    runner = Runner(api_url)
    token = runner_link.new_token()
    server = _Server(("127.0.0.1", 0), _handler(runner, token))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    threading.Thread(target=runner.write_reports, daemon=True, name="reports").start()
    threading.Thread(target=_watch, args=(home, server), daemon=True, name="watch").start()
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    record = runner_link.RunnerRecord(
        pid=os.getpid(),
        port=server.server_address[1],
        token=token,
        fingerprint=runner_link.fingerprint(),
        started=started,
    )
    runner_link.write_record(home, record)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
        if runner_link.read_record(home) == record:
            (home / runner_link.RECORD).unlink(missing_ok=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
