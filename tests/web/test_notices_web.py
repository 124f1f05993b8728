"""督办单 on the web: the office issues, returns and closes; the lead department signs and replies; pages and API."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from admin.web.app import create_app
from models.db import Database
from models.settings import get_settings
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.people.users import UserInput, add_user
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE
from tests.helpers import snapshot
from tests.web.conftest import CODE, USERS, csrf_of

TODAY = date(2020, 12, 31)
OFFICE, CIVIL, SPORT, VIEWER = USERS["admin"], USERS["civil"], USERS["sport"], USERS["viewer"]


@pytest.fixture
def web(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The example and four logins (office, 区民政局, 区体育局, viewer); no Prefect: notices never orchestrate."""
    monkeypatch.setenv("SHISHI_DATABASE_URL", db_url)
    monkeypatch.setenv("SHISHI_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    db = Database(db_url)
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)
    for who in (OFFICE, CIVIL, SPORT, VIEWER):
        with UnitOfWork(db) as uow:
            add_user(uow, who)
    yield db
    db.dispose()
    get_settings.cache_clear()


def browser(who: UserInput) -> tuple[TestClient, str]:
    """A logged-in browser and its CSRF token."""
    client = TestClient(create_app(), base_url="http://testserver", follow_redirects=False)
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"login": who.name, "password": who.password, "csrf": token})
    assert answer.status_code == 303, answer.text
    return client, csrf_of(client.get(f"/p/{CODE}/notices").text)


def post(client: TestClient, csrf: str, path: str, **form: Any) -> Any:
    return client.post(f"/p/{CODE}/notices{path}", data={"csrf": csrf, **form})


def test_a_notice_walks_every_state_through_the_pages_and_refusals_write_nothing(web: Database) -> None:
    office, o_csrf = browser(OFFICE)
    civil, c_csrf = browser(CIVIL)
    sport, s_csrf = browser(SPORT)
    refusals_write_nothing(web, (office, o_csrf), (civil, c_csrf), (sport, s_csrf))
    issued = post(
        office,
        o_csrf,
        "",
        ref="2",
        finding="助餐点进度滞后",
        requirement="五日内反馈",
        days=3,
        at="2020-09-29",
    )
    assert issued.status_code == 303 and issued.headers["location"] == f"/p/{CODE}/notices/2"
    page = civil.get(f"/p/{CODE}/notices/2").text
    assert "助餐点进度滞后" in page and "2020-10-10" in page and 'data-testid="notice-sign"' in page
    assert 'data-testid="notice-close"' not in page  # a department is offered no office step
    assert post(civil, c_csrf, "/2/sign", at="2020-09-30", version=1).status_code == 303
    reply = {"measures": "增派施工力量", "committed_on": "2020-11-30", "at": "2020-10-09"}
    assert post(civil, c_csrf, "/2/reply", **reply).status_code == 303
    assert post(office, o_csrf, "/2/return", reason="措施不具体", at="2020-10-10").status_code == 303
    assert post(civil, c_csrf, "/2/reply", **reply | {"at": "2020-10-12"}).status_code == 303
    assert post(office, o_csrf, "/2/close", at="2020-10-13").status_code == 303
    page = office.get(f"/p/{CODE}/notices/2").text
    assert "已办结" in page and page.count('<tr><td data-label="日期">') == 6
    listed = civil.get(f"/p/{CODE}/notices").text
    assert "督办第 2 号" in listed and "区民政局" in listed
    assert "督办第 2 号" not in sport.get(f"/p/{CODE}/notices").text  # not sent to 区体育局


