"""Item and project pages list their open 督办单 (one query however many); the dashboard marks an item whose
notice is overdue."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from admin.web.app import create_app
from models.db import Database
from services.refs import resolve_programme
from services.supervision.open_notices import open_notices
from tests.integration.test_view_queries import counted
from tests.web.conftest import CODE
from tests.web.test_notices_web import OFFICE, SPORT, auth, browser, post, web  # noqa: F401


def _issue(office: TestClient, csrf: str, ref: str, at: str = "2020-12-01", days: int = 3) -> None:
    answer = post(office, csrf, "", ref=ref, finding="进度滞后", requirement="限期反馈", at=at, days=days)
    assert answer.status_code == 303, answer.text[:300]


def _row(html: str, item: int) -> str:
    start = html.index(f'<tr data-item="{item}">')
    return html[start : html.index("</tr>", start)]


def test_item_and_project_pages_list_their_open_notices_and_the_dashboard_marks_overdue(
    web: Database,  # noqa: F811
) -> None:
    office, csrf = browser(OFFICE)
    _issue(office, csrf, "4")  # 督办第 1 号, due 2020-12-04: overdue today
    _issue(office, csrf, "4.6")  # 督办第 2 号
    item = office.get(f"/p/{CODE}/items/4").text
    assert 'data-testid="open-notices"' in item
    assert f'<a href="/p/{CODE}/notices/1">督办第 1 号</a>' in item
    assert f'<a href="/p/{CODE}/notices/2">督办第 2 号</a>（子项目 4.6）' in item
    assert "已下发，反馈期限 2020-12-04" in item and item.count('data-testid="notice-alert"') == 2
    assert "已逾期" in item
    project = office.get(f"/p/{CODE}/projects/4.6").text
    assert "督办第 2 号" in project and "督办第 1 号" not in project and "（子项目" not in project
    assert 'data-testid="open-notices"' not in office.get(f"/p/{CODE}/projects/4.7").text
    dashboard = office.get(f"/p/{CODE}").text
    assert 'data-testid="overdue-notice"' in _row(dashboard, 4)
    assert 'data-testid="overdue-notice"' not in _row(dashboard, 2)
    api = TestClient(create_app(), base_url="http://testserver")
    rows = api.get(f"/api/programmes/{CODE}", headers=auth(OFFICE)).json()["items"]
    assert {r["number"] for r in rows if r["overdue_notice"]} == {4}
    sport, _ = browser(SPORT)  # the lead department sees the same
    assert "督办第 1 号" in sport.get(f"/p/{CODE}/items/4").text


def test_the_item_page_reads_its_notices_in_one_query_however_many(web: Database) -> None:  # noqa: F811
    office, csrf = browser(OFFICE)
    _issue(office, csrf, "4")
    with counted(web) as one:
        assert office.get(f"/p/{CODE}/items/4").status_code == 200
    for ref in ("4.6", "4.7", "4.8"):
        _issue(office, csrf, ref)
    with counted(web) as four:
        page = office.get(f"/p/{CODE}/items/4").text
    assert page.count("data-notice=") == 4 and len(four) == len(one)


def test_a_notice_is_due_soon_two_working_days_ahead_overdue_after_and_gone_once_closed(
    web: Database,  # noqa: F811
) -> None:
    office, o_csrf = browser(OFFICE)
    sport, s_csrf = browser(SPORT)
    _issue(office, o_csrf, "4", at="2020-09-29", days=3)  # due 2020-10-10, the 调休 Saturday after 国庆

    def marks(day: date) -> list[str | None]:
        with web.read() as session:
            programme = resolve_programme(session, CODE)
            return [n["alert"] for n in open_notices(session, programme.id, 4, day)]

    assert marks(date(2020, 9, 29)) == [None]
    assert marks(date(2020, 10, 9)) == ["due_soon"]  # 10-09 and 10-10 are working days
    assert marks(date(2020, 10, 12)) == ["overdue"]
    assert post(sport, s_csrf, "/1/sign", at="2020-09-30").status_code == 303
    reply = {"measures": "增派力量", "committed_on": "2020-11-30", "at": "2020-10-09"}
    assert post(sport, s_csrf, "/1/reply", **reply).status_code == 303
    assert marks(date(2020, 10, 12)) == [None]  # answered: waiting for the office, no longer the department
    assert post(office, o_csrf, "/1/close", at="2020-10-13").status_code == 303
    assert marks(date(2020, 10, 13)) == []
    assert 'data-testid="overdue-notice"' not in office.get(f"/p/{CODE}").text


def test_the_dashboard_as_of_an_earlier_day_marks_the_notices_overdue_on_that_day(
    web: Database,  # noqa: F811
) -> None:
    office, o_csrf = browser(OFFICE)
    sport, s_csrf = browser(SPORT)
    _issue(office, o_csrf, "4", at="2020-09-29", days=3)  # 督办第 1 号, due 2020-10-10
    assert post(sport, s_csrf, "/1/sign", at="2020-09-30").status_code == 303
    reply = {"measures": "增派力量", "committed_on": "2020-11-30", "at": "2020-10-14"}
    assert post(sport, s_csrf, "/1/reply", **reply).status_code == 303  # late, but answered since
    assert post(office, o_csrf, "/1/close", at="2020-10-15").status_code == 303
    _issue(office, o_csrf, "2", at="2020-11-02", days=3)  # 督办第 2 号, never answered: overdue today
    api = TestClient(create_app(), base_url="http://testserver")

    def marked(as_of: str | None) -> set[int]:
        query = f"?as_of={as_of}" if as_of else ""
        answer = api.get(f"/api/programmes/{CODE}{query}", headers=auth(OFFICE))
        assert answer.status_code == 200, answer.text[:300]
        return {r["number"] for r in answer.json()["items"] if r["overdue_notice"]}

    assert marked(None) == {2}
    assert marked("2020-10-09") == set()  # notice 1 not yet due, notice 2 not yet issued
    assert marked("2020-10-12") == {4}  # notice 1 past its deadline and not yet answered
    assert marked("2020-10-14") == set()  # answered that day: waiting for the office, not the department
    assert marked("2020-10-31") == set()
    assert marked("2020-11-10") == {2}
    page = office.get(f"/p/{CODE}?as_of=2020-10-12").text
    assert 'data-testid="overdue-notice"' in _row(page, 4)
    assert 'data-testid="overdue-notice"' not in _row(page, 2)
