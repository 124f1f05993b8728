"""The web admin under load (`shishi web`, a real uvicorn process on loopback) beside a bare FastAPI baseline.

A fresh database (SQLite, or PostgreSQL created on SHISHI_BENCH_PG_URL and dropped at the end) gets the example
programme, its schedule health and three logins. Then, for each reader count (default 20, then 50): a warm-up,
then the baseline (bench/web_baseline.py: the same templates and JSON rendered from memory) under the readers
alone and `shishi web` under the readers and two writers, in alternating slices (the machine's speed drifts)
for a bounded time each. Readers cycle through the
dashboard, item pages, project pages and API reads (programme, item, project) as the administrator (pages with
the session cookie, the API with HTTP Basic); one writer posts progress reports, the other evidence, as the
department user of item 2. Prints requests per second and p50/p95/p99 per kind, the errors (5xx,
"database is locked", refused connections) and the web process's memory, and checks the goals of issue 16.
Run: `.venv/bin/python bench/web_load.py [--db sqlite|postgres] [--seconds 25] [--readers 20 50]`.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from benchdb import db_argument, fresh_database, server_version
from loadgen import Phase, Result, Site, login_cookies, read_every_page, run_phase, warm_logins
from website import ADMIN, CODE, WRITER, prepare

BENCH = Path(__file__).resolve().parent
READY_SECONDS = 90


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def shishi_command() -> list[str]:
    """The `shishi` entry point beside this Python (the installed console script)."""
    script = Path(sys.executable).parent / "shishi"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from admin.cli.app import main; main()"]


@contextmanager
def served(name: str, args: list[str], env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """A server process on the port, ready to answer; stopped (and waited for) on exit."""
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(name, proc, log, port)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_ready(name: str, proc: subprocess.Popen[bytes], log: IO[bytes], port: int) -> None:
    """Poll the starting server's login page until it answers; its output when it died instead."""
    deadline = time.monotonic() + READY_SECONDS
    while True:
        if proc.poll() is not None:
            log.seek(0)
            raise SystemExit(f"{name} exited ({proc.returncode}):\n{log.read().decode(errors='replace')}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{name} did not answer within {READY_SECONDS} s")
        time.sleep(0.2)  # polling a starting server, not synchronising work


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (the worker processes), MiB (Linux /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = next((int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS:")), 0.0)
    return own + sum(rss_mib(int(child)) for child in children)


def child_env(url: str, data_dir: str) -> dict[str, str]:
    """The servers' environment: this database, a private data folder, no Prefect server to compete for CPU."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHISHI_", "PREFECT_"))}
    env.update(
        SHISHI_DATABASE_URL=url,
        SHISHI_DATA_DIR=data_dir,
        SHISHI_SECRET_KEY=secrets.token_urlsafe(32),
        # the writers record progress and evidence, which do not orchestrate; `shishi web` would otherwise
        # start a local Prefect server beside it (see bench/README.md)
        PREFECT_API_URL=f"http://127.0.0.1:{free_port()}/api",
        PYTHONPATH=os.pathsep.join(filter(None, [str(BENCH.parent), os.environ.get("PYTHONPATH", "")])),
    )
    return env


def main() -> None:
    """Prepare the database, start both servers, run the phases, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=25.0, help="measured seconds per phase, default 25")
    parser.add_argument(
        "--warm-up", type=float, default=3.0, help="unmeasured seconds before each, default 3"
    )
    parser.add_argument("--readers", type=int, nargs="+", default=[20, 50], help="default: 20 50")
    parser.add_argument(
        "--slice", type=float, default=5.0, help="seconds of each alternating slice, default 5"
    )
    parser.add_argument("--write-rate", type=float, default=5.0, help="requests/s per writer; 0: no pause")
    parser.add_argument("--workers", type=int, default=None, help="shishi web --workers (default: its own)")
    db_argument(parser)
    args = parser.parse_args()
    with fresh_database(args.db, "web") as db:
        found = prepare(db)
        version = server_version(db)
        url = db.engine.url.render_as_string(hide_password=False)
        db.dispose()
        env = child_env(url, tempfile.mkdtemp(prefix="shishi-web-"))
        web_port, base_port = free_port(), free_port()
        web_cmd = [*shishi_command(), "web", "--port", str(web_port)]
        web_cmd += ["--workers", str(args.workers)] if args.workers else []
        base_cmd = [sys.executable, str(BENCH / "web_baseline.py"), "--port", str(base_port)]
        with (
            served("shishi web", web_cmd, env, web_port) as web,
            served("baseline", base_cmd, env, base_port),
        ):
            web_url, base_url = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{base_port}"
            site = Site(CODE, found, login_cookies(web_url, ADMIN), ADMIN, WRITER, args.write_rate)
            warm_logins(site, web_url)
            print(
                f"web load on {version}: the example ({len(found.items)} items, {len(found.projects)} projects),"
            )
            print(
                f"{args.seconds:.0f} s per phase after every page read once on 8 connections and "
                f"{args.warm_up:.0f} s of warm-up; loopback, this machine"
            )
            print(f"shishi web --workers {args.workers or 'default'}; load average {os.getloadavg()}")
            memory = [("started", rss_mib(web.pid))]
            for readers in args.readers:
                base, real = Phase(base_url, readers, 0), Phase(web_url, readers, 2)
                if readers == args.readers[0]:
                    read_every_page(site, base_url)
                    read_every_page(site, web_url)
                run_phase(site, base, args.warm_up)
                run_phase(site, real, args.warm_up)
                base_result, real_result = Result(0.0), Result(0.0)
                slices = max(1, round(args.seconds / args.slice))
                for _ in range(slices):  # alternate, so both see the same machine
                    run_phase(site, base, args.seconds / slices, base_result)
                    run_phase(site, real, args.seconds / slices, real_result)
                memory.append((f"after {readers} readers", rss_mib(web.pid)))
                real_result.print_beside(base_result, readers)
            print(
                "memory of the shishi web process (RSS): " + ", ".join(f"{w} {m:.0f} MiB" for w, m in memory)
            )


if __name__ == "__main__":
    main()
