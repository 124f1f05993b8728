"""The HTML report in a real browser: Debian's Chromium, driven by Playwright, loads the chart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from models.db import Database
from reports.service import generate
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.unit_of_work import UnitOfWork
from tests.browser import ARGS, chromium
from tests.conftest import EXAMPLE


def test_the_html_report_renders_with_its_chart_in_chromium(db: Database, tmp_path: Path) -> None:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    today = date(2020, 10, 20)
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, today), "测试", today)
    files = generate(db, None, "2020-09", ("html",), tmp_path)
    page_path = Path(files[0]["path"])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(page_path.as_uri())
        loaded = page.evaluate(
            "() => { const img = document.getElementById('progress-chart');"
            " return img.complete && img.naturalWidth > 0 && img.naturalHeight > 0; }"
        )
        title = page.locator("h1").first.inner_text()
        rows = page.locator("table").first.locator("tr").count()
        page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
        browser.close()
    assert loaded, "the chart image did not load"
    assert title == "关于区政府实事项目1-9月推进情况"
    assert rows == 1 + 12
    assert (tmp_path / "report.png").stat().st_size > 10_000
