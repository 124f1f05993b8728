"""Prefect set up for people: configured before Prefect is imported, quiet on the embedded default."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from models.db import Database
from models.settings import get_settings

LOCAL_SERVER_NOTE = (
    "已启动本地临时 Prefect 服务（运行记录保存在 {home}）；"
    "设置 PREFECT_API_URL 可改用常驻的 Prefect 服务，见 README。"
)


# The local server keeps its runs in SQLite: batch the recorders' writes so that they rarely collide
# with the API's own writes ('database is locked' makes the client wait 2 s before it retries).
LOCAL_SERVER_TUNING = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "2",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_BATCH_SIZE": "200",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL": "5",
}


def configure() -> None:
    """Set Prefect's environment defaults; call before the first `import prefect`."""
    home = (get_settings().data_dir / "prefect").resolve()
    os.environ.setdefault("PREFECT_HOME", str(home))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    if not os.environ.get("PREFECT_API_URL"):
        for key, value in LOCAL_SERVER_TUNING.items():
            os.environ.setdefault(key, value)
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "ERROR")
        os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "false")


def uses_local_server() -> bool:
    """True when no persistent Prefect server is configured."""
    return not os.environ.get("PREFECT_API_URL")


def announce_local_server() -> None:
    """The one line a terminal user sees about Prefect on the embedded default."""
    if uses_local_server():
        print(LOCAL_SERVER_NOTE.format(home=os.environ.get("PREFECT_HOME", "")), file=sys.stderr)


@contextmanager
def short_runs() -> Iterator[None]:
    """Tune Prefect for short interactive runs: no heartbeat thread to wait for at the end of a run."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def database() -> Database:
    """The application database of the current settings, opened once per process and URL."""
    url = get_settings().effective_database_url
    if url not in _DATABASES:
        _DATABASES[url] = Database(url)
    return _DATABASES[url]


_DATABASES: dict[str, Database] = {}
