"""A phone is a first-class screen: every page a leader or a clerk opens fits 390 px with no horizontal scroll,
and a desktop still sees tables. Playwright drives Debian's Chromium; screenshots go to the test's tmp dir."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from models.settings import get_settings
from reports.service import generate
from services.people.users import UserInput
from services.supervision.requests import Actor, IssueInput, StepInput
from services.supervision.use_case import act_on_notice, issue_notice
from services.unit_of_work import UnitOfWork
from tests.web.conftest import CODE, USERS, Site

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
PAGES = {
    "dashboard": f"/p/{CODE}?as_of=2020-10-20",
    "item": f"/p/{CODE}/items/2",
    "project": f"/p/{CODE}/projects/2.8",
    "progress": f"/p/{CODE}/items/4#progress",
    "reports": f"/p/{CODE}/reports",
}


@pytest.fixture
def browser(live_url: str, site: Site, launched_chromium: Any) -> Any:
    """The module's headless Chromium, with the September report files written so the reports page lists some."""
    generate(site.db, CODE, "2020-09", ("md", "xlsx", "docx", "html"), get_settings().reports_folder)
    return launched_chromium


def _signed_in(browser: Any, live_url: str, who: UserInput, viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport, locale="zh-CN", device_scale_factor=1).new_page()
    page.goto(f"{live_url}/login")
    page.fill("input[name=login]", who.name)
    page.fill("input[name=password]", who.password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_url}/p/{CODE}")
    return page


def _width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_fits_a_phone_without_horizontal_scroll(
    browser: Any, live_url: str, tmp_path: Path, name: str
) -> None:
    page = _signed_in(browser, live_url, USERS["admin"], PHONE)
    page.goto(f"{live_url}{PAGES[name]}")
    page.screenshot(path=str(tmp_path / f"{name}-390.png"), full_page=True)
    assert _width(page) <= PHONE["width"], f"{name} is {_width(page)} px wide at 390 px"


def test_on_a_phone_a_dashboard_row_is_a_card_with_its_title_on_one_wide_line(
    browser: Any, live_url: str, tmp_path: Path
) -> None:
    page = _signed_in(browser, live_url, USERS["admin"], PHONE)
    page.goto(f"{live_url}{PAGES['dashboard']}")
    assert page.locator("[data-testid=items] thead").evaluate("e => getComputedStyle(e).display") == "none"
    title = page.locator('[data-item="2"] td.title')
    assert title.bounding_box()["width"] > 300  # the title takes the card's width, not three characters
    lead = page.locator('[data-testid=due] [data-due="4.6"] td[data-label="牵头部门"]')
    before = lead.evaluate("e => getComputedStyle(e, '::before').content")
    assert "牵头部门" in before and lead.inner_text() == "区体育局"  # each stacked cell names its column


def test_on_a_desktop_the_pages_keep_their_tables(browser: Any, live_url: str, tmp_path: Path) -> None:
    page = _signed_in(browser, live_url, USERS["admin"], DESKTOP)
    for name, url in PAGES.items():
        page.goto(f"{live_url}{url}")
        page.screenshot(path=str(tmp_path / f"{name}-1366.png"), full_page=True)
        assert _width(page) <= DESKTOP["width"], name
        assert page.locator("main table thead").first.evaluate("e => getComputedStyle(e).display") != "none"


def _notice(site: Site) -> int:
    """A signed notice about project 2.8 (lead 区民政局) with long text, so its page has steps and a form."""
    finding = "助餐点选址尚未落实，" * 12
    with UnitOfWork(site.db) as uow:
        facts = issue_notice(
            uow,
            IssueInput("2.8", finding, "五个工作日内反馈整改措施和承诺完成日期", 5, date(2020, 10, 9), CODE),
            Actor.office("办公室"),
            date(2020, 10, 20),
        )
    step = StepInput(facts.notice.id, "sign", date(2020, 10, 12), programme=CODE)
    with UnitOfWork(site.db) as uow:
        act_on_notice(
            uow, step, Actor("民政科", "department", facts.notice.department_id), date(2020, 10, 20)
        )
    return facts.notice.id


def test_the_notice_pages_fit_a_phone_for_the_office_and_the_department(
    browser: Any, live_url: str, site: Site, tmp_path: Path
) -> None:
    number = _notice(site)
    for role in ("admin", "civil"):
        page = _signed_in(browser, live_url, USERS[role], PHONE)
        for name, url in (("notices", f"/p/{CODE}/notices"), ("notice", f"/p/{CODE}/notices/{number}")):
            page.goto(f"{live_url}{url}")
            assert page.locator("main").inner_text().count("督办第") >= 1, f"{role} {name}"
            page.screenshot(path=str(tmp_path / f"{name}-{role}-390.png"), full_page=True)
            assert _width(page) <= PHONE["width"], f"{name} ({role}) is {_width(page)} px wide at 390 px"
    for name in ("dashboard", "item"):  # the overdue notice's mark and the item's open notices, on the phone
        page.goto(f"{live_url}{PAGES[name]}")
        shown = "overdue-notice" if name == "dashboard" else "open-notices"
        assert page.locator(f"[data-testid={shown}]").first.is_visible(), name
        assert _width(page) <= PHONE["width"], f"{name} with a notice is {_width(page)} px wide at 390 px"
