"""Shared fixtures: a fresh, migrated database per test on SQLite and, when configured, PostgreSQL.

Set SHISHI_TEST_DATABASE_URL to a PostgreSQL server URL (any database on it; we connect to it only
to create and drop our own databases). With SHISHI_REQUIRE_POSTGRES=1 (as in CI) an unreachable
server is an error instead of a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models.db import Database
from models.migrate import upgrade
from models.settings import get_settings
from tests.templates import Filled

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "changning-2020.yaml"
PG_URL = os.environ.get("SHISHI_TEST_DATABASE_URL", "")
REQUIRE_PG = os.environ.get("SHISHI_REQUIRE_POSTGRES") == "1"


@dataclass
class PgServer:
    """Creates databases on the test PostgreSQL server, from one migrated template."""

    admin_url: str
    prefix: str
    template: str | None = None
    made: list[str] = field(default_factory=list)
    # a test's database is dropped behind the next tests (each DROP DATABASE waits for a checkpoint)
    dropper: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, "drop-database"))

    def _admin(self):
        return create_engine(self.admin_url, isolation_level="AUTOCOMMIT")

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{uuid.uuid4().hex[:8]}"
        engine = self._admin()
        with engine.connect() as conn:
            suffix = f" TEMPLATE {template}" if template else ""
            conn.execute(text(f"CREATE DATABASE {name}{suffix}"))
        engine.dispose()
        self.made.append(name)
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def recreate(self, name: str, template: str) -> None:
        """Make the test's database `name` a fresh copy of `template` (tests.templates.Filled)."""
        engine = self._admin()
        with engine.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
        engine.dispose()

    def release(self, url: str) -> None:
        """Drop a test's database in the background, once the test is done with it."""
        name = make_url(url).database
        if name in self.made:
            self.made.remove(name)
            self.dropper.submit(self._drop, [name])

    def _drop(self, names: list[str]) -> None:
        engine = self._admin()
        with engine.connect() as conn:
            for name in names:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()

    def drop_all(self) -> None:
        """Wait for the background drops, then drop what is left (the template last)."""
        self.dropper.shutdown(wait=True)
        self._drop(list(reversed(self.made)))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer | None]:
    """The PostgreSQL server for this run, with a migrated template database; None when not configured."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.exit("SHISHI_REQUIRE_POSTGRES=1 but SHISHI_TEST_DATABASE_URL is not set", returncode=3)
        yield None
        return
    server = PgServer(PG_URL, f"shishi_t{os.getpid()}")
    try:
        url = server.create()
    except Exception as exc:
        if REQUIRE_PG:
            pytest.exit(f"PostgreSQL required but unreachable: {exc}", returncode=3)
        yield None
        return
    db = Database(url)
    upgrade(db)
    db.dispose()
    server.template = make_url(url).database
    try:
        yield server
    finally:
        server.drop_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("template") / "shishi.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return path


def _backends() -> list:
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def shared_database_url(request: pytest.FixtureRequest, folder: Path, sqlite_template: Path) -> str:
    """A fresh, migrated database of the backend `request` is parametrized with, for a module's fixture
    that fills it once (the SQLite file in `folder`); skips when PostgreSQL is not configured."""
    if request.param == "sqlite":
        shutil.copy(sqlite_template, folder / "shishi.db")
        return f"sqlite:///{folder / 'shishi.db'}"
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip("PostgreSQL not configured (set SHISHI_TEST_DATABASE_URL)")
    return server.create(template=server.template)


@pytest.fixture(params=_backends())
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """URL of a fresh, migrated, empty database on each configured backend."""
    if request.param == "sqlite":
        target = tmp_path / "shishi.db"
        shutil.copy(sqlite_template, target)
        yield f"sqlite:///{target}"
        return
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip("PostgreSQL not configured (set SHISHI_TEST_DATABASE_URL)")
    url = server.create(template=server.template)
    yield url
    server.release(url)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A Database on a fresh schema."""
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def filled(tmp_path_factory: pytest.TempPathFactory, pg_server: PgServer | None) -> Filled:
    """Databases filled once per test process (the example loaded, logins added) and copied per test."""
    return Filled(tmp_path_factory.mktemp("filled"), pg_server)


@pytest.fixture(scope="session", autouse=True)
def cache_of_this_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The Prefect database template (flows.prefect_template) lives in this run's folders, not the user's."""
    before = os.environ.get("SHISHI_CACHE_DIR")
    os.environ["SHISHI_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("SHISHI_CACHE_DIR", None)
    else:
        os.environ["SHISHI_CACHE_DIR"] = before


@pytest.fixture(scope="session", autouse=True)
def no_local_prefect_server_left(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A last guard for CI: kill any local Prefect server or runner still running under this run's temporary folders."""
    yield
    import signal

    from flows.process import servers_under
    from flows.runner_link import runners_under

    root = tmp_path_factory.getbasetemp()
    for pid in servers_under(root) + runners_under(root):
        os.killpg(pid, signal.SIGKILL)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id with argon2-cffi's test parameters in this process: the real hasher and its checks, without
    its deliberate 0.3–0.5 s per login, which the web tests would pay hundreds of times."""
    from argon2 import PasswordHasher, profiles

    from services.people import passwords

    cheap = PasswordHasher.from_parameters(profiles.CHEAPEST)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "hasher", lambda: cheap)
        passwords._dummy_hash.cache_clear()
        yield
    passwords._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One temporary Prefect server and database for the whole run (flows and the stage commands)."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    # record task runs at once, so a test can read them back right after its flow run
    os.environ["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"] = "1"
    from flows import runtime

    runtime.configure()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        from prefect.settings import PREFECT_API_URL

        # the commands run by the tests (in-process or as children) use this server, not a local one
        os.environ["PREFECT_API_URL"] = PREFECT_API_URL.value()
        try:
            yield
        finally:
            os.environ.pop("PREFECT_API_URL", None)


@pytest.fixture
def env(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_server: None
) -> Iterator[dict[str, str]]:
    """Environment that points the CLI at the test database and a private data directory."""
    values = {"SHISHI_DATABASE_URL": db_url, "SHISHI_DATA_DIR": str(tmp_path / "data")}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield values
    get_settings.cache_clear()


SQL_LAYER = ("tests/integration/",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL runs the SQL layer's tests (tests/integration) and the web and end-to-end modules that say
    `ON_POSTGRESQL = True` (locks, races, the page cache's revisions, the nightly killed mid-transaction);
    the other web and CLI tests drive the same use cases and SQL, and run on SQLite only, which keeps the
    suite within the CI's time on two cores."""
    keep, dropped = [], []
    for item in items:
        path = item.nodeid.replace("\\", "/")
        on_pg = item.get_closest_marker("postgres") is not None
        opted = path.startswith(SQL_LAYER) or getattr(item.module, "ON_POSTGRESQL", False)
        (dropped if on_pg and not opted else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
