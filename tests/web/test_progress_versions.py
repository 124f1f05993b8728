"""The progress form and the API say when a report replaces an earlier one of the same period."""

from __future__ import annotations

import base64

from fastapi.testclient import TestClient

from services.people.users import UserInput
from tests.web.conftest import CODE, USERS, Site, login


def _auth(who: UserInput) -> dict[str, str]:
    token = base64.b64encode(f"{who.name}:{who.password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def test_the_form_says_it_replaced_the_report_of_the_period_and_the_page_keeps_both(
    client: TestClient, site: Site
) -> None:
    token = login(client, USERS["civil"])
    form = {"csrf": token, "target": "2", "as_of": "2020-09-30", "next_steps": "十月底前完成验收"}
    response = client.post(f"/p/{CODE}/items/2/progress", data=form)
    assert response.status_code == 303
    page = client.get(f"/p/{CODE}/items/2").text
    assert "已替换 区民政局 截至 2020-09-30 的报送（第 1 版）" in page
    assert "2020 年 9 月第 2 版" in page
    assert '2020-09 第 1 版<span class="muted">（已被替换）</span>' in page
    assert "2020-09 第 2 版</td>" in page


def test_the_api_answers_the_version_and_what_it_replaced(client: TestClient, site: Site) -> None:
    url = f"/api/programmes/{CODE}/items/2/progress"
    body = {"target": 1, "as_of": "2020-10-10", "note": "已完成 3 个点位装修"}
    first = client.post(url, json=body, headers=_auth(USERS["civil"]))
    second = client.post(url, json={**body, "note": "已完成 4 个点位装修"}, headers=_auth(USERS["civil"]))
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["period"], first.json()["version"], first.json()["replaced"]) == ("2020-10", 1, None)
    assert second.json()["version"] == 2
    assert second.json()["replaced"] == {"by": "区民政局（民政科）", "as_of": "2020-10-10", "version": 1}
