"""Data revisions: the scopes a committed write changed, raised in its transaction; read before a cached page.

A write that names nothing raises `*`, which every cached page depends on: forgetting to name a scope costs
speed, never freshness. A use case names what it changed instead: an item (`UnitOfWork.changes_item`: the
item's page and its programme's list, the dashboard), a project (`UnitOfWork.changes_project`: its page), or
nothing a cached page shows (`UnitOfWork.changes_no_page`: the outbox, login failures, report files). A
progress report changes its item's page and its programme's filed progress (`UnitOfWork.changes_progress`),
not the dashboard of the latest snapshot; a document its project; a stage change or a notice about a
project both.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from functools import cache

from sqlalchemy import Connection, bindparam, literal_column, select
from sqlalchemy.engine import Dialect

from models import Revision
from models.db import upsert_into_dialect

EVERYTHING = "*"
_TABLE = Revision.__table__
_READ = select(Revision.key, Revision.n)


def programme_key(code: str) -> str:
    """The scope of a programme's list of items (its dashboard and API answer)."""
    return f"p:{code.strip().lower()}"


def progress_key(code: str) -> str:
    """The scope of a programme's filed progress, which a dashboard shows only for a day it computes in memory
    (a day given as `as_of`); the latest stored snapshot, the default, does not change with a report."""
    return f"r:{code.strip().lower()}"


def dashboard_scopes(code: str, day: object | None) -> tuple[str, ...]:
    """What a programme's dashboard (page or API) read for `day` (None: the latest stored snapshot) depends on."""
    return (programme_key(code),) if day is None else (programme_key(code), progress_key(code))


def item_key(code: str, number: int) -> str:
    """The scope of one item: its page, its projects' pages and their API answers."""
    return f"i:{code.strip().lower()}/{number}"


def project_key(code: str, ref: str) -> str:
    """The scope of one project: its page and its API answer."""
    return f"x:{code.strip().lower()}/{ref}"


def raise_revisions(conn: Connection, keys: Iterable[str]) -> None:
    """Raise each key's counter by one (a new key starts at a random number); one upsert, sent per key."""
    sql, positional = _upsert(conn.dialect)
    rows = [(key, secrets.randbits(48)) for key in sorted(set(keys))]  # sorted: no deadlock between two
    if rows:
        conn.exec_driver_sql(sql, rows if positional else [{"key": k, "start": n} for k, n in rows])


@cache
def _upsert(dialect: Dialect) -> tuple[str, bool]:
    """The upsert's SQL for a dialect, compiled once (every commit sends it), and its parameter style."""
    statement = upsert_into_dialect(dialect.name, _TABLE).values(key=bindparam("key"), n=bindparam("start"))
    statement = statement.on_conflict_do_update(
        index_elements=["key"], set_={"n": _TABLE.c.n + literal_column("1")}
    )
    compiled = statement.compile(dialect=dialect)
    assert not compiled.positional or compiled.positiontup == ["key", "start"]
    return compiled.string, compiled.positional


def read_revisions(conn: Connection, keys: tuple[str, ...]) -> tuple[int, ...]:
    """The counters of those keys (0 for a key never raised), in the keys' order: one statement, compiled once
    (every page read sends it)."""
    sql, positional = _select(conn.dialect, len(keys))
    rows = conn.exec_driver_sql(sql, keys if positional else {f"k{i}": k for i, k in enumerate(keys)})
    found: dict[str, int] = dict(rows.all())  # type: ignore[arg-type]
    return tuple(int(found.get(key, 0)) for key in keys)


@cache
def _select(dialect: Dialect, count: int) -> tuple[str, bool]:
    """The read of `count` keys' counters for a dialect, compiled once."""
    compiled = _READ.where(Revision.key.in_([bindparam(f"k{i}") for i in range(count)])).compile(
        dialect=dialect
    )
    return compiled.string, compiled.positional
