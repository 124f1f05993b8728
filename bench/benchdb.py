"""A fresh, migrated database for one benchmark run: a SQLite file, or a PostgreSQL database dropped at the end.

PostgreSQL: the server named by SHISHI_BENCH_PG_URL (default postgres@127.0.0.1:5432, any database on it);
the benchmark creates `shishi_bench_<random>` there, migrates it and drops it when done.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models.db import Database
from models.migrate import upgrade

PG_URL = os.environ.get("SHISHI_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def db_argument(parser: argparse.ArgumentParser) -> None:
    """Add `--db sqlite|postgres` to a benchmark's arguments."""
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite", help="default: sqlite")


@contextmanager
def fresh_database(kind: str, label: str) -> Iterator[Database]:
    """A new migrated database of that kind; a PostgreSQL one is dropped afterwards."""
    if kind == "sqlite":
        db = Database(f"sqlite:///{tempfile.mkdtemp(prefix=f'shishi-{label}-')}/bench.db")
        upgrade(db)
        try:
            yield db
        finally:
            db.dispose()
        return
    name = f"shishi_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    db = Database(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(db)
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def server_version(db: Database) -> str:
    """`SQLite 3.40.1` or `PostgreSQL 15.20`."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            return "SQLite " + conn.execute(text("SELECT sqlite_version()")).scalar_one()
        return "PostgreSQL " + conn.execute(text("SHOW server_version")).scalar_one().split()[0]


def postgres_answers() -> bool:
    """True when the benchmark PostgreSQL server accepts a connection."""
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:
        return False
    return True


if __name__ == "__main__":
    sys.exit(0 if postgres_answers() else 1)
