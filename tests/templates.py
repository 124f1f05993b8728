"""Filled databases made once per test process and copied for each test that starts from them.

A fixture that loads the example, recomputes it and adds logins costs a second or more per test; the
tests then differ only in what they do next. `Filled.into(url, key, build)` runs `build` the first time a
key is asked for on a backend, keeps the result as a template, and from then on copies the template into
the test's own fresh database: a file copy on SQLite, `CREATE DATABASE … TEMPLATE` on PostgreSQL. Each test
still gets a database nothing else writes to.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from models.db import Database

if TYPE_CHECKING:
    from tests.conftest import PgServer


class Filled:
    """The templates of one test process: SQLite files in `folder`, PostgreSQL databases on `server`."""

    def __init__(self, folder: Path, server: PgServer | None) -> None:
        self.folder = folder
        self.server = server
        self._made: dict[tuple[str, str], str] = {}

    def into(self, url: str, key: str, build: Callable[[Database], None]) -> None:
        """Make the fresh database at `url` hold what `build` writes into an empty one (built once per key)."""
        backend = "sqlite" if url.startswith("sqlite") else "postgresql"
        template = self._made.get((key, backend))
        if template is None:
            template = self._build(url, key, backend, build)
            self._made[(key, backend)] = template
        if backend == "sqlite":
            target = Path(make_url(url).database or "")
            for extra in ("-wal", "-shm"):
                Path(f"{target}{extra}").unlink(missing_ok=True)
            shutil.copyfile(template, target)
        else:
            self._server().recreate(make_url(url).database or "", template)

    def _build(self, url: str, key: str, backend: str, build: Callable[[Database], None]) -> str:
        if backend == "sqlite":
            path = self.folder / f"{key}.db"
            shutil.copyfile(make_url(url).database or "", path)
            template_url = f"sqlite:///{path}"
        else:
            template_url = self._server().create(template=self._server().template)
        db = Database(template_url)
        try:
            build(db)
        finally:
            db.dispose()
        return str(path) if backend == "sqlite" else make_url(template_url).database or ""

    def _server(self) -> PgServer:
        assert self.server is not None, "PostgreSQL is not configured"
        return self.server


EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "changning-2020.yaml"


def load_example(db: Database, filled: Filled, today: date) -> Database:
    """Make the fresh `db` hold the example as `load_programme` leaves it on `today` (copied from a template)."""

    def build(template: Database) -> None:
        from services.loading.apply import load_programme
        from services.loading.reader import read_programme_file
        from services.unit_of_work import UnitOfWork

        with UnitOfWork(template) as uow:
            load_programme(uow, read_programme_file(EXAMPLE, today), "测试", today)

    filled.into(db.url, f"example-{today.isoformat()}", build)
    return db
