"""The warm runner: started after the first orchestrating command, it runs the next commands' flows.

Each command is a `shishi` child process on a fresh data directory with no Prefect server configured.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from flows import local_server, runner_link
from models import ReportFile, Transition
from tests.e2e.conftest import Fresh

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
        time.sleep(0.2)
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


def test_the_first_advance_starts_a_runner_that_applies_the_next_and_rewrites_its_report(
    fresh: Fresh,
) -> None:
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


def test_a_refusal_and_an_unknown_programme_answer_the_same_through_the_runner(fresh: Fresh) -> None:
    assert fresh.run("advance", "2.8", "--by", "甲", *ACCEPTANCE).returncode == 0
    record = _runner(fresh)
    nightly = fresh.run("nightly", "--as-of", "2020-09-30", "--programme", "没有这个计划")
    assert nightly.returncode == 2, nightly.stderr
    assert "没有这个计划" in nightly.stderr and "内部错误" not in nightly.stderr
    again = fresh.run("advance", "2.8", "--by", "乙", "--at", "2020-10-11")  # 完工 → 运营 lacks 交付使用
    assert again.returncode == 1 and "交付使用" in again.stderr, again.stderr
    ok = fresh.run("nightly", "--as-of", "2020-09-30")
    assert ok.returncode == 0 and "changning-2020 2020-09-30" in ok.stdout, ok.stderr
    assert _jobs(record) == 2  # the two nightly runs; the refused advance never reached Prefect


def test_a_command_with_other_settings_runs_its_flow_itself(fresh: Fresh) -> None:
    assert fresh.run("advance", "2.8", "--by", "甲", *ACCEPTANCE).returncode == 0
    record = _runner(fresh)
    fresh.env["SHISHI_BASE_URL"] = "https://shishi.example.gov.cn"  # links in emails: another setting
    other = fresh.run("advance", "2.9", "--by", "乙", *ACCEPTANCE)
    assert other.returncode == 0, other.stderr
    assert _jobs(record) == 0 and _applied(fresh) == ["2.8", "2.9"]


def test_stopping_the_local_server_stops_its_runner(fresh: Fresh) -> None:
    assert fresh.run("advance", "2.8", "--by", "甲", *ACCEPTANCE).returncode == 0
    record = _runner(fresh)
    assert runner_link.runners_under(fresh.data_dir) == [record.pid]
    assert fresh.run("prefect", "stop").returncode == 0
    assert runner_link.runners_under(fresh.data_dir) == []
    assert runner_link.read_record(_home(fresh)) is None
