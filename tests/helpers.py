"""Helpers shared by the tests: run the CLI in-process, and dump a database to compare states."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, select
from typer.testing import CliRunner

from admin.cli.app import app
from models.db import Database
from models.settings import get_settings

_runner = CliRunner()


def cli(*args: str) -> Any:
    """Run `shishi ARGS` in this process against the environment set by the `env` fixture."""
    get_settings.cache_clear()
    return _runner.invoke(app, list(args), catch_exceptions=False)


def snapshot(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal snapshots mean an unchanged database."""
    meta = MetaData()
    meta.reflect(db.engine)
    out: dict[str, list[tuple]] = {}
    with db.engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            rows = conn.execute(select(table)).all()
            out[name] = sorted(tuple(map(repr, r)) for r in rows)
    return out
