"""The real Prefect flows under one session-wide Prefect test server, read back through its API."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from models import HealthSnapshot, Programme, ReportFile, Transition
from models.db import Database
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.stage_change.request import EvidenceInput, StageChange
from services.unit_of_work import UnitOfWork
from states.stages import Stage
from tests.conftest import EXAMPLE
from tests.helpers import programme_copy, wait_for

TODAY = date(2020, 10, 20)


@pytest.fixture
def loaded(env: dict[str, str], db: Database) -> Database:
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)
    return db


_REPORTS = select(Programme.code, ReportFile.period).join(Programme, ReportFile.programme_id == Programme.id)


def _folders(env: dict[str, str]) -> list[Path]:
    """The report folders written (programme/period) under the data directory."""
    return [p for p in (Path(env["SHISHI_DATA_DIR"]) / "reports").glob("*/*") if p.is_dir()]


def _request(ref: str, **kw: object) -> StageChange:
    return StageChange(ref=ref, event="advance", actor="张三", request_id=uuid.uuid4().hex, **kw)  # type: ignore[arg-type]


def _flow_run(flow_run_id: uuid.UUID, tasks_expected: int = 0) -> tuple[Any, list[str]]:
    """The run and its task runs, once the server has recorded at least `tasks_expected` of them."""
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    def read() -> tuple[Any, list[str]] | None:
        with get_client(sync_client=True) as client:
            run = client.read_flow_run(flow_run_id)
            tasks = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
            )
        found = sorted(t.task_key.split("-")[0] + ":" + t.name for t in tasks)
        return (run, found) if len(found) >= tasks_expected else None

    return wait_for("the task runs to be recorded", read, timeout=60)


def _subflow_runs(parent_id: uuid.UUID) -> list[Any]:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    with get_client(sync_client=True) as client:
        ids = FlowRunFilterParentFlowRunId(any_=[parent_id])
        return client.read_flow_runs(flow_run_filter=FlowRunFilter(parent_flow_run_id=ids))


def test_advance_stage_runs_as_a_flow_visible_in_the_prefect_api(
    prefect_server: None, loaded: Database
) -> None:
    from flows.runtime import short_runs
    from flows.stage import advance_stage

    evidence = (EvidenceInput("acceptance", "长民验〔2020〕9号", date(2020, 10, 9)),)
    with short_runs():
        state = advance_stage([_request("2.8", evidence=evidence, at=TODAY)], TODAY, return_state=True)
    result = state.result()
    assert result[0]["ok"] and result[0]["to_stage"] == "completed"
    run, tasks = _flow_run(state.state_details.flow_run_id, tasks_expected=2)
    assert run.name and run.state.is_completed()
    assert [t.split(":", 1)[0] for t in tasks] == ["apply_changes", "deliver_outbox"]
    assert "apply_changes:apply 2.8" in tasks


def test_a_stage_change_regenerates_only_its_programmes_report_for_its_month_after_the_answer(
    env: dict[str, str], loaded: Database, tmp_path: Path
) -> None:
    from flows.runtime import short_runs
    from flows.stage import advance_stage, regenerate_touched, touched_reports

    other = programme_copy(tmp_path, "hongkou-2020", "虹口区")
    with UnitOfWork(loaded) as uow:
        load_programme(uow, read_programme_file(other, TODAY), "测试", TODAY)
    evidence = (EvidenceInput("acceptance", "长民验〔2020〕9号", date(2020, 9, 20)),)
    request = _request("2.8", evidence=evidence, at=date(2020, 9, 25), programme="changning-2020")
    with short_runs():
        (result,) = advance_stage([request], TODAY)
    assert result["ok"] and (result["programme"], result["at"]) == ("changning-2020", "2020-09-25")
    with loaded.read() as session:  # the answer came before any report was written
        assert list(session.execute(_REPORTS)) == []
    with short_runs():
        state = regenerate_touched(touched_reports([result]), return_state=True)
    assert state.is_completed()
    with loaded.read() as session:
        recorded = {(code, period) for code, period in session.execute(_REPORTS)}
    assert recorded == {("changning-2020", "2020-09")}
    folders = {p.relative_to(Path(env["SHISHI_DATA_DIR"]) / "reports") for p in _folders(env)}
    assert folders == {Path("changning-2020/2020-09")}


def test_a_refused_request_is_a_result_not_a_crashed_flow(prefect_server: None, loaded: Database) -> None:
    from flows.runtime import short_runs
    from flows.stage import advance_stage

    with short_runs():
        state = advance_stage([_request("2.9")], TODAY, return_state=True)
    assert state.is_completed()
    (result,) = state.result()
    assert not result["ok"] and result["exit_code"] == 1
    assert any("竣工验收" in r for r in result["reasons"])
    with loaded.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(Transition).where(Transition.event == "advance"))
            == 0
        )


def _logs(flow_run_id: uuid.UUID, wanted: str) -> list[str]:
    """The run's log messages, once one containing `wanted` has reached the server."""
    from prefect import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    def read() -> list[str] | None:
        with get_client(sync_client=True) as client:
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
        messages = [log.message for log in logs]
        return messages if any(wanted in m for m in messages) else None

    return wait_for(f"a log line with {wanted!r}", read, timeout=60)


