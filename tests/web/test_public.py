"""The public page and feed of a programme marked `public: true`: login-free, read-only, cacheable, safe
behind a public proxy, free of every person's name and email, and fitting a phone; a private one is 404."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml
from fastapi.testclient import TestClient

from admin.web.app import create_app
from models.db import Database
from models.settings import get_settings
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.people.users import add_user
from services.publishing.figures import period_figures
from services.publishing.store import publish_period
from services.refs import resolve_programme
from services.reporting.data import gather
from services.unit_of_work import UnitOfWork
from states.periods import period_end
from tests.browser import ARGS, chromium
from tests.conftest import EXAMPLE, _backends, shared_database_url
from tests.web.conftest import USERS

CODE = "changning-2020"
PRIVATE = "private-2020"
TODAY = date(2020, 10, 20)
HEAD = "  office_email: shishi-office@changning.example\n"


def _load(db: Database, folder: Path, code: str, extra: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(f"code: {CODE}", f"code: {code}")
    path = folder / f"{code}.yaml"
    path.write_text(text.replace(HEAD, HEAD + extra), encoding="utf-8")
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)


def _publish(db: Database, code: str, period: str) -> None:
    with UnitOfWork(db) as uow:
        programme = resolve_programme(uow.session, code)
        data = gather(uow.session, code, period)
        figures = period_figures(uow.session, programme.id, period_end(period), data)
        publish_period(uow, code, period, "区府办", None, False, [], figures, TODAY)


@pytest.fixture(scope="module", params=_backends())
def public_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> str:
    """Once per database kind: the example, public and published for 2020-09, a private copy (published too),
    and the web admin's users."""
    folder = tmp_path_factory.mktemp("public")
    url = shared_database_url(request, folder, sqlite_template)
    db = Database(url)
    _load(db, folder, CODE, "  public: true\n")
    _load(db, folder, PRIVATE, "")
    _publish(db, CODE, "2020-09")
    _publish(db, PRIVATE, "2020-09")
    for user in USERS.values():
        with UnitOfWork(db) as uow:
            add_user(uow, user)
    db.dispose()
    return url


@pytest.fixture
def public_db(public_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The shared database, with the environment the web app reads pointing at it."""
    monkeypatch.setenv("SHISHI_DATABASE_URL", public_url)
    monkeypatch.setenv("SHISHI_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    db = Database(public_url)
    yield db
    db.dispose()
    get_settings.cache_clear()


@pytest.fixture
def client(public_db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(), base_url="http://testserver", follow_redirects=False) as c:
        yield c


def _people() -> set[str]:
    """Every person's name and email of the example (people, department heads, leaders, reporters, the office
    mailbox) and of the web admin's users; and the publisher."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    found: set[str] = {"区府办", data["programme"]["office_email"]}
    found |= {p[k] for p in data.get("people", []) for k in ("name", "email") if p.get(k)}
    found |= {d[k] for d in data["departments"] for k in ("head", "email") if d.get(k)}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.update(str(node[k]) for k in ("leader", "by") if node.get(k))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data["items"])
    found |= {u.name for u in USERS.values()} | {u.email for u in USERS.values()}
    return found


def test_the_public_page_and_feed_show_lights_progress_and_leads_and_no_person(client: TestClient) -> None:
    page = client.get(f"/public/{CODE}", headers={"Cookie": "shishi_session=stale"})
    feed = client.get(f"/public/{CODE}/feed.json")
    assert page.status_code == feed.status_code == 200
    board = feed.json()
    assert board["report"]["period"] == "2020-09" and board["report"]["as_of"] == "2020-09-30"
    items = {i["number"]: i for i in board["items"]}
    assert len(items) == 12 and items[6]["lead"] == ["区残联"]
    assert (
        items[6]["light"] == {"colour": "yellow", "label": "黄灯"} and items[9]["light"]["colour"] == "green"
    )
    assert abs(items[6]["progress"] - 0.459) < 1e-6
    assert "第6项" in page.text and "区残联" in page.text and "黄灯" in page.text and "45.9%" in page.text
    people = _people()
    assert len(people) >= 10
    for text in (page.text, feed.text):
        leaked = sorted(p for p in people if p in text)
        assert not leaked, leaked
    assert set(board) == {"programme", "report", "items"}
    assert set(items[6]) == {"number", "title", "lead", "progress", "status", "light", "targets"}


