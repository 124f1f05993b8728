"""The web admin through HTTP: login, CSRF, roles, forms, headers and errors (TestClient, real flows)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from models import ProgressReport, Transition
from models.settings import get_settings
from reports.service import generate
from services.unit_of_work import UnitOfWork
from services.views.history import current_stage
from states.stages import Stage
from tests.helpers import snapshot
from tests.web.conftest import CODE, USERS, Site, csrf_of, login


def _transitions(site: Site) -> int:
    with site.db.read() as session:
        return session.scalar(select(func.count()).select_from(Transition)) or 0


def test_pages_need_a_login_and_a_wrong_password_is_refused(client: TestClient) -> None:
    assert client.get(f"/p/{CODE}").headers["location"].startswith("/login")
    token = csrf_of(client.get("/login").text)
    refused = client.post("/login", data={"login": "办公室", "password": "wrong-pass", "csrf": token})
    assert refused.status_code == 401
    assert "用户名或密码错误" in refused.text
    assert client.get(f"/p/{CODE}").status_code == 303


def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    who = USERS["admin"]
    for _ in range(5):
        wrong = client.post("/login", data={"login": who.name, "password": "guess-guess", "csrf": token})
        assert wrong.status_code == 401
    locked = client.post("/login", data={"login": who.name, "password": who.password, "csrf": token})
    assert locked.status_code == 429
    assert "错误次数过多" in locked.text
    other = USERS["viewer"]
    assert (
        client.post(
            "/login", data={"login": other.name, "password": other.password, "csrf": token}
        ).status_code
        == 303
    )


def test_the_session_cookie_is_signed_http_only_and_same_site(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    who = USERS["viewer"]
    response = client.post("/login", data={"login": who.name, "password": who.password, "csrf": token})
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("shishi_session=") and "httponly" in cookie and "samesite=lax" in cookie
    value = client.cookies["shishi_session"]
    client.cookies.clear()
    client.cookies.set(
        "shishi_session", value[:-6] + ("AAAAAA" if not value.endswith("AAAAAA") else "BBBBBB")
    )
    assert client.get(f"/p/{CODE}").status_code == 303


def test_login_never_redirects_to_another_site(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    who = USERS["admin"]
    response = client.post(
        "/login",
        data={"login": who.email, "password": who.password, "csrf": token, "next": "//evil.example/x"},
    )
    assert response.headers["location"] == "/"


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    response = client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"


def test_a_form_without_the_csrf_token_is_refused_and_writes_nothing(client: TestClient, site: Site) -> None:
    login(client, USERS["admin"])
    before = snapshot(site.db)
    response = client.post(
        f"/p/{CODE}/projects/2.9/action", data={"event": "suspend", "reason": "测试", "csrf": "forged"}
    )
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert snapshot(site.db) == before


def test_a_department_user_sees_only_the_items_of_its_department(client: TestClient, site: Site) -> None:
    login(client, USERS["civil"])
    page = client.get(f"/p/{CODE}").text
    assert 'data-item="2"' in page
    assert 'data-item="4"' not in page
    assert client.get(f"/p/{CODE}/items/4").status_code == 403
    assert client.get(f"/p/{CODE}/projects/4.6").status_code == 403


def test_a_department_user_cannot_act_on_another_departments_project(client: TestClient, site: Site) -> None:
    token = login(client, USERS["civil"])
    before = snapshot(site.db)
    response = client.post(
        f"/p/{CODE}/projects/4.6/action", data={"event": "suspend", "reason": "越权", "csrf": token}
    )
    assert response.status_code == 403
    assert "无权操作" in response.text
    assert snapshot(site.db) == before


def test_a_viewer_sees_no_action_forms_and_cannot_post_one(client: TestClient, site: Site) -> None:
    token = login(client, USERS["viewer"])
    page = client.get(f"/p/{CODE}/projects/2.9").text
    assert 'data-testid="actions"' not in page
    assert 'data-testid="progress-form"' not in client.get(f"/p/{CODE}/items/2").text
    before = snapshot(site.db)
    response = client.post(
        f"/p/{CODE}/projects/2.9/action", data={"event": "suspend", "reason": "x", "csrf": token}
    )
    assert response.status_code == 403
    assert snapshot(site.db) == before


def test_a_refused_advance_lists_every_unmet_prerequisite_and_writes_nothing(
    client: TestClient, site: Site
) -> None:
    token = login(client, USERS["civil"])
    before = snapshot(site.db)
    response = client.post(f"/p/{CODE}/projects/2.9/action", data={"event": "advance", "csrf": token})
    assert response.status_code == 422
    assert "缺少要件：竣工验收" in response.text
    assert snapshot(site.db) == before


def test_an_advance_with_evidence_moves_the_project_and_records_the_logged_in_user(
    client: TestClient, site: Site
) -> None:
    token = login(client, USERS["civil"])
    response = client.post(
        f"/p/{CODE}/projects/2.9/action",
        data={
            "event": "advance",
            "csrf": token,
            "at": "2020-10-10",
            "ev_kind": "竣工验收",
            "ev_doc": "长民验〔2020〕5号",
            "ev_date": "2020-10-09",
        },
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    assert "2.9 已推进：开工 → 完工" in page
    assert 'data-testid="stage">完工' in page
    with site.db.read() as session:
        assert current_stage(session, "2.9", CODE) is Stage.completed
        last = session.scalars(select(Transition).order_by(Transition.id.desc()).limit(1)).one()
    assert (last.actor, last.source, last.event) == ("民政科", "web", "advance")


def test_a_stale_page_gets_a_conflict_message_and_writes_nothing(client: TestClient, site: Site) -> None:
    token = login(client, USERS["admin"])
    stale = {"event": "suspend", "reason": "资金未到位", "csrf": token, "version": "1"}
    assert client.post(f"/p/{CODE}/projects/2.10/action", data=stale).status_code == 303
    count = _transitions(site)
    second = client.post(f"/p/{CODE}/projects/2.10/action", data={**stale, "event": "cancel"})
    assert second.status_code == 409
    assert "并发冲突" in second.text
    assert _transitions(site) == count


def test_a_department_reports_progress_with_its_problems_and_next_steps(
    client: TestClient, site: Site
) -> None:
    token = login(client, USERS["civil"])
    response = client.post(
        f"/p/{CODE}/items/2/progress",
        data={
            "csrf": token,
            "target": "1",
            "done": "9",
            "as_of": "2020-10-15",
            "note": "9 个点位已完成",
            "problems": "<script>alert(1)</script>",
            "next_steps": "加快装修",
        },
    )
    assert response.status_code == 303
    with site.db.read() as session:
        report = session.scalars(select(ProgressReport).order_by(ProgressReport.id.desc()).limit(1)).one()
    assert (report.reported_by, report.problems, report.next_steps) == (
        "区民政局（民政科）",
        "<script>alert(1)</script>",
        "加快装修",
    )
    page = client.get(f"/p/{CODE}/items/2").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def test_bad_form_input_is_a_4xx_with_a_chinese_message_and_writes_nothing(
    client: TestClient, site: Site
) -> None:
    token = login(client, USERS["admin"])
    before = snapshot(site.db)
    cases = [
        (f"/p/{CODE}/items/2/progress", {"csrf": token, "done": "很多"}, "数量应为数字"),
        (f"/p/{CODE}/items/2/progress", {"csrf": token, "done": "1", "as_of": "2020-13-45"}, "YYYY-MM-DD"),
        (
            f"/p/{CODE}/projects/2.9/evidence",
            {"csrf": token, "kind": "护照", "doc_no": "x", "issued_on": "2020-01-01"},
            "未知要件",
        ),
        (f"/p/{CODE}/projects/2.9/action", {"csrf": token, "event": "fly"}, "未知操作"),
        (
            f"/p/{CODE}/projects/2.9/action",
            {"csrf": token, "event": "suspend", "reason": "长" * 5000},
            "无效",
        ),
        (f"/p/{CODE}/projects/99.1/action", {"csrf": token, "event": "suspend", "reason": "x"}, "没有子项目"),
    ]
    for url, data, words in cases:
        response = client.post(url, data=data)
        assert 400 <= response.status_code < 500, (url, data, response.status_code)
        assert words in response.text, (url, response.text[:500])
    assert snapshot(site.db) == before


def test_a_refused_form_names_what_is_missing_in_words_not_command_line_flags(
    client: TestClient, site: Site
) -> None:
    token = login(client, USERS["admin"])
    before = snapshot(site.db)
    for event, words in (("suspend", "暂停须写明原因"), ("cancel", "终止须写明原因")):
        response = client.post(
            f"/p/{CODE}/projects/2.9/action", data={"csrf": token, "event": event, "reason": " "}
        )
        assert response.status_code == 422
        assert words in response.text and "（--" not in response.text and "--reason" not in response.text
    empty = client.post(f"/p/{CODE}/items/2/progress", data={"csrf": token})
    assert empty.status_code == 422
    assert "请至少报送一项：完成数量、完成情况、存在问题或下一步打算" in empty.text
    assert not re.search(r"--(done|note|problems|next)", empty.text)
    assert snapshot(site.db) == before


def test_an_internal_error_shows_a_plain_message_and_no_traceback(client: TestClient, site: Site) -> None:
    login(client, USERS["admin"])
    with UnitOfWork(site.db) as uow:
        uow.session.execute(text("DROP TABLE report_files"))
        uow.commit()
    client_no_raise = TestClient(client.app, raise_server_exceptions=False, cookies=client.cookies)
    response = client_no_raise.get(f"/p/{CODE}/reports")
    assert response.status_code == 500
    assert "服务器内部错误" in response.text
    assert "Traceback" not in response.text
    assert "report_files" not in response.text


def test_logout_ends_the_session(client: TestClient) -> None:
    token = login(client, USERS["viewer"])
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    assert client.get(f"/p/{CODE}").status_code == 303


def test_generated_reports_are_listed_and_downloaded_byte_for_byte(
    client: TestClient, site: Site, tmp_path: Path
) -> None:
    files = generate(site.db, CODE, "2020-09", ("md", "xlsx"), get_settings().reports_folder)
    login(client, USERS["viewer"])
    listing = client.get(f"/p/{CODE}/reports").text
    links = re.findall(rf'href="(/p/{CODE}/reports/\d+)"', listing)
    assert len(links) == len(files) == 3
    contents = {client.get(link).content for link in links}
    assert contents == {Path(f["path"]).read_bytes() for f in files}
    assert client.get(f"/p/{CODE}/reports/999999").status_code == 404


def test_the_dashboard_filters_by_department(client: TestClient) -> None:
    login(client, USERS["admin"])
    page = client.get(f"/p/{CODE}", params={"dept": "区体育局"}).text
    assert re.findall(r'data-item="(\d+)"', page) == ["4", "7"]
    everything = re.findall(r'data-item="(\d+)"', client.get(f"/p/{CODE}").text)
    assert len(everything) == 12
    unknown = client.get(f"/p/{CODE}", params={"status": "飞速"})
    assert unknown.status_code == 422 and "未知状态" in unknown.text


def test_the_dashboard_shows_a_chosen_date_computed_when_no_nightly_ran_for_it(
    client: TestClient, site: Site
) -> None:
    login(client, USERS["admin"])
    before = snapshot(site.db)
    page = client.get(f"/p/{CODE}", params={"as_of": "2020-06-30"}).text
    assert "截至 2020-06-30 的状态" in page and 'value="2020-06-30"' in page
    assert len(re.findall(r'data-item="(\d+)"', page)) == 12
    assert snapshot(site.db) == before  # computed in memory: nothing stored
    june = client.get(f"/api/programmes/{CODE}", params={"as_of": "2020-06-30"}).json()
    september = client.get(f"/api/programmes/{CODE}", params={"as_of": "2020-09-30"}).json()
    progress = {r["number"]: r["progress"] for r in june["items"]}
    assert (
        progress[8] < {r["number"]: r["progress"] for r in september["items"]}[8]
    )  # 8's beds opened in July
    wrong = client.get(f"/p/{CODE}", params={"as_of": "2020-13-01"})
    assert wrong.status_code == 422 and "日期格式应为" in wrong.text


def test_a_department_refused_a_revert_gets_403_and_nothing_is_written(
    client: TestClient, site: Site
) -> None:
    token = login(client, USERS["civil"])
    before = snapshot(site.db)
    response = client.post(
        f"/p/{CODE}/projects/2.9/action", data={"event": "revert", "reason": "重新报批", "csrf": token}
    )
    assert response.status_code == 403
    assert "退回须由管理员操作" in response.text
    assert snapshot(site.db) == before


def test_a_report_row_pointing_outside_the_reports_folder_is_not_served(
    client: TestClient, site: Site, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text("机密", encoding="utf-8")
    with UnitOfWork(site.db) as uow:
        for n, path in enumerate(
            ("/etc/passwd", str(outside), f"{get_settings().reports_folder}/../../x.md")
        ):
            uow.session.execute(
                text(
                    "INSERT INTO report_files (id, programme_id, period, kind, format, path, checksum, "
                    "created_at, updated_at) VALUES (:id, 1, '2020-09', 'all', 'md', :path, 'x', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"id": 9000 + n, "path": path},
            )
        uow.commit()
    login(client, USERS["admin"])
    for n in range(3):
        response = client.get(f"/p/{CODE}/reports/{9000 + n}")
        assert response.status_code in (403, 404)
        assert "机密" not in response.text and "root:" not in response.text
    assert client.get(f"/p/{CODE}/reports/9000").status_code == 403


def test_the_item_page_says_which_figure_is_the_completion_rate_and_which_the_nightly_basis(
    client: TestClient,
) -> None:
    login(client, USERS["admin"])
    page = client.get(f"/p/{CODE}/items/8").text
    cells = re.findall(r'data-testid="target-achieved">(.*?)</td>', page, flags=re.S)
    assert cells and all("完成率" in c for c in cells if "—" not in c), cells
    assert any("按子项目数量合计" in c or "按最新一次报送" in c for c in cells), cells
    reasons = re.findall(r'data-testid="item-reason">(.*?)</span>', client.get(f"/p/{CODE}/items/1").text)
    assert reasons and all(r.startswith("依据：截至 ") and "序时" in r for r in reasons), reasons


def test_the_dashboard_filter_finds_a_member_office_through_its_group(client: TestClient) -> None:
    login(client, USERS["admin"])
    page = client.get(f"/p/{CODE}").text
    assert '<option value="新华路街道"' in page or ">新华路街道<" in page
    group = re.findall(r'data-item="(\d+)"', client.get(f"/p/{CODE}", params={"dept": "各街镇"}).text)
    member = re.findall(r'data-item="(\d+)"', client.get(f"/p/{CODE}", params={"dept": "新华路街道"}).text)
    assert "3" in group and member == group


def test_the_item_page_writes_numbers_beside_their_units_as_the_reports_do(client: TestClient) -> None:
    login(client, USERS["admin"])
    page = client.get(f"/p/{CODE}/items/2").text
    assert "<div>2个点位已正式运营</div>" in page and "<div>1家已竣工</div>" in page
    assert '<td data-label="计划">10个</td>' in page and '<td data-label="计划">250张</td>' in page
    assert not re.search(r"<div>[^<]*\d [个张家]", page)
