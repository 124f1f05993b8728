"""Under a programme that requires review, a department's change waits as a submission (待审核) until the
office approves it (applied once, in the approval's transaction) or returns it (never applied)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from email import message_from_string
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from notifications.message import build
from notifications.render import render
from services.people.users import UserInput
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE
from tests.helpers import all_rows, cli, snapshot
from tests.web.conftest import CODE, USERS, Site, login

COMPLETION = {"kind": "竣工验收", "doc_no": "长民验〔2020〕7号", "issued_on": "2020-10-11"}
ADVANCE = {"event": "advance", "at": "2020-10-12", "evidence": [COMPLETION]}


def auth(who: UserInput) -> dict[str, str]:
    token = base64.b64encode(f"{who.name}:{who.password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def reviewed(site: Site) -> Iterator[Site]:
    """The example programme with `review: true`."""
    with UnitOfWork(site.db) as uow:  # a commit that raises the data revisions, so kept pages are read afresh
        uow.connection.execute(text("UPDATE programmes SET review = :yes"), {"yes": True})
        uow.commit()
    yield site


def post(client: TestClient, who: UserInput, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/programmes/{CODE}{path}", json=body, headers=auth(who))


def stage_of(site: Site, ref: str) -> tuple[str, int]:
    item, number = ref.split(".")
    return all_rows(
        site.db,
        "SELECT p.stage, p.version FROM projects p JOIN items i ON i.id = p.item_id "
        f"WHERE i.number = {int(item)} AND p.number = {int(number)}",
    )[0]


def emails(site: Site, kind: str) -> list[Any]:
    """The outbox rows of one kind, each rendered and built as the delivery would."""
    rows = all_rows(site.db, f"SELECT payload, recipient, recipient_name FROM outbox WHERE kind = '{kind}'")
    built = []
    for payload, recipient, name in rows:
        data = payload if isinstance(payload, dict) else json.loads(payload)
        message = build(render(kind, data, name), "shishi@example.org", recipient, name, "<x@example.org>")
        built.append(message_from_string(message.as_string(), policy=default))
    return built


def parts(message: Any) -> tuple[str, str]:
    text_part, html_part = (p.get_payload(decode=True).decode() for p in message.get_payload())
    return text_part, html_part


def test_a_progress_report_under_review_changes_nothing_until_approved_and_applies_once(
    client: TestClient, reviewed: Site
) -> None:
    civil, admin = USERS["civil"], USERS["admin"]
    before = snapshot(reviewed.db)["progress_reports"]
    token = login(client, civil)
    form = {"csrf": token, "target": "1", "as_of": "2020-10-15", "done": "6", "note": "新增 2 个点位运营"}
    response = client.post(f"/p/{CODE}/items/2/progress", data=form)
    assert response.status_code == 303
    assert "已提交审核（报送 #1）" in client.get(f"/p/{CODE}/items/2").text
    assert snapshot(reviewed.db)["progress_reports"] == before
    mine = client.get(f"/p/{CODE}/review").text
    assert "待审核（1）" in mine and "新增 2 个点位运营" in mine and "审核通过</button>" not in mine

    refused = client.post(f"/api/programmes/{CODE}/submissions/1/approve", headers=auth(civil))
    assert refused.status_code == 403 and "不能审核本部门提交的报送" in refused.json()["detail"]
    assert snapshot(reviewed.db)["progress_reports"] == before

    client.cookies.clear()
    token = login(client, admin)
    assert "审核通过</button>" in client.get(f"/p/{CODE}/review").text
    done = client.post(f"/p/{CODE}/review/1/approve", data={"csrf": token})
    assert done.status_code == 303
    page = client.get(f"/p/{CODE}/review").text
    assert "报送 #1 已审核通过" in page and "暂无待审核的报送" in page
    assert len(snapshot(reviewed.db)["progress_reports"]) == len(before) + 1
    filed = all_rows(reviewed.db, "SELECT reported_by, note FROM progress_reports ORDER BY id DESC LIMIT 1")
    assert filed == [("区民政局（民政科）", "新增 2 个点位运营")]

    again = client.post(f"/api/programmes/{CODE}/submissions/1/approve", headers=auth(admin))
    assert again.status_code == 409 and "已由 办公室 审核通过，不能再次审核" in again.json()["detail"]
    assert len(snapshot(reviewed.db)["progress_reports"]) == len(before) + 1
    mails = emails(reviewed, "submission_approved")
    assert sorted(m["To"].addresses[0].addr_spec for m in mails) == [
        "mz@cn.example",
        "mzj-shishi@changning.example",
    ]
    plain, html = parts(mails[0])
    mail = mails[0]
    assert "报送 #1" in mail["Subject"] and "已通过" in mail["Subject"]
    assert "已审核通过，已生效" in plain and "审核人：办公室" in plain and "提交人：民政科" in plain
    assert "已审核通过，已生效" in html and "<td>办公室</td>" in html


def test_a_returned_stage_change_never_applies_and_no_department_approves_it(
    client: TestClient, reviewed: Site
) -> None:
    civil, sport, admin = USERS["civil"], USERS["sport"], USERS["admin"]
    seen = stage_of(reviewed, "2.11")
    held = post(client, civil, "/projects/2.11/actions", ADVANCE)
    assert held.status_code == 202, held.text
    assert held.json()["state"] == "pending" and "已提交审核" in held.json()["message"]
    assert stage_of(reviewed, "2.11") == seen
    assert all_rows(reviewed.db, "SELECT count(*) FROM evidence WHERE doc_no = '长民验〔2020〕7号'") == [(0,)]

    other = post(client, sport, "/submissions/1/approve", {})
    assert other.status_code == 403 and "只有管理员" in other.json()["detail"]
    viewer = client.get(f"/api/programmes/{CODE}/submissions", headers=auth(sport)).json()
    assert viewer["submissions"] == []  # another department sees none of it
    no_reason = post(client, admin, "/submissions/1/return", {"reason": ""})
    assert no_reason.status_code == 422
    returned = post(client, admin, "/submissions/1/return", {"reason": "验收文号有误，请核对"})
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    assert post(client, admin, "/submissions/1/approve", {}).status_code == 409
    assert stage_of(reviewed, "2.11") == seen

    listed = client.get(f"/api/programmes/{CODE}/submissions?state=all", headers=auth(civil)).json()
    (entry,) = listed["submissions"]
    assert (entry["state_label"], entry["decided_by"], entry["reason"]) == (
        "已退回",
        "办公室",
        "验收文号有误，请核对",
    )
    plain, html = parts(emails(reviewed, "submission_returned")[0])
    assert "退回原因：验收文号有误，请核对" in plain and "<strong>验收文号有误，请核对</strong>" in html


def test_an_approved_stage_change_runs_the_flow_once_and_the_audit_names_who_submitted_and_approved(
    client: TestClient, reviewed: Site
) -> None:
    civil, admin = USERS["civil"], USERS["admin"]
    assert post(client, civil, "/projects/2.11/actions", ADVANCE).status_code == 202
    assert post(client, civil, "/projects/2.8/actions", ADVANCE).status_code == 202
    done = post(client, admin, "/submissions/1/approve", {})
    assert done.status_code == 200, done.text
    assert (done.json()["from_stage"], done.json()["to_stage"]) == ("construction", "completed")
    assert stage_of(reviewed, "2.11")[0] == "completed"
    history = client.get(f"/api/programmes/{CODE}/projects/2.11/history", headers=auth(civil)).json()
    last = history["transitions"][-1]
    assert (last["actor"], last["source"]) == ("民政科", "review")
    assert "经 办公室 审核通过（报送 #1）" in last["reason"]

    own = post(client, admin, "/projects/2.8/actions", ADVANCE)  # the office's own change applies directly
    assert own.status_code == 200 and stage_of(reviewed, "2.8")[0] == "completed"
    late = post(client, admin, "/submissions/2/approve", {})
    assert late.status_code == 409, late.text
    assert "仍待审核" in late.json()["detail"]
    states = all_rows(reviewed.db, "SELECT id, state, decided_by FROM submissions ORDER BY id")
    assert states == [(1, "approved", "办公室"), (2, "pending", None)]


def test_the_command_line_lists_approves_and_returns_and_refuses_a_department_reviewer(
    client: TestClient, reviewed: Site
) -> None:
    civil = USERS["civil"]
    doc = {"kind": "施工许可", "doc_no": "长建〔2020〕9号", "issued_on": "2020-05-01"}
    assert post(client, civil, "/projects/2.12/evidence", doc).status_code == 202
    assert post(client, civil, "/projects/2.11/actions", ADVANCE).status_code == 202
    assert (
        post(client, civil, "/items/2/progress", {"as_of": "2020-10-15", "note": "推进中"}).status_code == 202
    )
    assert post(client, civil, "/projects/2.11/actions", ADVANCE).status_code == 202  # pressed twice
    before = snapshot(reviewed.db)["evidence"]

    listed = cli("review", "list")
    assert (
        listed.exit_code == 0
        and "#1  待审核  要件登记" in listed.output
        and "#2  待审核  阶段变更" in listed.output
    )
    department = cli("review", "approve", "1", "--by", "民政科")
    assert department.exit_code == 1 and "不能审核本部门提交的报送" in department.output
    assert cli("review", "approve", "1", "--by", "无此人").exit_code == 2
    assert snapshot(reviewed.db)["evidence"] == before

    approved = cli("review", "approve", "1", "--by", "办公室")
    assert approved.exit_code == 0, approved.output
    assert "已登记要件：施工许可 长建〔2020〕9号" in approved.output
    assert len(snapshot(reviewed.db)["evidence"]) == len(before) + 1
    again = cli("review", "approve", "1", "--by", "办公室")
    assert again.exit_code == 1 and "不能再次审核" in again.output

    moved = cli("review", "approve", "2", "--by", "办公室")
    assert moved.exit_code == 0, moved.output
    assert "2.11 开工 → 完工（2020-10-12）" in moved.output
    twice = cli("review", "approve", "4", "--by", "办公室")  # a press is an intent: 2.11 moved since
    assert (
        twice.exit_code == 1 and "报送 #4 未能生效，仍待审核" in twice.output and "并发冲突" in twice.output
    )
    assert stage_of(reviewed, "2.11")[0] == "completed"
    returned = cli("review", "return", "3", "--by", "办公室", "--reason", "请补充完成数量")
    assert returned.exit_code == 0 and "报送 #3 已退回" in returned.output
    decided = cli("review", "list", "--state", "decided")
    assert "退回原因：请补充完成数量" in decided.output and "审核：办公室" in decided.output
    assert cli("review", "list", "--state", "已审核").output == decided.output


def test_the_programme_files_review_setting_turns_review_on_and_without_it_changes_apply(
    client: TestClient, site: Site, tmp_path: Path
) -> None:
    civil, body = USERS["civil"], {"as_of": "2020-10-15", "note": "推进中"}
    assert post(client, civil, "/items/2/progress", body).status_code == 201  # the example: no review
    assert all_rows(site.db, "SELECT count(*) FROM submissions") == [(0,)]
    head = "  office_email: shishi-office@changning.example\n"
    source = EXAMPLE.read_text(encoding="utf-8")
    assert source.count(head) == 1
    path = tmp_path / "changning-2020.yaml"
    path.write_text(source.replace(head, head + "  review: true\n"), encoding="utf-8")
    loaded = cli("load", str(path))
    assert loaded.exit_code == 0, loaded.output
    assert "报送审核" in loaded.output
    held = post(client, civil, "/items/2/progress", {**body, "note": "已完成"})
    assert held.status_code == 202 and held.json()["submission"] == 1
