"""One unit of work per use case: it begins, commits once, and rolls back whatever was not committed.

    with UnitOfWork(db) as uow:
        load_programme(uow, checked, actor, today)   # the use case calls uow.commit() once

Underneath is one Core connection in one write transaction (BEGIN IMMEDIATE on SQLite). A use case
that works with ORM objects uses `uow.session`, a Session on that same connection and transaction;
the stage change, whose cost is the statement machinery, uses `uow.connection` directly. Either way
the only commit is `uow.commit()`. The commit also raises the data revisions of what the use case
changed (`services.revisions`): everything, unless it named one item or said no page shows its change.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from types import TracebackType

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from models.db import Database
from services.revisions import EVERYTHING, item_key, programme_key, progress_key, project_key, raise_revisions


class UnitOfWork:
    """A write transaction for one use case: `with UnitOfWork(db) as uow: …; uow.commit()`."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._opened: AbstractContextManager[Connection] | None = None
        self._connection: Connection | None = None
        self._session: Session | None = None
        self._changed: set[str] | None = None
        self.committed = False

    def __enter__(self) -> UnitOfWork:
        self._opened = self.db.write_connection()
        self._connection = self._opened.__enter__()
        self.committed = False
        self._changed = None
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if not self.committed:
                self.rollback()
            if self._session is not None:
                self._session.close()
        finally:
            self._session, self._connection = None, None
            opened, self._opened = self._opened, None
            if opened is not None:
                opened.__exit__(kind, error, tb)

    @property
    def connection(self) -> Connection:
        """The transaction's Core connection."""
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use `with UnitOfWork(db) as uow:`")
        return self._connection

    @property
    def session(self) -> Session:
        """An ORM session on the same connection and transaction, made when first asked for."""
        if self._session is None:
            self._session = Session(bind=self.connection, expire_on_commit=False)
        return self._session

    def changes_item(self, code: str, number: int) -> None:
        """Say this write changes that item's page (and so its programme's list); no project's page."""
        self._changed = (self._changed or set()) | {item_key(code, number), programme_key(code)}

    def changes_progress(self, code: str, number: int) -> None:
        """Say this write files progress for that item: its page, and dashboards computed for a given day."""
        self._changed = (self._changed or set()) | {item_key(code, number), progress_key(code)}

    def changes_project(self, code: str, ref: str) -> None:
        """Say this write changes what one project's page shows (its stage, documents, notices)."""
        self._changed = (self._changed or set()) | {project_key(code, ref)}

    def changes_no_page(self) -> None:
        """Say this write changes nothing a cached page shows (the outbox, login failures, report files)."""
        self._changed = self._changed or set()

    def commit(self) -> None:
        """Write what the session holds, raise the changed scopes' revisions and commit: the one commit."""
        if self._session is not None:
            self._session.flush()
        raise_revisions(self.connection, {EVERYTHING} if self._changed is None else self._changed)
        self.connection.commit()
        self.committed = True

    def rollback(self) -> None:
        """Forget everything since the transaction began."""
        if self._session is not None:
            self._session.rollback()
        if self._connection is not None:
            self._connection.rollback()
