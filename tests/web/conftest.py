"""A loaded programme with three logins, served in-process (TestClient) or on loopback (uvicorn)."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from admin.web.app import create_app
from models.db import Database
from models.settings import get_settings
from services.health.recompute import recompute
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.people.users import UserInput, add_user
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE, PgServer

CODE = "changning-2020"
AS_OF = date(2020, 9, 30)
USERS = {
    "admin": UserInput("办公室", "office@cn.example", "admin", "office-pass-1"),
    "civil": UserInput("民政科", "mz@cn.example", "department", "civil-pass-1", "区民政局"),
    "sport": UserInput("体育科", "ty@cn.example", "department", "sport-pass-1", "区体育局"),
    "viewer": UserInput("督查室", "dc@cn.example", "viewer", "viewer-pass-1"),
}


@dataclass
class Site:
    """The database behind the web admin and the logins on it."""

    db: Database
    users: dict[str, UserInput]


def build_site(db: Database) -> None:
    """The example programme, its 2020-09-30 schedule health, and one login per role."""
    today = date(2020, 10, 20)
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, today), "测试", today)
    with UnitOfWork(db) as uow:
        recompute(uow, resolve_programme(uow.session, CODE), AS_OF)
    for data in USERS.values():
        with UnitOfWork(db) as uow:
            add_user(uow, data)


@dataclass
class SiteTemplates:
    """The database `build_site` fills, built once per run and backend, that each test's `site` copies."""

    folder: Path
    sqlite_template: Path
    pg: PgServer | None
    built: dict[str, str] = field(default_factory=dict)

    def sqlite(self) -> Path:
        if "sqlite" not in self.built:
            path = self.folder / "site.db"
            shutil.copy(self.sqlite_template, path)
            db = Database(f"sqlite:///{path}")
            build_site(db)
            db.dispose()
            self.built["sqlite"] = str(path)
        return Path(self.built["sqlite"])

    def postgresql(self) -> str:
        """The name of the template database (no connection may stay open on it)."""
        assert self.pg is not None
        if "postgresql" not in self.built:
            url = self.pg.create(template=self.pg.template)
            db = Database(url)
            build_site(db)
            db.dispose()
            self.built["postgresql"] = make_url(url).database
        return self.built["postgresql"]


@pytest.fixture(scope="session")
def site_templates(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> SiteTemplates:
    return SiteTemplates(tmp_path_factory.mktemp("site"), sqlite_template, None)


@pytest.fixture
def site(
    env: dict[str, str],
    db_url: str,
    site_templates: SiteTemplates,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Site]:
    """A database of the test's own holding `build_site`'s state: a copy of the one built once per backend
    (what a test writes stays in its copy)."""
    if db_url.startswith("sqlite"):
        # nothing has opened the test's fresh file yet: it becomes a copy of the built site
        shutil.copy(site_templates.sqlite(), make_url(db_url).database)
        url, release = db_url, None
    else:
        server: PgServer = request.getfixturevalue("pg_server")
        site_templates.pg = server
        url = server.create(template=site_templates.postgresql())
        release = server
        env["SHISHI_DATABASE_URL"] = url
        monkeypatch.setenv("SHISHI_DATABASE_URL", url)
        get_settings.cache_clear()
    db = Database(url)
    yield Site(db, USERS)
    db.dispose()
    if release is not None:
        release.release(url)


@pytest.fixture
def client(site: Site) -> Iterator[TestClient]:
    """The app in-process, as a browser without JavaScript would use it."""
    with TestClient(create_app(), base_url="http://testserver", follow_redirects=False) as c:
        yield c


def login(client: TestClient, who: UserInput) -> str:
    """Log in through the form; return the session's CSRF token."""
    form = client.get("/login")
    token = csrf_of(form.text)
    response = client.post("/login", data={"login": who.name, "password": who.password, "csrf": token})
    assert response.status_code == 303, response.text
    return csrf_of(client.get(f"/p/{CODE}").text)


def csrf_of(html: str) -> str:
    """The CSRF token a page carries in its forms."""
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.fixture
def live_url(site: Site) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, for a real browser."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    ready = threading.Event()
    while not server.started and thread.is_alive():
        ready.wait(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