def test_a_run_is_named_for_what_it_does_and_logs_the_decision(
    prefect_server: None, loaded: Database
) -> None:
    from flows.runtime import short_runs
    from flows.stage import advance_stage

    evidence = (EvidenceInput("acceptance", "长民验〔2020〕9号", date(2020, 10, 9)),)
    with short_runs():
        state = advance_stage([_request("2.8", evidence=evidence, at=TODAY)], TODAY, return_state=True)
    assert state.name == "Completed" and state.result()[0]["ok"]
    run, _ = _flow_run(state.state_details.flow_run_id)
    assert run.name == "推进 2.8 开工→完工 · 张三"
    assert any("开工→完工" in m for m in _logs(run.id, "已推进 2.8"))


def test_a_refused_run_ends_in_a_refused_state_with_its_reasons(
    prefect_server: None, loaded: Database
) -> None:
    from flows.runtime import short_runs
    from flows.stage import advance_stage

    request = _request("2.9", expected_stage=Stage.construction)
    with short_runs():
        state = advance_stage([request], TODAY, return_state=True)
        plain = advance_stage([_request("2.9")], TODAY)
    assert state.is_completed() and state.name == "已拒绝"
    assert "竣工验收" in state.message
    (result,) = state.result()
    assert not result["ok"] and plain[0]["reasons"] == result["reasons"]
    run, _ = _flow_run(state.state_details.flow_run_id)
    assert run.name == "推进 2.9 开工→完工 · 张三"
    assert run.state.name == "已拒绝" and "竣工验收" in run.state.message
    assert any("竣工验收" in m for m in _logs(run.id, "未推进 2.9"))


def test_the_nightly_flow_snapshots_every_active_programme_and_reruns_identically(
    prefect_server: None, loaded: Database
) -> None:
    from flows.nightly import nightly
    from flows.runtime import short_runs

    def statuses() -> dict[tuple[str, str], str]:
        with loaded.read() as session:
            rows = session.scalars(select(HealthSnapshot).where(HealthSnapshot.as_of == date(2020, 9, 30)))
            return {(r.scope, r.ref): r.status for r in rows}

    with short_runs():
        state = nightly(as_of=date(2020, 9, 30), return_state=True)
    (summary,) = state.result()
    assert state.name == "Completed"
    assert summary["items"]["8"] == "exceeded" and summary["items"]["12"] == "suspended"
    assert summary["notices"] == {"due_soon": 0, "overdue": 0, "emails": 0, "warning": None}
    first = statuses()
    with short_runs():
        nightly(as_of=date(2020, 9, 30))
    assert statuses() == first
    run, _ = _flow_run(state.state_details.flow_run_id)
    assert run.state.is_completed() and run.name == "夜间重算 2020-09-30"
    (child,) = _subflow_runs(run.id)
    assert child.name == "夜间重算 changning-2020 2020-09-30" and child.state.is_completed()
    _, tasks = _flow_run(child.id, tasks_expected=2)
    assert sorted(t.split(":", 1)[0] for t in tasks) == ["check_notices", "recompute_programme"]


def test_a_retried_request_is_replayed_not_applied_twice(env: dict[str, str], loaded: Database) -> None:
    from flows.stage import apply_changes

    request = StageChange(ref="2.10", event="suspend", actor="张三", reason="消防整改", request_id="r-1")
    first = apply_changes.fn([request], TODAY, "2.10")
    second = apply_changes.fn([request], TODAY, "2.10")
    assert first[0]["ok"] and second[0]["ok"]
    assert first[0]["transition_id"] == second[0]["transition_id"]
    with loaded.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(Transition).where(Transition.event == "suspend"))
            == 1
        )


def test_the_deployments_carry_the_schedules(env: dict[str, str], tmp_path: Path) -> None:
    from flows.serve import deployments

    by_name = {d.name: d for d in deployments()}
    nightly = by_name["shishi-nightly"].schedules[0].schedule
    assert nightly.cron == "0 2 * * *" and nightly.timezone == "Asia/Shanghai"
    delivery = by_name["shishi-delivery"].schedules[0].schedule
    assert delivery.interval.total_seconds() == 300
