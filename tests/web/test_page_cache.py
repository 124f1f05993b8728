"""The web's page cache: a page read again is served from memory only while no write has changed its data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from admin.web.app import create_app
from admin.web.page_cache import MISSING, PageCache
from services.health.recompute import recompute
from services.people.management import Actor as ManagementActor
from services.people.management import set_active
from services.progress.record import ProgressInput, record_progress
from services.refs import resolve_programme
from services.stage_change.evidence import record_evidence
from services.stage_change.request import EvidenceInput, StageChange
from services.stage_change.use_case import change_stage
from services.supervision.requests import Actor, IssueInput
from services.supervision.use_case import issue_notice
from services.unit_of_work import UnitOfWork
from tests.web.conftest import CODE, USERS, Site, login

ON_POSTGRESQL = True  # run on PostgreSQL too (see tests/conftest.py)

TODAY = date(2020, 10, 20)
CSRF = re.compile(r'(name="csrf" value="|name="csrf-token" content=")[^"]+"')
ITEM_2_PROJECTS = [f"2.{n}" for n in range(1, 10)]


@pytest.fixture
def cached(site: Site) -> Iterator[TestClient]:
    """The web admin with its page cache, logged in as the office."""
    with TestClient(create_app(), base_url="http://testserver", follow_redirects=False) as c:
        login(c, USERS["admin"])
        yield c


@pytest.fixture
def fresh(site: Site) -> Iterator[TestClient]:
    """The same web admin without a page cache: every read from the database."""
    app = create_app()
    app.state.page_cache = PageCache(0)
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        login(c, USERS["admin"])
        yield c


def _pages() -> list[str]:
    """Every page and API read the cache keeps, for the whole example's items and item 2's projects."""
    items = [f"/p/{CODE}/items/{n}" for n in range(1, 13)]
    projects = [f"/p/{CODE}/projects/{ref}" for ref in ITEM_2_PROJECTS]
    api = [f"/api/programmes/{CODE}", f"/api/programmes/{CODE}/items/2", f"/api/programmes/{CODE}/items/3"]
    api += [f"/api/programmes/{CODE}/projects/{ref}" for ref in ITEM_2_PROJECTS[:3]]
    # a day with no stored snapshot: its health is computed, with the progress filed
    api += [f"/api/programmes/{CODE}?as_of=2020-10-20"]
    return [
        f"/p/{CODE}",
        f"/p/{CODE}?as_of=2020-09-30",
        f"/p/{CODE}?as_of=2020-10-20",
        *items,
        *projects,
        *api,
    ]


def _read(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text[:300])
    return CSRF.sub(r"\1…", response.text)


def _same_as_fresh(cached: TestClient, fresh: TestClient) -> None:
    for path in _pages():
        assert _read(cached, path) == _read(fresh, path), path


def _progress(site: Site, note: str) -> None:
    with UnitOfWork(site.db) as uow:
        data = ProgressInput("2", "民政科", TODAY, Decimal(7), target=3, note=note, programme=CODE)
        record_progress(uow, data, TODAY)


def _writes(site: Site) -> Iterator[str]:
    """One committed write of each kind, as the CLI or another web worker would make it (not this app)."""
    _progress(site, "第三季度新增助餐点两个")
    yield "a progress report"
    # a reported figure: the health computed for a day with no snapshot moves
    with UnitOfWork(site.db) as uow:
        data = ProgressInput("5", "区文旅局", TODAY, Decimal(9000), target=1, programme=CODE)
        record_progress(uow, data, TODAY)
    yield "a progress report with a figure"
    with UnitOfWork(site.db) as uow:
        record_evidence(
            uow, "2.9", EvidenceInput("permit", "长建施〔2020〕9号", TODAY), "办公室", TODAY, CODE
        )
    yield "a document"
    with UnitOfWork(site.db) as uow:
        evidence = (EvidenceInput("acceptance", "长民验〔2020〕3号", date(2020, 10, 9)),)
        change_stage(
            uow, StageChange("2.8", "advance", "张三", at=date(2020, 10, 10), evidence=evidence), TODAY
        )
    yield "a stage change"
    for ref, about in (("3", "an item"), ("2.5", "a project")):
        with UnitOfWork(site.db) as uow:
            notice = IssueInput(ref, "进度滞后", "五日内报送整改计划", programme=CODE)
            issue_notice(uow, notice, Actor.office("督查科"), TODAY)
        yield f"a notice about {about}"
    with UnitOfWork(site.db) as uow:
        recompute(uow, resolve_programme(uow.session, CODE), date(2020, 10, 31))
    yield "the nightly"


def test_every_cached_page_equals_a_fresh_read_after_each_kind_of_write(
    site: Site, cached: TestClient, fresh: TestClient
) -> None:
    _same_as_fresh(cached, fresh)
    for what in _writes(site):
        _same_as_fresh(cached, fresh)  # the cached app read every page before the write
        assert cached.app.state.page_cache.hits > 0, what  # type: ignore[attr-defined]


def test_a_page_read_again_without_a_write_sends_one_statement(site: Site, cached: TestClient) -> None:
    statements: list[str] = []
    engine = cached.app.state.db.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for path in (f"/p/{CODE}", f"/p/{CODE}/items/2", f"/p/{CODE}/projects/2.8", f"/api/programmes/{CODE}"):
        _read(cached, path)
        statements.clear()
        _read(cached, path)
        assert len(statements) == 1, (path, statements)  # the revisions; the user is known under them
    statements.clear()
    cached.get(f"/api/programmes/{CODE}/items/2", auth=(USERS["civil"].name, USERS["civil"].password))
    cached.get(f"/api/programmes/{CODE}/items/2", auth=(USERS["civil"].name, USERS["civil"].password))
    assert sum("revisions" in s for s in statements) == 2 and len(statements) > 2  # the first read loads


def test_a_disabled_user_is_refused_at_once_though_their_pages_are_cached(
    site: Site, cached: TestClient
) -> None:
    auth = (USERS["civil"].name, USERS["civil"].password)
    assert cached.get(f"/api/programmes/{CODE}/items/2", auth=auth).status_code == 200
    assert cached.get(f"/api/programmes/{CODE}/items/2", auth=auth).status_code == 200
    with UnitOfWork(site.db) as uow:
        set_active(uow, USERS["civil"].name, False, ManagementActor(USERS["admin"].name, "cli"))
    assert cached.get(f"/api/programmes/{CODE}/items/2", auth=auth).status_code == 401
    assert cached.get(f"/p/{CODE}").status_code == 200  # the office's session stays


def test_a_write_to_one_item_keeps_the_other_items_pages(site: Site, cached: TestClient) -> None:
    cache: PageCache = cached.app.state.page_cache  # type: ignore[attr-defined]
    _read(cached, f"/p/{CODE}/items/2")
    _read(cached, f"/p/{CODE}/items/3")
    _progress(site, "本月完成助餐点验收")
    hits = cache.hits
    _read(cached, f"/p/{CODE}/items/3")
    assert cache.hits == hits + 1
    assert "本月完成助餐点验收" in _read(cached, f"/p/{CODE}/items/2")
    assert cache.hits == hits + 1


def test_a_department_user_never_gets_the_offices_cached_page(site: Site, cached: TestClient) -> None:
    office = _read(cached, f"/p/{CODE}")
    with TestClient(cached.app, base_url="http://testserver", follow_redirects=False) as other:
        login(other, USERS["sport"])
        mine = _read(other, f"/p/{CODE}")
        assert mine != CSRF.sub(r"\1…", office)
        assert other.get(f"/p/{CODE}/items/2").status_code == 403  # 区民政局's item, cached for the office
    assert cached.get(f"/p/{CODE}/items/2").status_code == 200


def test_the_cache_keeps_at_most_its_bound_and_drops_the_least_recently_used() -> None:
    cache = PageCache(2)
    cache.put("a", (1,), "A")
    cache.put("b", (1,), "B")
    assert cache.get("a", (1,)) == "A"
    cache.put("c", (1,), "C")
    assert len(cache) == 2
    assert cache.get("b", (1,)) is MISSING  # read least recently: dropped
    assert cache.get("a", (1,)) == "A"
    assert cache.get("a", (2,)) is MISSING  # read under other revisions: a miss
