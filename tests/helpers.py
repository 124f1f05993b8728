"""Helpers shared by the tests: run the CLI in-process, and dump a database to compare states."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import inspect, literal_column, select, table, text
from typer.testing import CliRunner

from admin.cli.app import app
from models.db import Database
from models.settings import get_settings

T = TypeVar("T")
_runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "changning-2020.yaml"


def cli(*args: str) -> Any:
    """Run `shishi ARGS` in this process against the environment set by the `env` fixture."""
    get_settings.cache_clear()
    return _runner.invoke(app, list(args), catch_exceptions=False)


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal snapshots mean an unchanged database.

    The tables are listed, not reflected (reflecting every column, index and constraint cost most of a
    refusal test's time), and their rows read as the driver returns them, every column of each."""
    out: dict[str, list[tuple]] = {}
    with db.engine.connect() as conn:
        for name in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(select(literal_column("*")).select_from(table(name))).all()
            out[name] = sorted(tuple(map(repr, r)) for r in rows)
    return out


@contextmanager
def shared_unchanged(url: str, module: str) -> Iterator[str]:
    """Share the filled database at `url` with a module's tests; at the end it must be exactly as it is now,
    or a test wrote to it and the sharing was unsound."""
    db = Database(url)
    built = snapshot(db)
    yield url
    assert snapshot(db) == built, f"a test of {module} wrote to the shared database"
    db.dispose()


@contextmanager
def cli_on(url: str, data_dir: Path) -> Iterator[None]:
    """For the block, the CLI run in this process works on `url`, with `data_dir` as its data directory."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SHISHI_DATABASE_URL", url)
        patch.setenv("SHISHI_DATA_DIR", str(data_dir))
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


@contextmanager
def cli_database(url: str, data_dir: Path) -> Iterator[Database]:
    """The database at `url`, with the in-process CLI pointed at it (and `data_dir`) for the block."""
    with cli_on(url, data_dir):
        db = Database(url)
        yield db
        db.dispose()


def programme_copy(folder: Path, code: str, district: str, city: str = "上海市") -> Path:
    """The example programme under another code, district and city, written as a file in `folder`."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in (
        ("code: changning-2020", f"code: {code}"),
        ("district: 长宁区", f"district: {district}"),
    ):
        assert old in text
        text = text.replace(old, new)
    path = folder / f"{code}.yaml"
    path.write_text(text.replace("city: 上海市", f"city: {city}"), encoding="utf-8")
    return path


def wait_for(what: str, check: Callable[[], T | None], timeout: float, interval: float = 0.5) -> T:
    """Poll `check` until it returns something truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def downgrade_to(db: Database, revision: str) -> None:
    """Take the schema back to an Alembic revision, on the database's own connection."""
    from alembic import command

    from models.migrate import alembic_config

    cfg = alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def at_revision(db: Database, revision: str, statements: list[str]) -> None:
    """The schema at `revision`, holding the rows the SQL `statements` insert: an older database to upgrade."""
    downgrade_to(db, revision)
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def all_rows(db: Database, sql: str) -> list[tuple]:
    """Every row of a plain SQL query, as tuples."""
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]
