"""Engine and session setup: SQLite with WAL and IMMEDIATE writes, or PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_S = 15


class Database:
    """One application database: an engine, its read sessions and its write transactions."""

    def __init__(self, url: str, **engine_kw: Any) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            _ensure_sqlite_dir(url)
            engine_kw.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_S})
        self.engine: Engine = create_engine(url, **engine_kw)
        self._reads = sessionmaker(bind=self.engine, expire_on_commit=False)
        if self.is_sqlite:
            _configure_sqlite(self.engine, self._reads)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; it never commits."""
        with self._reads() as session:
            yield session

    @contextmanager
    def statement(self) -> Iterator[Connection]:
        """A connection for single statements outside any transaction: no BEGIN, no ROLLBACK round trip."""
        # SQLite's driver is already in autocommit: we emit BEGIN ourselves
        with self.engine.connect() as conn:
            yield conn if self.is_sqlite else conn.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """A Core connection in one write transaction (IMMEDIATE on SQLite); what is not committed is rolled back.

        Use cases do not open it themselves: `services.unit_of_work.UnitOfWork` does, and commits once.
        """
        with self.engine.connect() as conn:
            if self.is_sqlite:
                _begin_on_driver(conn, immediate=True)
            conn.begin()
            yield conn

    def is_initialised(self) -> bool:
        """True when `shishi init` has created the schema."""
        return inspect(self.engine).has_table("alembic_version")

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def upsert_into(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ON CONFLICT … DO UPDATE, in the connection's dialect (PostgreSQL or SQLite)."""
    return upsert_into_dialect(conn.dialect.name, table)


def upsert_into_dialect(name: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """`upsert_into` for a dialect's name."""
    return (postgresql if name == "postgresql" else sqlite).insert(table)


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split(":///", 1)[-1] if ":///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(engine: Engine, reads: sessionmaker[Session]) -> None:
    """WAL and the app's PRAGMAs on every connection; BEGIN (IMMEDIATE for writes) emitted by us.

    The BEGIN is sent from the session's `after_begin` and from `Database.write_connection`, not from an
    engine `begin` listener: any engine-level listener makes every statement dispatch its execute events.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cur.close()

    @event.listens_for(reads, "after_begin")
    def _on_read(_session: Session, _transaction: Any, conn: Connection) -> None:
        _begin_on_driver(conn, immediate=False)


def _begin_on_driver(conn: Connection, immediate: bool) -> None:
    """BEGIN straight to the driver: it needs no statement machinery, and every transaction pays it."""
    conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
