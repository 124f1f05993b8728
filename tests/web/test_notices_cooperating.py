"""A cooperating department (and a member office of a cooperating group) reads the notices of the items it
cooperates on, without the steps; the lead department keeps signing and replying."""

from __future__ import annotations

from fastapi.testclient import TestClient

from admin.web.app import create_app
from models.db import Database
from services.people.users import UserInput, add_user
from services.unit_of_work import UnitOfWork
from tests.helpers import snapshot
from tests.web.conftest import CODE
from tests.web.test_notices_web import CIVIL, OFFICE, SPORT, auth, browser, post, web  # noqa: F401

UNION = UserInput("工会办", "gh@cn.example", "department", "union-pass-1", "区总工会")
STREET = UserInput("新华路街道办", "xh@cn.example", "department", "street-pass-1", "新华路街道")


def _issue_on_item_4(web: Database) -> tuple[TestClient, str]:  # noqa: F811
    """Add the 区总工会 and 新华路街道 logins; the office issues 督办第 1 号 on item 4 (lead 区体育局)."""
    for who in (UNION, STREET):
        with UnitOfWork(web) as uow:
            add_user(uow, who)
    office, o_csrf = browser(OFFICE)
    issued = post(
        office, o_csrf, "", ref="4", finding="健身点进度滞后", requirement="三日内反馈", at="2020-12-01"
    )
    assert issued.status_code == 303 and issued.headers["location"] == f"/p/{CODE}/notices/1"
    return office, o_csrf


def test_a_cooperating_department_and_a_member_office_read_the_notice_without_its_steps(
    web: Database,  # noqa: F811
) -> None:
    _issue_on_item_4(web)
    before = snapshot(web)
    for who in (UNION, STREET):
        client, csrf = browser(who)
        listed = client.get(f"/p/{CODE}/notices")
        assert listed.status_code == 200 and "督办第 1 号" in listed.text and "（本部门配合）" in listed.text
        page = client.get(f"/p/{CODE}/notices/1")
        assert page.status_code == 200, page.text[:300]
        assert "健身点进度滞后" in page.text and 'data-testid="notice-cooperating"' in page.text
        assert 'data-testid="notice-sign"' not in page.text and 'data-testid="notice-reply"' not in page.text
        refused = post(client, csrf, "/1/sign")
        assert refused.status_code == 403 and "不是发给本部门" in refused.text
    assert snapshot(web) == before
    civil, _ = browser(CIVIL)  # 区民政局 neither leads nor cooperates on item 4
    assert "督办第 1 号" not in civil.get(f"/p/{CODE}/notices").text
    assert civil.get(f"/p/{CODE}/notices/1").status_code == 403


def test_the_lead_department_still_signs_a_notice_its_cooperators_read(web: Database) -> None:  # noqa: F811
    _issue_on_item_4(web)
    sport, s_csrf = browser(SPORT)
    page = sport.get(f"/p/{CODE}/notices/1").text
    assert 'data-testid="notice-sign"' in page and 'data-testid="notice-cooperating"' not in page
    assert "（本部门配合）" not in sport.get(f"/p/{CODE}/notices").text
    assert post(sport, s_csrf, "/1/sign", version=1).status_code == 303
    api = TestClient(create_app(), base_url="http://testserver")
    shown = api.get(f"/api/programmes/{CODE}/notices/1", headers=auth(UNION)).json()
    assert shown["state"] == "signed" and shown["cooperating"] is True and shown["actions"] == []
