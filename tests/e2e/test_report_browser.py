"""The HTML report in a real browser: Debian's Chromium, driven by Playwright, draws the chart and the tables."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from models.db import Database
from reports.service import generate
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.unit_of_work import UnitOfWork
from tests.browser import ARGS, chromium
from tests.conftest import EXAMPLE
from tests.web.test_chinese_throughout import english_words, visible_text

SHOT = Path(os.environ["SHISHI_REPORT_SCREENSHOT"]) if os.environ.get("SHISHI_REPORT_SCREENSHOT") else None
# per short cell (序号, 进度, 状态, 是否达序 …), the number of lines its text is drawn on
LINES_PER_SHORT_CELL = """() => Array.from(document.querySelectorAll('td.short, td.yes, td.no')).map(td => {
  const range = document.createRange(); range.selectNodeContents(td);
  return new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size; })"""
CHART = """() => { const svg = document.getElementById('progress-chart'); const box = svg.getBoundingClientRect();
  return {width: box.width, height: box.height, bars: svg.querySelectorAll('rect').length,
          labels: Array.from(svg.querySelectorAll('text')).map(t => t.textContent)}; }"""


def test_the_html_report_draws_its_chart_and_keeps_status_words_on_one_line_in_chromium(
    db: Database, tmp_path: Path
) -> None:
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
        chart = page.evaluate(CHART)
        title = page.locator("h1").first.inner_text()
        rows = page.locator("table[data-table=family] tr").count()
        lines = page.evaluate(LINES_PER_SHORT_CELL)
        page.screenshot(path=str(SHOT or tmp_path / "report.png"), full_page=True)
        browser.close()
    assert chart["width"] > 600 and chart["height"] > 200 and chart["bars"] == 12
    assert "本期完成进度" in chart["labels"] and not english_words(" ".join(chart["labels"]))
    assert title.startswith("关于") and "1-9" in title
    assert rows == 1 + 12
    assert lines and max(lines) == 1, "a short cell wraps"
    assert not english_words(visible_text(page_path.read_text(encoding="utf-8")))
    assert (SHOT or tmp_path / "report.png").stat().st_size > 10_000
