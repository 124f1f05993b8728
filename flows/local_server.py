"""One local Prefect server per data directory: started once in the background, recorded, reused.

No Prefect import here: the server runs in its own process, reached over HTTP, so `shishi prefect
status` stays as quick as any reading command. Eight commands pressed at once start one server: the
start happens under a file lock, and whoever comes later reads the record and checks it answers.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from flows import prefect_template, runner_link
from flows.process import alive, end, is_server_of

START_TIMEOUT = float(os.environ.get("SHISHI_PREFECT_START_TIMEOUT", "120"))
RECORD = "server.json"
LOCK = "server.lock"
LOG = "server.log"
APP = "prefect.server.api.server:create_app"

# The local server keeps its runs in SQLite: batch the recorders' writes so that they rarely collide
# with the API's own writes ('database is locked' makes the client wait 2 s before it retries).
SERVER_TUNING = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "2",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL": "5",
}

_THREADS = threading.Lock()  # `shishi web` may orchestrate from several threads
_CHILDREN: list[subprocess.Popen[bytes]] = []  # kept so that no child is reaped or warned about early


class ServerNotStarted(RuntimeError):
    """The local Prefect server did not answer in time; its log says why."""


@dataclass(frozen=True)
class ServerRecord:
    """What the data directory remembers of its local server."""

    url: str
    pid: int
    port: int
    started: str

    @property
    def ui_url(self) -> str:
        """The address of the Prefect UI."""
        return self.url.removesuffix("/api")


def home_of(data_dir: Path) -> Path:
    """The server's PREFECT_HOME (its runs, its record, its log) inside the data directory."""
    return (data_dir / "prefect").resolve()


def read_record(home: Path) -> ServerRecord | None:
    """The recorded server, or None when there is no readable record."""
    try:
        data = json.loads((home / RECORD).read_text(encoding="utf-8"))
        return ServerRecord(str(data["url"]), int(data["pid"]), int(data["port"]), str(data["started"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def answers(url: str, timeout: float = 2.0) -> bool:
    """True when the Prefect API at `url` answers its health check."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def running(home: Path, record: ServerRecord | None = None) -> ServerRecord | None:
    """The recorded server when its process is ours and alive and its API answers."""
    record = record or read_record(home)
    if record and alive(record.pid) and is_server_of(record.pid, home) and answers(record.url):
        return record
    return None


def ensure(data_dir: Path) -> tuple[ServerRecord, bool]:
    """The data directory's server, started when none answers; True when this call started it."""
    home = home_of(data_dir)
    found = running(home)
    if found:
        return found, False
    home.mkdir(parents=True, exist_ok=True)
    with _THREADS, _locked(home):
        record = read_record(home)
        if record and alive(record.pid) and is_server_of(record.pid, home):
            if _wait_until_answering(record, None):
                return record, False
            _end(record.pid)
        return _start(home, _port(record)), True


def stop(data_dir: Path) -> ServerRecord | None:
    """Stop the data directory's server; the record of what was stopped, or None when none ran."""
    home = home_of(data_dir)
    if not home.is_dir():
        return None
    runner_link.stop(home)  # the runner serves this server: it goes first
    with _THREADS, _locked(home):
        record = read_record(home)
        (home / RECORD).unlink(missing_ok=True)
        if record and alive(record.pid) and is_server_of(record.pid, home):
            _end(record.pid)
            return record
    return None


@contextmanager
def _locked(home: Path) -> Iterator[None]:
    """Hold the data directory's server lock (released too when the process dies)."""
    with (home / LOCK).open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _port(previous: ServerRecord | None) -> int:
    """The previous server's port when it is free (long-lived processes keep their URL), else a free one."""
    for wanted in ([previous.port] if previous else []) + [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", wanted))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("no free loopback port")


def _start(home: Path, port: int) -> ServerRecord:
    """Start the server detached from this process, record it, and wait until it answers."""
    url = f"http://127.0.0.1:{port}/api"
    args = [sys.executable, "-m", "uvicorn", "--factory", APP, "--host", "127.0.0.1", "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(SERVER_TUNING, PREFECT_HOME=str(home), PREFECT__SERVER_FINAL="1")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    seeded = prefect_template.seed(home)  # a fresh home starts from the migrated empty database
    with (home / LOG).open("ab") as log:
        child = subprocess.Popen(
            [*args, "--log-level", "warning"],
            cwd=home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl+C in the terminal that started it does not stop it
        )
    _CHILDREN.append(child)
    record = ServerRecord(url, child.pid, port, datetime.now().astimezone().isoformat(timespec="seconds"))
    _write_record(home, record)
    if not _wait_until_answering(record, child):
        _end(child.pid)
        (home / RECORD).unlink(missing_ok=True)
        raise ServerNotStarted(f"本地 Prefect 服务 {START_TIMEOUT:.0f} 秒内未就绪，详见 {home / LOG}")
    if not seeded:
        prefect_template.keep(home)  # before any run: the next fresh data directory starts from it
    return record


def _write_record(home: Path, record: ServerRecord) -> None:
    """Replace the record in one step, so that a reader never sees half of it."""
    partial = home / f"{RECORD}.{os.getpid()}"
    partial.write_text(json.dumps(asdict(record), ensure_ascii=False), encoding="utf-8")
    partial.replace(home / RECORD)


def _wait_until_answering(record: ServerRecord, child: subprocess.Popen[bytes] | None) -> bool:
    """Poll the health endpoint until it answers, the process dies or the start timeout passes."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if answers(record.url):
            return True
        if (child.poll() is not None) if child else not alive(record.pid):
            return False
        time.sleep(0.2)
    return False


def _end(pid: int) -> None:
    """End the server (`flows.process.end`), and reap it when this process started it."""
    end(pid)
    for child in [c for c in _CHILDREN if c.pid == pid]:
        child.wait(timeout=5)
        _CHILDREN.remove(child)
