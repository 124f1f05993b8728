"""The warm runner: started after the first orchestrating command, it runs the next commands' flows.

Each command is a `shishi` child process on a fresh data directory with no Prefect server configured.
One scenario on one data directory (one server start, one runner start) proves, in turn:

1. the first advance starts a runner, which applies the next advance and rewrites its report;
2. a refusal and an unknown programme answer the same through the runner as in-process, and only
   the runs that reach Prefect are the runner's jobs;
3. a command with other settings runs its flow itself, not through the runner;
4. stopping the local server stops its runner and removes its record.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from flows import local_server, runner_link
from models import Project, ReportFile, Transition
from tests.e2e.conftest import Fresh
from tests.helpers import wait_for

ACCEPTANCE = ["--evidence", "竣工验收=长民验〔2020〕3号@2020-10-09", "--at", "2020-10-10"]
READY_SECONDS = 120


@pytest.fixture
def db_url(embedded_db_url: str) -> str:
    """The embedded default only (see `embedded_db_url`)."""
    return embedded_db_url


def _home(fresh: Fresh) -> Path:
    return local_server.home_of(fresh.data_dir)


def _runner(fresh: Fresh) -> runner_link.RunnerRecord:
    """The runner once it has recorded itself (it imports Prefect first), within a bound."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        found = runner_link.read_record(_home(fresh))
        if found is not None:
            return found
        time.sleep(0.05)
    raise AssertionError(f"no runner recorded itself within {READY_SECONDS} s")


def _jobs(record: runner_link.RunnerRecord) -> int:
    return runner_link.call(record, {"kind": "status"})["jobs"]


def _applied(fresh: Fresh) -> list[str]:
    with fresh.db.read() as session:
        rows = session.scalars(
            select(Transition).where(Transition.event == "advance").order_by(Transition.id)
        )
        return [f"{t.project.item.number}.{t.project.number}" for t in rows]


def _october_report_written(fresh: Fresh) -> bool:
    with fresh.db.read() as session:
        periods = session.scalars(select(ReportFile.period)).all()
    return "2020-10" in periods


def _at_construction(fresh: Fresh, besides: set[str]) -> str:
    """A project at 开工 other than those named."""
    with fresh.db.read() as session:
        rows = session.scalars(select(Project).where(Project.stage == "construction").order_by(Project.id))
        return next(ref for ref in (f"{p.item.number}.{p.number}" for p in rows) if ref not in besides)


def test_the_runner_serves_the_next_commands_answers_alike_and_stops_with_the_server(fresh: Fresh) -> None:
    # 1. the first advance starts a runner that applies the next one and rewrites its report
    first = fresh.run("advance", "2.8", "--by", "甲", *ACCEPTANCE)
    assert first.returncode == 0, first.stderr
    record = _runner(fresh)
    assert _jobs(record) == 0
    second = fresh.run("advance", "2.9", "--by", "乙", *ACCEPTANCE)
    assert second.returncode == 0, second.stderr
    assert "2.9" in second.stdout and "开工 → 完工" in second.stdout
    assert _jobs(record) == 1  # the runner applied it, not the command itself
    runner_link.call(record, {"kind": "drain"})  # the touched report is written after the answer
    assert _october_report_written(fresh)
    assert _applied(fresh) == ["2.8", "2.9"]
    status = json.loads(fresh.run("prefect", "status", "--json").stdout)
    assert status["runner_pid"] == record.pid

    # 2. a refusal and an unknown programme answer the same through the runner
    nightly = fresh.run("nightly", "--as-of", "2020-09-30", "--programme", "没有这个计划")
    assert nightly.returncode == 2, nightly.stderr
    assert "没有这个计划" in nightly.stderr and "内部错误" not in nightly.stderr
    again = fresh.run("advance", "2.8", "--by", "乙", "--at", "2020-10-11")  # 完工 → 运营 lacks 交付使用
    assert again.returncode == 1 and "交付使用" in again.stderr, again.stderr
    ok = fresh.run("nightly", "--as-of", "2020-09-30")
    assert ok.returncode == 0 and "changning-2020 2020-09-30" in ok.stdout, ok.stderr
    assert _jobs(record) == 1 + 2  # the two nightly runs; the refused advance never reached Prefect

    # 3. a command with other settings runs its flow itself
    third = _at_construction(fresh, {"2.8", "2.9"})
    same_env = dict(fresh.env)
    fresh.env["SHISHI_BASE_URL"] = "https://shishi.example.gov.cn"  # links in emails: another setting
    other = fresh.run("advance", third, "--by", "丙", *ACCEPTANCE)
    assert other.returncode == 0, other.stderr
    assert _jobs(record) == 3 and _applied(fresh) == ["2.8", "2.9", third]
    fresh.env = same_env
    # that command then started a runner for its settings, which gives way to the one that holds the lock
    wait_for(
        "the other settings' runner to give way",
        lambda: runner_link.runners_under(fresh.data_dir) == [record.pid],
        READY_SECONDS,
        interval=0.05,
    )
    assert runner_link.read_record(_home(fresh)) == record

    # 4. stopping the local server stops its runner
    assert fresh.run("prefect", "stop").returncode == 0
    assert runner_link.runners_under(fresh.data_dir) == []
    assert runner_link.read_record(_home(fresh)) is None
