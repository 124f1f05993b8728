"""Publishing a period from the reports page: administrators only; the versions are listed with their checksum."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from models import PublishedReport
from tests.helpers import snapshot
from tests.web.conftest import CODE, USERS, Site, login


def test_an_administrator_publishes_a_period_and_sees_it_listed(client: TestClient, site: Site) -> None:
    token = login(client, USERS["admin"])
    assert 'data-testid="publish-form"' in client.get(f"/p/{CODE}/reports").text
    response = client.post(f"/p/{CODE}/reports/publish", data={"csrf": token, "period": "2020-09"})
    assert response.status_code == 303
    with site.db.read() as session:
        row = session.scalars(select(PublishedReport)).one()
    assert (row.period, row.version, row.published_by) == ("2020-09", 1, "办公室")
    page = client.get(f"/p/{CODE}/reports").text
    assert "已发布 2020-09 第 1 版" in page  # the flash
    assert row.checksum[:16] in page and "办公室" in page
    listed = client.get(f"/api/programmes/{CODE}/published").json()
    assert [(v["period"], v["version"], v["checksum"]) for v in listed] == [("2020-09", 1, row.checksum)]
    again = client.post(f"/p/{CODE}/reports/publish", data={"csrf": token, "period": "2020-09"})
    assert again.status_code == 422 and "已发布（第 1 版）" in again.text


def test_a_department_may_not_publish(client: TestClient, site: Site) -> None:
    token = login(client, USERS["civil"])
    assert 'data-testid="publish-form"' not in client.get(f"/p/{CODE}/reports").text
    before = snapshot(site.db)
    response = client.post(f"/p/{CODE}/reports/publish", data={"csrf": token, "period": "2020-09"})
    assert response.status_code == 403
    assert "只有管理员可以发布报告" in response.text
    assert snapshot(site.db) == before


def test_a_progress_report_inside_a_published_period_is_saved_with_the_notice(
    client: TestClient, site: Site
) -> None:
    token = login(client, USERS["admin"])
    assert (
        client.post(f"/p/{CODE}/reports/publish", data={"csrf": token, "period": "2020-09"}).status_code
        == 303
    )
    civil = login(client, USERS["civil"])
    response = client.post(
        f"/p/{CODE}/items/2/progress", data={"csrf": civil, "target": "3", "done": "3", "as_of": "2020-09-25"}
    )
    assert response.status_code == 303
    assert "注意：2020-09 已发布，已发布的报告不受影响" in client.get(f"/p/{CODE}/items/2").text
    api = client.post(
        f"/api/programmes/{CODE}/items/2/progress",
        json={"target": 3, "done": 4, "as_of": "2020-09-28"},
        headers={"X-CSRF-Token": civil},
    )
    assert api.status_code == 201, api.text
    assert api.json()["version"] == 2 and "2020-09 已发布" in api.json()["notice"]
    october = client.post(
        f"/api/programmes/{CODE}/items/2/progress",
        json={"target": 3, "done": 5, "as_of": "2020-10-12"},
        headers={"X-CSRF-Token": civil},
    )
    assert october.status_code == 201 and october.json()["notice"] is None  # October is not published


def test_a_stage_change_inside_a_published_period_is_applied_with_the_notice(
    client: TestClient, site: Site
) -> None:
    token = login(client, USERS["admin"])
    assert (
        client.post(f"/p/{CODE}/reports/publish", data={"csrf": token, "period": "2020-09"}).status_code
        == 303
    )
    change = {"event": "suspend", "reason": "资金未到位", "at": "2020-09-20", "csrf": token, "version": "1"}
    assert client.post(f"/p/{CODE}/projects/2.10/action", data=change).status_code == 303
    page = client.get(f"/p/{CODE}/projects/2.10").text
    assert "已暂停" in page and "注意：2020-09 已发布，已发布的报告不受影响" in page
