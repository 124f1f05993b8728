"""Past one machine: `nightly` fans out on a process work pool with two workers, on a loopback Prefect server."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from models import HealthSnapshot, Programme
from models.db import Database
from models.settings import get_settings
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.unit_of_work import UnitOfWork
from tests.conftest import PG_URL
from tests.e2e.loopback import BIN, Loopback
from tests.helpers import cli, programme_copy, wait_for

AS_OF = date(2020, 9, 30)
TODAY = date(2020, 10, 1)
POOL = "shishi-city"
WORKERS = ("worker-a", "worker-b")
PROGRAMMES = (("changning-2020", "长宁区"), ("changning-b-2020", "长宁区"), ("xuhui-2020", "徐汇区"))


@pytest.fixture
def loopback(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Loopback]:
    """A `prefect server start` of its own on a free loopback port, on PostgreSQL when configured (starting)."""
    pg = request.getfixturevalue("pg_server") if PG_URL else None
    database = make_url(pg.create()).set(drivername="postgresql+asyncpg") if pg else None
    servers = Loopback(tmp_path / "loopback")
    servers.home.mkdir()
    try:
        servers.start_server(database.render_as_string(hide_password=False) if database else None)
        yield servers
    finally:
        servers.stop()


@pytest.fixture
def app_dbs(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> tuple[str, str]:
    """Two fresh application databases holding the same city: PostgreSQL when configured, else SQLite."""
    server = request.getfixturevalue("pg_server") if PG_URL else None
    first = server.create(template=server.template) if server else f"sqlite:///{tmp_path / 'fanout.db'}"
    if server is None:
        shutil.copy(sqlite_template, tmp_path / "fanout.db")
    db = Database(first)
    _load_city(db, tmp_path)
    db.dispose()
    if server is not None:
        return first, server.create(template=make_url(first).database)
    for suffix in ("", "-wal"):
        if (tmp_path / f"fanout.db{suffix}").exists():
            shutil.copy(tmp_path / f"fanout.db{suffix}", tmp_path / f"single.db{suffix}")
    return first, f"sqlite:///{tmp_path / 'single.db'}"


def _load_city(db: Database, folder: Path) -> None:
    for code, district in PROGRAMMES:
        with UnitOfWork(db) as uow:
            load_programme(
                uow, read_programme_file(programme_copy(folder, code, district), TODAY), "测试", TODAY
            )


def _online(pool: str) -> set[str]:
    from prefect import get_client
    from prefect.client.schemas.objects import WorkerStatus

    with get_client(sync_client=True) as client:
        return {w.name for w in client.read_workers_for_work_pool(pool) if w.status == WorkerStatus.ONLINE}


def _children(parent_id: object) -> list:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId

    with get_client(sync_client=True) as client:
        ids = FlowRunFilterParentFlowRunId(any_=[parent_id])
        return client.read_flow_runs(flow_run_filter=FlowRunFilter(parent_flow_run_id=ids))


def _snapshots(url: str) -> list[tuple]:
    """Every snapshot row by programme code, without ids or timestamps."""
    db = Database(url)
    columns = [c for c in HealthSnapshot.__table__.c if not c.name.endswith("id") and c.name != "computed_at"]
    with db.read() as session:
        rows = session.execute(
            select(Programme.code, *columns).join(Programme, Programme.id == HealthSnapshot.programme_id)
        ).all()
    db.dispose()
    return sorted(
        tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict) else repr(v) for v in r) for r in rows
    )


def test_nightly_fans_out_to_two_process_workers_and_matches_a_single_process_run(
    loopback: Loopback, app_dbs: tuple[str, str], tmp_path: Path
) -> None:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    fanout_url, single_url = app_dbs
    loopback.wait_for_server()
    for folder in ("data", "data-single"):
        (tmp_path / folder).mkdir()
    app_env = loopback.env(SHISHI_DATABASE_URL=fanout_url, SHISHI_DATA_DIR=str(tmp_path / "data"))
    deploy = subprocess.run(
        [str(BIN / "shishi"), "deploy", "--pool", POOL, "--no-schedule"],
        env=app_env | {"PREFECT_HOME": str(loopback.home / "deploy")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert f"nightly-programme/{POOL}" in deploy.stdout and f"nightly/{POOL}" in deploy.stdout
    for name in WORKERS:
        loopback.start_worker(POOL, name, app_env | {"PREFECT_HOME": str(loopback.home / name)}, limit=2)

    with temporary_settings(updates={PREFECT_API_URL: loopback.api_url}):
        wait_for("both workers online", lambda: _online(POOL) >= set(WORKERS), timeout=90)
        parent = run_deployment(
            f"nightly/{POOL}",
            parameters={"as_of": AS_OF.isoformat(), "wait_seconds": 150},
            timeout=240,
            poll_interval=1,
            as_subflow=False,
        )
        logs = "\n".join(loopback.log(f"worker-{name}") for name in WORKERS)
        assert parent.state is not None and parent.state.is_completed(), f"{parent.state}\n{logs}"
        children = _children(parent.id)

    assert sorted(c.parameters["code"] for c in children) == sorted(code for code, _ in PROGRAMMES)
    assert all(c.state is not None and c.state.is_completed() for c in children)
    assert {c.labels.get("prefect.worker.name") for c in children} == set(WORKERS), logs

    single = subprocess.run(
        [str(BIN / "shishi"), "nightly", "--as-of", AS_OF.isoformat(), "--json"],
        env=loopback.env(
            SHISHI_DATABASE_URL=single_url,
            SHISHI_DATA_DIR=str(tmp_path / "data-single"),
            PREFECT_HOME=str(loopback.home / "single"),
        ),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert single.returncode == 0, single.stdout + single.stderr
    assert {s["programme"] for s in json.loads(single.stdout)} == {code for code, _ in PROGRAMMES}
    fanned = _snapshots(fanout_url)
    assert {row[0] for row in fanned} == {repr(code) for code, _ in PROGRAMMES}
    assert fanned == _snapshots(single_url)


def test_the_parent_fails_clearly_when_programme_runs_do_not_complete(
    env: dict[str, str], db: Database, tmp_path: Path
) -> None:
    from flows.deploy import deploy, ensure_pool
    from flows.fanout import NightlyFailed
    from flows.nightly import nightly
    from flows.runtime import short_runs

    _load_city(db, tmp_path)
    pool = f"idle-{uuid.uuid4().hex[:8]}"  # a pool without workers: nothing ever runs there
    assert ensure_pool(pool) is True
    assert ensure_pool(pool) is False
    assert deploy(pool, schedule=False) == [f"nightly-programme/{pool}", f"nightly/{pool}"]
    with short_runs(), pytest.raises(NightlyFailed) as failed:
        nightly(as_of=AS_OF, work_pool=pool, wait_seconds=0)
    assert failed.value.failed == {code: "SCHEDULED" for code, _ in PROGRAMMES}
    assert str(failed.value).startswith(
        "夜间重算未完成（2020-09-30）：3 个计划的运行未成功结束：changning-2020（SCHEDULED）"
    )
    with db.read() as session:
        assert session.scalars(select(HealthSnapshot.id)).first() is None


def test_the_pool_commands_refuse_without_a_persistent_prefect_server(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    for args in (["deploy", "--pool", POOL], ["nightly", "--pool", POOL, "--as-of", "2020-09-30"]):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert "需要常驻的 Prefect 服务" in result.output and "PREFECT_API_URL" in result.output


def test_serve_leaves_nightly_to_the_work_pool_when_one_is_configured(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.serve import deployments

    assert "shishi-nightly" in {d.name for d in deployments()}
    monkeypatch.setenv("SHISHI_WORK_POOL", POOL)
    get_settings.cache_clear()
    assert {d.name for d in deployments()} == {"shishi-delivery", "shishi-reports"}
