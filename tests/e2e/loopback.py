"""A real Prefect server and process workers on loopback, as subprocesses, stopped in teardown."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from tests.helpers import wait_for

BIN = Path(sys.executable).parent


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Loopback:
    """Owns every process it starts; `stop` ends them, and anything that inherited this API URL."""

    home: Path
    port: int = field(default_factory=free_port)
    processes: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def env(self, **extra: str) -> dict[str, str]:
        """A clean environment for a child: no inherited PREFECT_/SHISHI_ settings, this server's URL."""
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SHISHI_"))}
        base.update(
            DO_NOT_TRACK="1",
            PREFECT_SERVER_ANALYTICS_ENABLED="false",
            PREFECT_API_URL=self.api_url,
            PREFECT_WORKER_QUERY_SECONDS="1",
        )
        return base | extra

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        """Start a child in its own session, its output in HOME/NAME.log."""
        log = (self.home / f"{name}.log").open("wb")
        proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append((name, proc, log))
        return proc

    def start_server(self, database_url: str | None = None) -> None:
        """`prefect server start` on 127.0.0.1 with its own PREFECT_HOME, on SQLite or the database given."""
        home = self.home / "server"
        home.mkdir(parents=True, exist_ok=True)
        env = self.env(PREFECT_HOME=str(home), PREFECT_SERVER_UI_ENABLED="false")
        env.pop("PREFECT_API_URL")
        if database_url:
            env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url
        args = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(self.port)]
        self.start("server", args, env)

    def wait_for_server(self, timeout: float = 120) -> None:
        """Poll the API's health endpoint until it answers."""
        wait_for("the Prefect server", self._healthy, timeout)

    def _healthy(self) -> bool:
        proc = next(p for name, p, _ in self.processes if name == "server")
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited ({proc.returncode}):\n{self.log('server')}")
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def start_worker(self, pool: str, name: str, env: dict[str, str], limit: int) -> None:
        """`prefect worker start --pool POOL --type process --name NAME --limit N`."""
        args = [str(BIN / "prefect"), "worker", "start", "--pool", pool, "--type", "process"]
        self.start(f"worker-{name}", [*args, "--name", name, "--limit", str(limit)], env)

    def log(self, name: str) -> str:
        """The tail of a child's log."""
        path = self.home / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        """Stop the workers, the flow processes they started, then the server."""
        for name, proc, log in reversed(self.processes):
            if name != "server":
                _end(proc)
            log.close()
        _end_inheritors(f"PREFECT_API_URL={self.api_url}")
        for name, proc, _ in self.processes:
            if name == "server":
                _end(proc)
        self.processes.clear()


def _end(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the child's session, SIGKILL if it is still there after 20 s."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)


def _end_inheritors(marker: str) -> None:
    """Kill what is left with `marker` in its environment (flow runs start in sessions of their own)."""
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        return
    needle = marker.encode() + b"\0"
    for entry in proc_dir.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
        except OSError:
            continue
