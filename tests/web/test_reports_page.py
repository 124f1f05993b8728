"""The reports page: per period the latest file of each kind in Chinese, with its name, size and local time;
published periods marked; older files and published versions behind a 历史 link."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from models.settings import get_settings
from reports.service import generate
from tests.web.conftest import CODE, USERS, Site, login
from tests.web.test_chinese_throughout import english_words, visible_text


def _section(page: str, period: str) -> str:
    start = page.index(f'data-period="{period}"')
    return page[start : page.index("</section>", start)]


def test_each_period_lists_its_latest_file_of_each_kind_in_chinese_with_size_and_local_time(
    client: TestClient, site: Site, tmp_path: Path
) -> None:
    folder = get_settings().reports_folder
    generate(site.db, CODE, "2020-09", ("md", "docx", "xlsx", "html"), folder / "earlier")
    files = generate(site.db, CODE, "2020-09", ("md", "docx", "xlsx", "html"), folder)
    generate(site.db, CODE, "2020-08", ("xlsx",), folder)
    token = login(client, USERS["admin"])
    assert (
        client.post(f"/p/{CODE}/reports/publish", data={"csrf": token, "period": "2020-09"}).status_code
        == 303
    )
    page = client.get(f"/p/{CODE}/reports").text
    september, august = _section(page, "2020-09"), _section(page, "2020-08")
    assert page.index('data-period="2020-09"') < page.index('data-period="2020-08"')
    labels = re.findall(r'data-label="报告">([^<]+)<', september)
    assert labels == [
        "文字报告（Word 文档）",
        "表格（Excel 表格）",
        "完整报告（含图表）（网页）",
        "文字报告（文本）",
        "表格（文本）",
    ]
    assert "已发布（第 1 版）" in september and "已发布" not in august
    xlsx = next(Path(f["path"]) for f in files if f["format"] == "xlsx")
    assert xlsx.name in september and f"{round(xlsx.stat().st_size / 1024)} KB" in september
    shown = re.findall(r'data-label="生成时间">([^<]+)<', september)
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    near = {f"{local + timedelta(minutes=m):%Y-%m-%d %H:%M}" for m in (-1, 0)}
    assert shown and set(shown) <= near
    for word in ("table", "narrative", "all"):
        assert f">{word}<" not in page
    assert not english_words(re.sub(r"[0-9a-f]{12,}", " ", visible_text(page)))  # checksums aside
    links = re.findall(rf'href="(/p/{CODE}/reports/\d+)"', september)
    assert {client.get(link).content for link in links} == {Path(f["path"]).read_bytes() for f in files}
    assert 'data-testid="history-link"' in september


def test_the_history_of_a_period_lists_older_files_and_serves_each_published_version_as_published(
    client: TestClient, site: Site
) -> None:
    folder = get_settings().reports_folder
    generate(site.db, CODE, "2020-09", ("md", "xlsx"), folder / "earlier")
    token = login(client, USERS["admin"])
    assert (
        client.post(f"/p/{CODE}/reports/publish", data={"csrf": token, "period": "2020-09"}).status_code
        == 303
    )
    assert (
        "已发布" in client.get(f"/p/{CODE}/reports").text
    )  # the publication's message, with its checksum, shown
    history = client.get(f"/p/{CODE}/reports/history/2020-09").text
    assert "第 1 版" in history and "办公室" in history
    written = re.findall(rf'href="(/p/{CODE}/reports/\d+)"', history)
    assert len(written) == 3 + 5  # the earlier folder's files and the published ones written out
    published = re.findall(rf'href="(/p/{CODE}/reports/published/\d+)"', history)
    assert len(published) == 5
    with site.db.read() as session:
        from sqlalchemy import select

        from models import PublishedFile

        stored = {f.content for f in session.scalars(select(PublishedFile))}
    responses = [client.get(link) for link in published]
    assert {r.content for r in responses} == stored
    assert all(
        "filename*=UTF-8''changning-2020-2020-09-" in r.headers["content-disposition"] for r in responses
    )
    assert client.get(f"/p/{CODE}/reports/history/2020-03").status_code == 404
    assert client.get(f"/p/{CODE}/reports/published/999999").status_code == 404
    assert not english_words(visible_text(history))
