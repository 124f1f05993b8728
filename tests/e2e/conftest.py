"""A fresh data directory with no Prefect server configured, its commands run as children, and every
local Prefect server (and its runner) started under it stopped at the end of the test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from flows import local_server
from flows.process import end, servers_under
from flows.runner_link import runners_under
from models.db import Database
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE

SHISHI = str(Path(sys.executable).with_name("shishi"))
TODAY = date(2020, 10, 20)
BOUND_SECONDS = 600  # generous: eight processes on a busy two-core machine, the server's first start included


@dataclass
class Fresh:
    """A loaded programme in a fresh database, a fresh data directory, and the children's environment."""

    db: Database
    data_dir: Path
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """`shishi ARGS` as a child process, bounded."""
        return subprocess.run(
            [SHISHI, *args], env=self.env, capture_output=True, text=True, timeout=BOUND_SECONDS
        )

    def press(self, argv: list[list[str]]) -> list[subprocess.CompletedProcess[str]]:
        """Start every command at once, then wait for all of them (killing every one on timeout)."""
        children = [
            subprocess.Popen([SHISHI, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for args in argv
        ]
        done = []
        try:
            for child, args in zip(children, argv, strict=True):
                out, err = child.communicate(timeout=BOUND_SECONDS)
                done.append(subprocess.CompletedProcess(args, child.returncode, out.decode(), err.decode()))
        finally:
            for child in children:
                if child.poll() is None:
                    child.kill()
                    child.wait()
        return done


@pytest.fixture
def embedded_db_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh database on the embedded default only, for the tests of the local Prefect server and its
    runner: which database the commands use changes nothing of those processes (the stage and nightly
    end-to-end tests run on every backend)."""
    target = tmp_path / "shishi.db"
    shutil.copy(sqlite_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def fresh(db_url: str, tmp_path: Path) -> Iterator[Fresh]:
    """The example in a fresh database; children see no PREFECT_API_URL, so they use the local server."""
    db = Database(db_url)
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)
    data_dir = tmp_path / "data"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PREFECT_") and k != "SHISHI_LOCAL_PREFECT"
    }
    env.update(SHISHI_DATABASE_URL=db_url, SHISHI_DATA_DIR=str(data_dir))
    try:
        yield Fresh(db, data_dir, env)
    finally:
        db.dispose()
        stop_every_server_under(tmp_path)


def stop_every_server_under(root: Path) -> None:
    """Stop the recorded server, then kill any other server process whose home lies under `root`."""
    for data_dir in root.glob("**/prefect/server.json"):
        local_server.stop(data_dir.parent.parent)
    for pid in servers_under(root) + runners_under(root):
        end(pid, seconds=10)  # SIGTERM, then SIGKILL, each waited for: a signal sent is not a process ended
    assert servers_under(root) == [] and runners_under(root) == []
