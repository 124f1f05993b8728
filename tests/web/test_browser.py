"""The web admin in a real browser: Playwright driving Debian's Chromium against uvicorn on loopback."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from services.people.users import UserInput
from tests.web.conftest import CODE, USERS

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def browser(live_url: str, launched_chromium: Any) -> Any:
    """The module's headless Chromium, once the app serves; each test opens its own contexts (one per user)."""
    return launched_chromium


def signed_in(browser: Any, live_url: str, who: UserInput) -> Any:
    """A new browser context logged in as `who`; returns its page on the dashboard."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.goto(f"{live_url}/login")
    page.fill("input[name=login]", who.name)
    page.fill("input[name=password]", who.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_url}/p/{CODE}")
    return page


def basic(who: UserInput) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{who.name}:{who.password}".encode()).decode()}


def fill_acceptance(form: Any, doc_no: str) -> None:
    form.locator("input[name=at]").fill("2020-10-10")
    form.locator("select[name=ev_kind]").select_option("acceptance")
    form.locator("input[name=ev_doc]").fill(doc_no)
    form.locator("input[name=ev_date]").fill("2020-10-09")


def test_a_department_user_advances_a_meal_point_after_seeing_what_is_missing(
    browser: Any, live_url: str
) -> None:
    page = signed_in(browser, live_url, USERS["civil"])
    assert page.locator("[data-testid=items] tr[data-item]").evaluate_all(
        "rows => rows.map(r => r.dataset.item)"
    ) == ["2"]
    page.click('[data-item="2"] a')
    page.click("a:text-is('2.8')")
    advance = page.locator("form[data-event=advance]")
    advance.locator("button[type=submit]").click()
    assert "缺少要件：竣工验收" in page.locator("[data-testid=unmet]").inner_text()
    assert page.locator("[data-testid=stage]").inner_text() == "开工"
    fill_acceptance(page.locator("form[data-event=advance]"), "长民验〔2020〕3号")
    page.locator("form[data-event=advance] button[type=submit]").click()
    assert "2.8 已推进：开工 → 完工" in page.locator("[data-testid=flash]").inner_text()
    assert page.locator("[data-testid=stage]").inner_text() == "完工"
    newest = page.locator("[data-testid=history] tbody tr").first.inner_text()
    assert "开工 → 完工" in newest and "民政科" in newest and "网页" in newest


def test_a_department_user_cannot_reach_another_departments_project(browser: Any, live_url: str) -> None:
    page = signed_in(browser, live_url, USERS["civil"])
    response = page.goto(f"{live_url}/p/{CODE}/projects/4.6")
    assert response.status == 403
    assert "无权查看" in page.locator("[data-testid=error]").inner_text()
    api = page.request.post(
        f"{live_url}/api/programmes/{CODE}/projects/4.6/actions",
        data={"event": "suspend", "reason": "越权"},
        headers=basic(USERS["civil"]),
    )
    assert api.status == 403


def test_a_viewer_sees_no_action_buttons_and_the_api_refuses_its_writes(browser: Any, live_url: str) -> None:
    page = signed_in(browser, live_url, USERS["viewer"])
    page.goto(f"{live_url}/p/{CODE}/projects/2.9")
    assert page.locator("[data-testid=stage]").inner_text() == "开工"
    assert page.locator("[data-testid=actions]").count() == 0
    assert page.locator("form[data-event]").count() == 0
    api = page.request.post(
        f"{live_url}/api/programmes/{CODE}/projects/2.9/actions",
        data={"event": "suspend", "reason": "只读"},
        headers=basic(USERS["viewer"]),
    )
    assert api.status == 403
    assert "只读" in api.json()["detail"]


def test_two_sessions_advancing_one_project_get_one_success_and_one_conflict(
    browser: Any, live_url: str
) -> None:
    first = signed_in(browser, live_url, USERS["admin"])
    second = signed_in(browser, live_url, USERS["civil"])
    for page in (first, second):
        page.goto(f"{live_url}/p/{CODE}/projects/2.9")
        fill_acceptance(page.locator("form[data-event=advance]"), "长民验〔2020〕8号")
    first.locator("form[data-event=advance] button[type=submit]").click()
    second.locator("form[data-event=advance] button[type=submit]").click()
    assert "已推进" in first.locator("[data-testid=flash]").inner_text()
    message = second.locator("[data-testid=error]").inner_text()
    assert "并发冲突" in message and "操作时为“开工”，现为“完工”，由 办公室 于 " in message
    second.reload()
    rows = second.locator("[data-testid=history] tbody tr").all_inner_texts()
    assert sum("开工 → 完工" in r for r in rows) == 1


def test_the_dashboard_filters_by_status_and_shows_the_last_nightly_run(browser: Any, live_url: str) -> None:
    page = signed_in(browser, live_url, USERS["admin"])
    assert "序时进度计算截至 2020-09-30" in page.locator("[data-testid=last-run]").inner_text()
    assert page.locator("[data-testid=items] tr[data-item]").count() == 12
    assert page.locator("svg.bar").count() == 12
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    page.select_option("select[name=status]", "exceeded")
    page.click("text=筛选")
    labels = page.locator("[data-testid=items] .status").all_inner_texts()
    assert labels and set(labels) == {"超额完成"}
