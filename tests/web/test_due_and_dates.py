"""The web answers who is late and who answers for it: the due panel, and planned and actual dates on pages."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import CODE, USERS, login


def _rows(html: str, attribute: str) -> list[str]:
    return re.findall(rf'{attribute}="([^"]+)"', html)


def test_dashboard_lists_the_months_due_stages_with_lead_department(client: TestClient) -> None:
    login(client, USERS["viewer"])
    html = client.get(f"/p/{CODE}", params={"as_of": "2020-10-20"}).text
    assert "2020年10月到期和已逾期事项" in html
    due = _rows(html, "data-due")
    assert due[:5] == ["4.6", "4.7", "4.8", "4.9", "4.10"] and "7.1" in due
    row = html[html.index('data-due="4.6"') :]
    row = row[: row.index("</tr>")]
    assert "已逾期" in row and "区体育局" in row and "达到“完工”（目前“开工”）" in row
    seven = html[html.index('data-due="7.1"') :]
    assert "本月到期" in seven[: seven.index("</tr>")]


def test_dashboard_due_panel_shows_only_the_items_a_department_may_see(client: TestClient) -> None:
    login(client, USERS["civil"])
    html = client.get(f"/p/{CODE}", params={"as_of": "2020-10-20"}).text
    assert "到期和已逾期事项" in html
    assert not [r for r in _rows(html, "data-due") if not r.startswith("2.")]


def test_the_api_dashboard_carries_the_due_rows_beside_its_existing_keys(client: TestClient) -> None:
    login(client, USERS["viewer"])
    data = client.get(f"/api/programmes/{CODE}", params={"as_of": "2020-10-20"}).json()
    assert {"programme", "items", "last_run", "filters"} <= set(data)
    assert data["due"]["month"] == "2020-10"
    assert {r["ref"] for r in data["due"]["rows"]} >= {"4.6", "7.1"}


def test_item_page_shows_planned_and_actual_dates_per_stage(client: TestClient) -> None:
    login(client, USERS["viewer"])
    html = client.get(f"/p/{CODE}/items/4").text
    row = html[html.index('data-project="4.6"') :]
    assert "完工：计划 2020-10-15，实际 —" in row[: row.index("</tr>")]


def test_project_page_shows_the_stage_dates_table_and_chinese_source(client: TestClient) -> None:
    login(client, USERS["viewer"])
    html = client.get(f"/p/{CODE}/projects/4.6").text
    table = html[html.index('data-testid="stage-dates"') :]
    table = table[: table.index("</table>")]
    assert "完工" in table and "2020-10-15" in table
    history = html[html.index('data-testid="history"') :]
    assert "计划导入" in history and ">load<" not in history