def refusals_write_nothing(web: Database, *logins: tuple[TestClient, str]) -> None:
    """Each refusal on the pages answers in Chinese with its status, and the database is unchanged."""
    (office, o_csrf), (civil, c_csrf), (sport, s_csrf) = logins
    post(office, o_csrf, "", ref="2", finding="f", requirement="r", at="2020-12-01")
    before = snapshot(web)
    cases = [
        (post(civil, c_csrf, "", ref="2", finding="f", requirement="r"), 403, "办公室"),
        (post(civil, c_csrf, "/1/close"), 403, "办公室"),
        (post(sport, s_csrf, "/1/sign"), 403, "不是发给本部门"),
        (sport.get(f"/p/{CODE}/notices/1"), 403, "无权查看"),
        (post(office, o_csrf, "/1/close"), 422, "尚未反馈"),
        (post(civil, c_csrf, "/1/reply", measures="m", committed_on="2020-12-31"), 422, "尚未签收"),
        (post(civil, c_csrf, "/1/sign", version=7), 409, "已被变更"),
        (post(office, o_csrf, "/1/sign", at="31/12"), 422, "日期格式"),
        (post(civil, "bad-token", "/1/sign"), 403, "CSRF"),
    ]
    for answer, status, text in cases:
        assert (answer.status_code, text in answer.text) == (status, True), answer.text[:300]
    assert snapshot(web) == before


def auth(who: UserInput) -> dict[str, str]:
    raw = f"{who.name}:{who.password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def test_a_notice_walks_every_state_through_the_api(web: Database) -> None:
    api = TestClient(create_app(), base_url="http://testserver")
    base = f"/api/programmes/{CODE}/notices"

    def act(who: UserInput, **body: Any) -> Any:
        return api.post(f"{base}/1/actions", json=body, headers=auth(who))

    created = api.post(
        base,
        json={"ref": "2.3", "finding": "f", "requirement": "r", "days": 3, "at": "2020-09-29"},
        headers=auth(OFFICE),
    )
    assert created.status_code == 201 and created.json()["due_on"] == "2020-10-10"
    assert created.json()["department"] == "区民政局" and created.json()["ref"] == "2.3"
    refusals = [
        (act(OFFICE, event="close"), 422, "尚未反馈"),
        (act(SPORT, event="sign"), 403, "不是发给本部门"),
        (act(VIEWER, event="sign"), 403, "只读用户"),
        (act(CIVIL, event="return", reason="x"), 403, "办公室"),
        (act(CIVIL, event="sign", expected_version=9), 409, "已被变更"),
        (act(CIVIL, event="burn"), 422, "请求内容无效"),
        (
            api.post(
                base,
                json={"ref": "2", "finding": "f", "requirement": "r", "at": "2099-12-01"},
                headers=auth(OFFICE),
            ),
            422,
            "晚于今天",
        ),
    ]
    for answer, status, text in refusals:
        assert (
            answer.status_code,
            text in answer.json()["detail"] + "".join(answer.json().get("reasons", [])),
        ) == (status, True), answer.json()
    steps = [
        (CIVIL, {"event": "sign", "at": "2020-09-30", "expected_version": 1}, "signed"),
        (
            CIVIL,
            {"event": "reply", "at": "2020-10-09", "measures": "m", "committed_on": "2020-11-30"},
            "answered",
        ),
        (OFFICE, {"event": "return", "at": "2020-10-10", "reason": "不具体", "days": 2}, "returned"),
        (
            CIVIL,
            {"event": "reply", "at": "2020-10-12", "measures": "m2", "committed_on": "2020-11-30"},
            "answered",
        ),
        (OFFICE, {"event": "close", "at": "2020-10-13"}, "closed"),
    ]
    for who, body, state in steps:
        answer = act(who, **body)
        assert answer.status_code == 200, answer.json()
        assert answer.json()["state"] == state
    shown = api.get(f"{base}/1", headers=auth(CIVIL)).json()
    assert [s["event"] for s in shown["steps"]] == ["issue", "sign", "reply", "send_back", "reply", "close"]
    assert shown["steps"][3]["source"] == "api" and shown["actions"] == []
    assert api.get(base, headers=auth(SPORT)).json() == []
    assert [n["id"] for n in api.get(base, params={"state": "已办结"}, headers=auth(CIVIL)).json()] == [1]
