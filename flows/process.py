"""Processes seen from outside: alive or not, a local Prefect server (or runner) of a given home or not, ended."""

from __future__ import annotations

import os
import select
import signal
import time
from pathlib import Path

PROC = Path("/proc")
APP_MARK = b"prefect.server.api.server:create_app"


def alive(pid: int) -> bool:
    """True while the process runs (a zombie, dead but not yet reaped, counts as ended)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)  # our own child: reap it if it ended
        if done:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = PROC / str(pid) / "stat"
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc: trust the signal


def is_server_of(pid: int, home: Path, mark: bytes = APP_MARK) -> bool:
    """True when the process is a local Prefect server (or, with its `mark`, another process such as the
    runner) whose PREFECT_HOME is `home` (no /proc: assume so)."""
    if not PROC.is_dir():
        return True
    try:
        cmdline = (PROC / str(pid) / "cmdline").read_bytes()
        environ = (PROC / str(pid) / "environ").read_bytes()
    except OSError:
        return False
    return mark in cmdline and f"PREFECT_HOME={home}".encode() in environ.split(b"\0")


def servers_under(root: Path, mark: bytes = APP_MARK) -> list[int]:
    """Every local Prefect server process (or, with its `mark`, runner) whose PREFECT_HOME lies under `root`
    (Linux only)."""
    found = []
    if not PROC.is_dir():
        return found
    prefix = f"PREFECT_HOME={root.resolve()}".encode()
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if mark not in (entry / "cmdline").read_bytes():
                continue
            homes = [v for v in (entry / "environ").read_bytes().split(b"\0") if v.startswith(prefix)]
        except OSError:
            continue
        if homes and alive(int(entry.name)):
            found.append(int(entry.name))
    return sorted(found)


def end(pid: int, seconds: float = 15) -> None:
    """SIGTERM to the process's session, SIGKILL when it is still there after `seconds`."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:
            os.kill(pid, sig)
        if ends_within(pid, seconds):
            break


def ends_within(pid: int, seconds: float) -> bool:
    """Wait up to `seconds` for the process to end; True when it did."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        try:
            poller = select.poll()  # a pidfd becomes readable when its process ends
            poller.register(fd, select.POLLIN)
            poller.poll(int(seconds * 1000))
        finally:
            os.close(fd)
        return not alive(pid)
    deadline = time.monotonic() + seconds
    while alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
