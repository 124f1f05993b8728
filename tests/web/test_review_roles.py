"""Who reaches the review (报送审核): the office all of it, a department its own submissions, a viewer nothing
(403 with a Chinese message, on the page and in the API, even by typing the address); and every office-only
page and form answers a viewer 403."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from services.people.users import UserInput
from services.unit_of_work import UnitOfWork
from tests.helpers import snapshot
from tests.web.conftest import CODE, USERS, Site, login

VIEWER, CIVIL, SPORT = USERS["viewer"], USERS["civil"], USERS["sport"]
REFUSAL = "只有管理员（区实事项目办）可以查看报送审核"


def auth(who: UserInput) -> dict[str, str]:
    token = base64.b64encode(f"{who.name}:{who.password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def waiting(client: TestClient, site: Site) -> Iterator[Site]:
    """Under review, one progress report of 区民政局 waits (报送 #1)."""
    with UnitOfWork(site.db) as uow:  # a commit that raises the data revisions, so kept pages are read afresh
        uow.connection.execute(text("UPDATE programmes SET review = :yes"), {"yes": True})
        uow.commit()
    body = {"target": 1, "as_of": "2020-10-15", "done": 6, "note": "新增2个点位运营"}
    held = client.post(f"/api/programmes/{CODE}/items/2/progress", json=body, headers=auth(CIVIL))
    assert held.status_code == 202 and held.json()["submission"] == 1
    yield site


def test_a_viewer_typing_the_review_address_gets_403_on_the_page(client: TestClient, waiting: Site) -> None:
    login(client, VIEWER)
    page = client.get(f"/p/{CODE}/review")
    assert page.status_code == 403
    assert REFUSAL in page.text and "新增2个点位运营" not in page.text


@pytest.mark.parametrize("state", ["pending", "decided", "all"])
def test_a_viewer_asking_the_api_for_submissions_gets_403(
    client: TestClient, waiting: Site, state: str
) -> None:
    answer = client.get(f"/api/programmes/{CODE}/submissions?state={state}", headers=auth(VIEWER))
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith(REFUSAL) and "新增2个点位运营" not in answer.text


def test_a_department_still_sees_its_own_submissions_and_no_others(client: TestClient, waiting: Site) -> None:
    mine = client.get(f"/api/programmes/{CODE}/submissions", headers=auth(CIVIL))
    assert mine.status_code == 200 and [s["id"] for s in mine.json()["submissions"]] == [1]
    theirs = client.get(f"/api/programmes/{CODE}/submissions", headers=auth(SPORT))
    assert theirs.status_code == 200 and theirs.json()["submissions"] == []
    login(client, CIVIL)
    page = client.get(f"/p/{CODE}/review")
    assert page.status_code == 200 and "新增2个点位运营" in page.text


@pytest.mark.parametrize("who", ["viewer", "sport"])
@pytest.mark.parametrize("number", [1, 99])
def test_deciding_a_submission_is_403_for_anyone_but_the_office_whether_it_exists_or_not(
    client: TestClient, waiting: Site, who: str, number: int
) -> None:
    before = snapshot(waiting.db)
    base = f"/api/programmes/{CODE}/submissions/{number}"
    approve = client.post(f"{base}/approve", headers=auth(USERS[who]))
    assert approve.status_code == 403 and approve.json()["detail"] == "只有管理员（区实事项目办）可以审核报送"
    returned = client.post(f"{base}/return", json={"reason": "数字有误"}, headers=auth(USERS[who]))
    assert returned.status_code == 403
    token = login(client, USERS[who])
    assert client.post(f"/p/{CODE}/review/{number}/approve", data={"csrf": token}).status_code == 403
    assert client.post(f"/p/{CODE}/review/{number}/return", data={"csrf": token}).status_code == 403
    assert snapshot(waiting.db) == before


def test_the_office_still_gets_404_for_a_submission_that_does_not_exist(
    client: TestClient, waiting: Site
) -> None:
    answer = client.post(f"/api/programmes/{CODE}/submissions/99/approve", headers=auth(USERS["admin"]))
    assert answer.status_code == 404 and "没有编号为 99 的报送" in answer.json()["detail"]


OFFICE_ONLY_FORMS = [
    ("/users/1/disable", {}),
    ("/users/1/role", {"role": "viewer"}),
    ("/users/1/password", {"password": "taken-over-1", "again": "taken-over-1"}),
    (f"/p/{CODE}/notices", {"ref": "2", "finding": "进度滞后", "requirement": "按期整改", "days": "5"}),
    (f"/p/{CODE}/notices", {"ref": "2", "finding": "进度滞后", "requirement": "按期整改", "at": "昨天"}),
    (f"/p/{CODE}/notices/1/close", {"reason": "已整改", "at": "2020-13-45"}),  # the role first, then the date
    (f"/p/{CODE}/reports/publish", {"period": "2020-09"}),
    (f"/p/{CODE}/review/1/approve", {}),
    (f"/p/{CODE}/review/1/return", {"reason": "数字有误"}),
]


def test_every_office_only_page_and_form_answers_a_viewer_403_in_chinese(
    client: TestClient, waiting: Site
) -> None:
    before = snapshot(waiting.db)
    token = login(client, VIEWER)
    for path in ("/users", f"/p/{CODE}/review"):
        page = client.get(path)
        assert page.status_code == 403 and "管理员" in page.text, path
    for path, form in OFFICE_ONLY_FORMS:
        answer = client.post(path, data={"csrf": token, **form})
        assert answer.status_code == 403 and "管理员" in answer.text, path
    assert snapshot(waiting.db) == before


@pytest.mark.parametrize(
    ("who", "path", "body"),
    [
        ("viewer", "notices", {"ref": "2", "finding": "进度滞后", "requirement": "按期整改", "at": "昨天"}),
        ("civil", "notices", {"ref": "2", "finding": "进度滞后", "requirement": "按期整改", "days": "many"}),
        ("viewer", "notices/1/actions", {"event": "sign", "at": 0}),
        ("viewer", "notices/1/actions", "not json"),
    ],
)
def test_the_notice_api_refuses_a_role_with_403_before_it_reads_the_body(
    client: TestClient, waiting: Site, who: str, path: str, body: object
) -> None:
    before = snapshot(waiting.db)
    url = f"/api/programmes/{CODE}/{path}"
    answer = (
        client.post(url, content=body, headers=auth(USERS[who]))
        if isinstance(body, str)
        else client.post(url, json=body, headers=auth(USERS[who]))
    )
    assert answer.status_code == 403, answer.text
    assert "管理员" in answer.json()["detail"] or "只读用户" in answer.json()["detail"]
    assert snapshot(waiting.db) == before
