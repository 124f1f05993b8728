"""The office learns that submissions wait: a count of 待审核 on its dashboard (page and API) and an email to
the programme's office address queued with each submission; the dashboard's 督办单 and 报送审核 links show
only to those who may use them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from services.unit_of_work import UnitOfWork
from tests.helpers import all_rows, snapshot
from tests.web.conftest import CODE, USERS, Site, login
from tests.web.test_review import auth, emails, parts, post

OFFICE_EMAIL = "shishi-office@changning.example"
PROGRESS = {"target": 1, "as_of": "2020-10-15", "done": "6", "note": "新增 2 个点位运营"}


@pytest.fixture
def reviewed(site: Site) -> Iterator[Site]:
    """The example programme with `review: true`."""
    with UnitOfWork(site.db) as uow:  # a commit that raises the data revisions, so kept pages are read afresh
        uow.connection.execute(text("UPDATE programmes SET review = :yes"), {"yes": True})
        uow.commit()
    yield site


def test_each_submission_queues_one_email_to_the_office_in_its_transaction(
    client: TestClient, reviewed: Site
) -> None:
    civil = USERS["civil"]
    held = post(client, civil, "/items/2/progress", PROGRESS)
    assert held.status_code == 202, held.text
    rows = all_rows(reviewed.db, "SELECT recipient, dedupe_key FROM outbox WHERE kind = 'submission_pending'")
    assert rows == [(OFFICE_EMAIL, f"review:1:pending:{OFFICE_EMAIL}")]
    (mail,) = emails(reviewed, "submission_pending")
    plain, html = parts(mail)
    assert mail["Subject"] == "【实事项目】报送 #1 待审核：区民政局 进展报送 2"
    assert "区民政局在 长宁区2020年区政府实事项目 提交了进展报送（报送 #1），待审核" in plain
    assert "提交人：民政科（区民政局）" in plain and "<strong>待审核</strong>" in html

    before = snapshot(reviewed.db)
    refused = post(client, civil, "/items/2/progress", {**PROGRESS, "as_of": "2030-01-01"})
    assert refused.status_code == 422
    assert snapshot(reviewed.db) == before  # a refused submission queues nothing either


def test_the_office_dashboard_counts_the_waiting_submissions_and_links_to_them(
    client: TestClient, reviewed: Site
) -> None:
    civil, admin = USERS["civil"], USERS["admin"]
    for day in ("2020-10-15", "2020-10-16"):
        assert post(client, civil, "/items/2/progress", {**PROGRESS, "as_of": day}).status_code == 202
    board = client.get(f"/api/programmes/{CODE}", headers=auth(admin)).json()
    assert board["work"]["pending"] == 2 and board["work"]["review"]
    login(client, admin)
    page = client.get(f"/p/{CODE}").text
    assert f'<a href="/p/{CODE}/review">待审核报送 2 件</a>' in page
    assert post(client, admin, "/submissions/1/return", {"reason": "数字有误"}).status_code == 200
    assert "待审核报送 1 件" in client.get(f"/p/{CODE}").text
    theirs = client.get(f"/api/programmes/{CODE}", headers=auth(civil)).json()
    assert theirs["work"]["pending"] is None  # a department is not told the office's queue


def test_the_dashboard_links_show_only_to_those_who_may_use_them(client: TestClient, reviewed: Site) -> None:
    def nav(who: str) -> str:
        client.cookies.clear()
        login(client, USERS[who])
        return client.get(f"/p/{CODE}").text

    office, department, viewer = nav("admin"), nav("civil"), nav("viewer")
    assert 'data-testid="review-link">报送审核</a>' in office and ">督办单</a>" in office
    assert 'data-testid="review-link">本部门报送</a>' in department and ">本部门督办单</a>" in department
    assert 'data-testid="review-link"' not in viewer and 'data-testid="notices-link">督办单</a>' in viewer
    assert "待审核报送" not in department + viewer


def test_without_review_a_department_sees_no_review_link(client: TestClient, site: Site) -> None:
    login(client, USERS["civil"])
    assert 'data-testid="review-link"' not in client.get(f"/p/{CODE}").text
    client.cookies.clear()
    login(client, USERS["admin"])
    assert 'data-testid="review-link"' in client.get(f"/p/{CODE}").text
