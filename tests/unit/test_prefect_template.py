"""The migrated empty Prefect database kept per user and version: copied whole, never over a home's own."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from flows import prefect_template


def _database(path: Path, rows: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE flow_run (id INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO flow_run VALUES (?)", [(i,) for i in range(rows)])
    conn.close()


def _rows(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM flow_run").fetchone()[0]
    finally:
        conn.close()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHISHI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    return tmp_path / "cache"


def test_the_first_home_becomes_the_template_and_a_fresh_home_starts_from_it(
    cache: Path, tmp_path: Path
) -> None:
    first, fresh = tmp_path / "first", tmp_path / "fresh"
    _database(first / "prefect.db", rows=0)
    assert prefect_template.seed(fresh) is False  # no template yet
    prefect_template.keep(first)
    assert prefect_template.template_path().parent == cache and prefect_template.template_path().is_file()
    fresh.mkdir()
    assert prefect_template.seed(fresh) is True
    assert _rows(fresh / "prefect.db") == 0


def test_a_template_is_kept_once_and_never_copied_over_a_homes_own_database(
    cache: Path, tmp_path: Path
) -> None:
    _database(tmp_path / "a" / "prefect.db", rows=0)
    _database(tmp_path / "b" / "prefect.db", rows=3)
    prefect_template.keep(tmp_path / "a")
    prefect_template.keep(tmp_path / "b")  # there is one already: left as it is
    assert _rows(prefect_template.template_path()) == 0
    assert prefect_template.seed(tmp_path / "b") is False
    assert _rows(tmp_path / "b" / "prefect.db") == 3


def test_a_server_whose_database_is_configured_elsewhere_is_left_alone(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _database(tmp_path / "a" / "prefect.db", rows=0)
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "postgresql+asyncpg://prefect@db/prefect")
    prefect_template.keep(tmp_path / "a")
    assert not prefect_template.template_path().exists()
