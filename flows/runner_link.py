"""The terminal's side of the warm runner: find it, hand it a job, start it, stop it — without Prefect.

A `shishi advance` pays about 1.5 s to import Prefect and set up its engine before its flow runs; a
process that has done so once runs the next flow in about 0.25 s. On the embedded default, the first
command that orchestrates runs its flow itself and then starts the data directory's runner in the
background (`python -m flows.runner`): a process that imported Prefect once and runs the flows of the
later commands, over a loopback socket, with a secret token that only the data directory's owner can read.

A command uses the runner only when the runner was started with the same settings as the command
(a fingerprint of them is in its record); otherwise, or when the runner does not answer, the command
runs its flow itself as before. Stopping the local Prefect server stops the runner too, and a runner
whose server went away ends by itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flows.process import alive, end, is_server_of, servers_under
from models.settings import get_settings
from services import errors

RECORD = "runner.json"
LOG = "runner.log"
MARK = "flows.runner"
CONNECT_SECONDS = 2.0


@dataclass(frozen=True)
class RunnerRecord:
    """What the data directory remembers of its runner."""

    pid: int
    port: int
    token: str
    fingerprint: str
    started: str


class RunnerFailed(RuntimeError):
    """The runner ran the job and the job failed with an error that is not a user's error."""


def fingerprint() -> str:
    """A digest of the settings a flow depends on: a runner serves only commands with the same ones."""
    return hashlib.sha256(get_settings().model_dump_json().encode()).hexdigest()


def read_record(home: Path) -> RunnerRecord | None:
    """The recorded runner, or None when there is no readable record."""
    try:
        data = json.loads((home / RECORD).read_text(encoding="utf-8"))
        return RunnerRecord(**{k: data[k] for k in ("pid", "port", "token", "fingerprint", "started")})
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_record(home: Path, record: RunnerRecord) -> None:
    """Write the record readable by its owner only (it holds the token), replacing any in one step."""
    partial = home / f"{RECORD}.{os.getpid()}"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(asdict(record), handle)
    partial.replace(home / RECORD)


def usable(home: Path) -> RunnerRecord | None:
    """The runner to hand jobs to: alive, ours, and started with this command's settings."""
    record = read_record(home)
    if (
        record
        and record.fingerprint == fingerprint()
        and alive(record.pid)
        and is_runner_of(record.pid, home)
    ):
        return record
    return None


def call(record: RunnerRecord, job: dict[str, Any], timeout: float | None = None) -> Any:
    """Send one job and wait for its answer; a user's error comes back raised as the same error."""
    with socket.create_connection(("127.0.0.1", record.port), timeout=CONNECT_SECONDS) as conn:
        conn.settimeout(timeout)
        conn.sendall(json.dumps({**job, "token": record.token}).encode() + b"\n")
        with conn.makefile("rb") as answer:
            reply = json.loads(answer.readline() or b"null")
    if not isinstance(reply, dict):
        raise ConnectionError("the runner closed the connection without an answer")
    if "error" in reply:
        raise rebuilt(reply["error"])
    return reply["result"]


def rebuilt(error: dict[str, Any]) -> Exception:
    """The exception a job raised in the runner, as the caller would have seen it raised in-process."""
    kind = getattr(errors, str(error.get("type")), None)
    if isinstance(kind, type) and issubclass(kind, errors.ServiceError):
        if issubclass(kind, errors.Refused):
            return kind(error["message"], error.get("reasons", []), fields=error.get("fields", ()))
        made = kind.__new__(kind)
        errors.ServiceError.__init__(made, error["message"], fields=error.get("fields", ()))
        return made
    return type(str(error.get("type", "RunnerFailed")), (RunnerFailed,), {})(error["message"])


def start(home: Path) -> int:
    """Start the runner in the background with this process's environment; its PID (it records itself)."""
    env = {**os.environ, "PREFECT_HOME": str(home)}  # how its process is known as this home's runner
    with (home / LOG).open("ab") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", MARK, str(home)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return child.pid


def new_token() -> str:
    """A fresh secret for a runner's record."""
    return secrets.token_hex(16)


def stop(home: Path) -> int | None:
    """End the data directory's runner (SIGTERM, then SIGKILL); its PID, or None when none ran."""
    record = read_record(home)
    (home / RECORD).unlink(missing_ok=True)
    if record is None or not alive(record.pid) or not is_runner_of(record.pid, home):
        return None
    end(record.pid, 10)
    return record.pid


def is_runner_of(pid: int, home: Path) -> bool:
    """True when the process is the runner of `home` (no /proc: assume so)."""
    return is_server_of(pid, home, MARK.encode())


def runners_under(root: Path) -> list[int]:
    """Every runner process whose home lies under `root` (Linux only)."""
    return servers_under(root, MARK.encode())
