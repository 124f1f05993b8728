"""Prefect set up for people: configured before Prefect is imported, quiet in a terminal, one local server."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows import local_server
from models.db import Database
from models.settings import get_settings

STARTED_NOTE = (
    "已在后台启动本地 Prefect 服务 {url}（PID {pid}，运行记录保存在 {home}），之后的命令沿用它；"
    "shishi prefect status|stop|ui 查看、停止或打开其界面。"
)

# Prefect's own messages stay out of a terminal (its console shows errors only), while the runs' logs
# (the decision of each request) still reach the API at INFO and show in the UI.
QUIET = {
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "ERROR",
    "PREFECT_LOGGING_LOG_PRINTS": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


def configure() -> None:
    """Set Prefect's environment defaults; call before the first `import prefect`."""
    os.environ.setdefault("PREFECT_HOME", str(local_server.home_of(get_settings().data_dir)))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    for key, value in QUIET.items():
        os.environ.setdefault(key, value)


def uses_local_server() -> bool:
    """True when no Prefect server is configured (PREFECT_API_URL unset, or set by us to the local one)."""
    return not os.environ.get("PREFECT_API_URL") or bool(os.environ.get("SHISHI_LOCAL_PREFECT"))


def connect(announce: bool = True) -> str:
    """The API URL to use: PREFECT_API_URL when set, else the data directory's local server (started once)."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured and not os.environ.get("SHISHI_LOCAL_PREFECT"):
        return configured
    data_dir = get_settings().data_dir
    record, started = local_server.ensure(data_dir)
    os.environ["PREFECT_API_URL"] = record.url
    os.environ["SHISHI_LOCAL_PREFECT"] = "1"  # inherited by children, who then check the record themselves
    if started and announce:
        home = local_server.home_of(data_dir)
        print(STARTED_NOTE.format(url=record.ui_url, pid=record.pid, home=home), file=sys.stderr)
    return record.url


@contextmanager
def short_runs(api_url: str | None = None) -> Iterator[None]:
    """Tune Prefect for short interactive runs (no heartbeat thread to wait for), against `api_url` if given."""
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    updates: dict = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if api_url:  # a long-lived process (`shishi web`) follows the local server if it moved
        updates[PREFECT_API_URL] = api_url
    with temporary_settings(updates=updates):
        yield


def database() -> Database:
    """The application database of the current settings, opened once per process and URL."""
    url = get_settings().effective_database_url
    if url not in _DATABASES:
        _DATABASES[url] = Database(url)
    return _DATABASES[url]


_DATABASES: dict[str, Database] = {}
