"""A login through the shared throttle: a locked account or address is refused before its password is checked."""

from __future__ import annotations

from datetime import UTC, datetime

from models.db import Database
from services.people.throttle import is_locked, record_failure, record_success
from services.people.users import UserView, authenticate
from services.unit_of_work import UnitOfWork

LOCKED_MESSAGE = "密码错误次数过多，请 15 分钟后再试或联系管理员"


class Locked(Exception):
    """The account (whatever spelling of it was typed) or the client address is locked for now."""


def attempt(db: Database, login: str, password: str, address: str | None) -> UserView | None:
    """The user when name-or-email and password match; None on a wrong password; Locked while locked."""
    now = datetime.now(UTC)
    with db.read() as session:
        if is_locked(session, login, address, now):
            raise Locked()
    with UnitOfWork(db) as uow:
        user = authenticate(uow, login, password)
    with UnitOfWork(db) as uow:
        if user is None:
            record_failure(uow, login, address, now)
        else:
            record_success(uow, user.id)
    return user