def test_public_answers_are_cacheable_and_set_no_cookie_form_or_internal_link(client: TestClient) -> None:
    page = client.get(f"/public/{CODE}", headers={"Cookie": "shishi_session=stale"})
    for response in (page, client.get(f"/public/{CODE}/feed.json")):
        assert "set-cookie" not in response.headers
        assert response.headers["cache-control"] == "public, max-age=300"
        assert response.headers["etag"].startswith('"') and response.headers["last-modified"].endswith("GMT")
    assert "<form" not in page.text and "csrf" not in page.text
    links = re.findall(r'(?:href|src)="([^"]*)"', page.text)
    assert links and all(link.startswith("/public/") or link == "data:," for link in links), links
    assert not client.cookies
    head = client.head(f"/public/{CODE}")
    assert head.status_code == 200 and head.headers["etag"] == page.headers["etag"]


def test_an_unchanged_public_page_answers_304(client: TestClient) -> None:
    first = client.get(f"/public/{CODE}")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get(f"/public/{CODE}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(f"/public/{CODE}", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(f"/public/{CODE}", headers={"If-Modified-Since": modified}).status_code == 304
    feed = client.get(f"/public/{CODE}/feed.json")
    assert feed.headers["etag"] != etag  # the page and the feed are two representations
    assert (
        client.get(f"/public/{CODE}/feed.json", headers={"If-None-Match": feed.headers["etag"]}).status_code
        == 304
    )


def test_a_programme_not_marked_public_has_no_public_page(client: TestClient) -> None:
    for path in (
        f"/public/{PRIVATE}",
        f"/public/{PRIVATE}/feed.json",
        "/public/nothing-2020",
        "/public/a/b/c",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "set-cookie" not in response.headers
        assert PRIVATE not in response.text and "长宁区" not in response.text
        assert 'href="/"' not in response.text and "/login" not in response.text


def test_a_programme_becomes_public_or_private_by_reloading_its_file(
    public_db: Database, client: TestClient, tmp_path: Path
) -> None:
    _load(public_db, tmp_path, PRIVATE, "  public: true\n")
    try:
        assert client.get(f"/public/{PRIVATE}").status_code == 200
    finally:
        _load(public_db, tmp_path, PRIVATE, "")  # the module's other tests share this database
    assert client.get(f"/public/{PRIVATE}").status_code == 404


@pytest.fixture
def live_url(public_db: Database) -> Iterator[str]:
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


def test_the_public_page_fits_a_desktop_and_a_phone_in_chromium(live_url: str, tmp_path: Path) -> None:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        try:
            for width, height in ((1366, 900), (390, 844)):
                context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                page = context.new_page()
                page.goto(f"{live_url}/public/{CODE}")
                page.screenshot(path=str(tmp_path / f"public-{width}.png"), full_page=True)
                scroll = page.evaluate("document.scrollingElement.scrollWidth")
                inner = page.evaluate("window.innerWidth")
                assert scroll <= inner, f"{scroll} px wide at {width} px"
                assert page.locator('[data-item="6"] [data-testid=light]').inner_text() == "黄灯"
                dot = page.locator('[data-item="6"] [data-testid=light]')
                assert (
                    dot.evaluate("e => getComputedStyle(e, '::before').backgroundColor")
                    == "rgb(214, 158, 46)"
                )
                assert page.locator("[data-testid=public-items] > li").count() == 12
                assert context.cookies() == []
                context.close()
        finally:
            browser.close()
