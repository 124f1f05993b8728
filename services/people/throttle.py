"""Use cases: failed logins counted per account and per client address, in the database.

Every web process sees the same counts. A typed login (name or email, in any case) counts against the
account it names; a login that names nobody counts under its normalised text. Five failures within 15
minutes lock the account (or text) for 15 minutes; thirty lock the client address. The store prunes
old, unlocked rows and never a locked one.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, case, delete, func, literal, or_, select, update
from sqlalchemy.orm import Session

from models import LoginFailure, User
from models.base import Timestamp
from models.db import upsert_into
from services.unit_of_work import UnitOfWork

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 30
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
MAX_ROWS = 10_000
TABLE = LoginFailure.__table__
Key = tuple[str, str]


def subject(session: Session, login: str) -> Key:
    """('account', user id) when the text names a user by name or email in any case, else ('login', text)."""
    text = unicodedata.normalize("NFKC", login).strip()
    lowered = text.lower()
    user_id = session.scalar(
        select(User.id)
        .where(or_(User.name == text, func.lower(User.name) == lowered, func.lower(User.email) == lowered))
        .order_by((User.name == text).desc(), User.id)
        .limit(1)
    )
    return ("account", str(user_id)) if user_id is not None else ("login", lowered[:200])


def is_locked(session: Session, login: str, address: str | None, now: datetime) -> bool:
    """True while the account (or unknown login) or the client address is locked."""
    keys = [subject(session, login)] + ([("address", address[:200])] if address else [])
    which = or_(*(and_(LoginFailure.scope == scope, LoginFailure.key == key) for scope, key in keys))
    return (
        session.scalar(select(LoginFailure.id).where(which, LoginFailure.locked_until > now).limit(1))
        is not None
    )


def record_failure(uow: UnitOfWork, login: str, address: str | None, now: datetime) -> None:
    """Count one failure against the account and the address, lock what reached its limit; one commit."""
    scope, key = subject(uow.session, login)
    conn = uow.connection
    _bump(conn, scope, key, now, MAX_FAILURES)
    if address:
        _bump(conn, "address", address[:200], now, MAX_ADDRESS_FAILURES)
    _prune(conn, now)
    uow.changes_no_page()
    uow.commit()


def record_success(uow: UnitOfWork, user_id: int) -> None:
    """Forget the failures of an account that got in (its address keeps its count); one commit."""
    forget_account(uow.connection, user_id)
    uow.changes_no_page()
    uow.commit()


def forget_account(conn: Connection, user_id: int) -> None:
    """Drop an account's failures and lock (a login that succeeded, or a password an administrator reset);
    the caller's unit of work commits."""
    conn.execute(delete(TABLE).where(TABLE.c.scope == "account", TABLE.c.key == str(user_id)))


def _bump(conn: Connection, scope: str, key: str, now: datetime, limit: int) -> None:
    """Add one failure (a fresh count once the window has passed), then lock at the limit."""
    at = literal(now, Timestamp)
    stale = TABLE.c.first_failed_at < literal(now - WINDOW, Timestamp)
    statement = upsert_into(conn, TABLE).values(
        scope=scope, key=key, failures=1, first_failed_at=now, last_failed_at=now, locked_until=None
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["scope", "key"],
            set_={
                "failures": case((stale, 1), else_=TABLE.c.failures + 1),
                "first_failed_at": case((stale, at), else_=TABLE.c.first_failed_at),
                "locked_until": case((stale, None), else_=TABLE.c.locked_until),
                "last_failed_at": at,
            },
        )
    )
    conn.execute(
        update(TABLE)
        .where(
            TABLE.c.scope == scope,
            TABLE.c.key == key,
            TABLE.c.failures >= limit,
            or_(TABLE.c.locked_until.is_(None), TABLE.c.locked_until <= now),
        )
        .values(locked_until=now + LOCK)
    )


def _prune(conn: Connection, now: datetime) -> None:
    """Drop unlocked rows older than the window, then the oldest unlocked ones beyond MAX_ROWS."""
    unlocked = or_(TABLE.c.locked_until.is_(None), TABLE.c.locked_until <= now)
    conn.execute(delete(TABLE).where(unlocked, TABLE.c.last_failed_at < now - WINDOW))
    excess = (conn.scalar(select(func.count()).select_from(TABLE)) or 0) - MAX_ROWS
    if excess > 0:
        oldest = select(TABLE.c.id).where(unlocked).order_by(TABLE.c.last_failed_at).limit(excess)
        conn.execute(delete(TABLE).where(TABLE.c.id.in_(oldest)))
