"""The data directory's local Prefect server: started once, recorded, reused, shown, stopped, replaced, and a
second data directory's server started from the template (within the same test, to start fewer servers)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from flows import local_server, prefect_template
from flows.process import servers_under
from tests.conftest import EXAMPLE
from tests.e2e.conftest import BOUND_SECONDS, SHISHI, Fresh
from tests.helpers import cli

ACCEPTANCE = ["--evidence", "竣工验收=长民验〔2020〕3号@2020-10-09", "--at", "2020-10-10"]


@pytest.fixture
def db_url(embedded_db_url: str) -> str:
    """The embedded default only (see `embedded_db_url`)."""
    return embedded_db_url


def _status(fresh: Fresh) -> dict:
    result = fresh.run("prefect", "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_stale_record_is_replaced_on_its_port_then_reused_shown_and_stopped(
    fresh: Fresh, tmp_path: Path
) -> None:
    """The stale record is replaced by a server on its port, shown, reused by an advance, and stopped;
    meanwhile a second fresh data directory starts from the template, without the first one's runs."""
    assert "未启动" in fresh.run("prefect", "status").stdout
    home = local_server.home_of(fresh.data_dir)
    home.mkdir(parents=True)
    port = local_server._port(None)
    stale = local_server.ServerRecord(
        f"http://127.0.0.1:{port}/api", _dead_pid(), port, "2020-01-01T00:00:00"
    )
    local_server._write_record(home, stale)
    assert "未运行" in fresh.run("prefect", "status").stdout

    started = fresh.run("prefect", "start")
    assert started.returncode == 0 and "已启动" in started.stdout, started.stderr
    info = _status(fresh)
    assert info["up"] and info["pid"] != stale.pid and info["url"] == f"http://127.0.0.1:{port}"
    assert fresh.run("prefect", "ui").stdout.strip() == info["url"]

    advanced = fresh.run("advance", "2.8", "--by", "张三", *ACCEPTANCE)
    assert advanced.returncode == 0, advanced.stderr
    assert "已在后台启动" not in advanced.stderr  # reused, not started again
    assert servers_under(fresh.data_dir) == [info["pid"]]

    # a second fresh data directory starts from the template, without the first one's runs
    template = prefect_template.template_path()
    assert template.is_file()
    assert _flow_runs(home / "prefect.db") >= 1
    second = tmp_path / "second"
    second_started = subprocess.run(
        [SHISHI, "prefect", "start"],
        env={**fresh.env, "SHISHI_DATA_DIR": str(second)},
        capture_output=True,
        text=True,
        timeout=BOUND_SECONDS,
    )
    assert second_started.returncode == 0, second_started.stderr
    assert _flow_runs(local_server.home_of(second) / "prefect.db") == 0
    assert _flow_runs(template) == 0

    stopped = fresh.run("prefect", "stop")
    assert stopped.returncode == 0 and str(info["pid"]) in stopped.stdout
    assert servers_under(fresh.data_dir) == []
    assert not _status(fresh)["up"] and "未在运行" in fresh.run("prefect", "stop").stdout


def test_a_configured_prefect_api_url_wins_over_the_local_server(env: dict[str, str]) -> None:
    assert cli("load", str(EXAMPLE)).exit_code == 0
    result = cli("advance", "2.8", "--by", "张三", *ACCEPTANCE)
    assert result.exit_code == 0, result.output
    home = local_server.home_of(Path(env["SHISHI_DATA_DIR"]))
    assert not (home / local_server.RECORD).exists()
    assert servers_under(Path(env["SHISHI_DATA_DIR"])) == []
    assert "已设置 PREFECT_API_URL" in cli("prefect", "status").output


def _flow_runs(database: Path) -> int:
    conn = sqlite3.connect(database)
    try:
        return conn.execute("SELECT count(*) FROM flow_run").fetchone()[0]
    finally:
        conn.close()
