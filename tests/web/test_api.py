"""The JSON API: the same rights as the pages, 4xx with a message for bad input, and schemathesis on its OpenAPI."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from services.people.users import UserInput
from tests.helpers import snapshot
from tests.web.conftest import CODE, USERS, Site, login


def auth(who: UserInput) -> dict[str, str]:
    """HTTP Basic with a UTF-8 user name."""
    raw = f"{who.name}:{who.password}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def act(client: TestClient, who: UserInput, ref: str, body: Any) -> Any:
    return client.post(f"/api/programmes/{CODE}/projects/{ref}/actions", json=body, headers=auth(who))


def test_the_api_needs_credentials(client: TestClient) -> None:
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录"
    wrong = client.get("/api/me", headers=auth(UserInput("办公室", "x@y.example", "admin", "wrong-password")))
    assert wrong.status_code == 401


def test_a_viewer_reads_but_every_write_is_refused(client: TestClient, site: Site) -> None:
    viewer = USERS["viewer"]
    assert (
        client.get(f"/api/programmes/{CODE}/projects/2.9", headers=auth(viewer)).json()["stage"]
        == "construction"
    )
    before = snapshot(site.db)
    response = act(client, viewer, "2.9", {"event": "suspend", "reason": "x"})
    assert response.status_code == 403
    assert "只读" in response.json()["detail"]
    progress = client.post(
        f"/api/programmes/{CODE}/items/2/progress", json={"note": "x"}, headers=auth(viewer)
    )
    assert progress.status_code == 403
    assert snapshot(site.db) == before


def test_a_department_cannot_read_or_act_on_another_departments_project(
    client: TestClient, site: Site
) -> None:
    civil = USERS["civil"]
    before = snapshot(site.db)
    assert client.get(f"/api/programmes/{CODE}/projects/4.6", headers=auth(civil)).status_code == 403
    response = act(client, civil, "4.6", {"event": "suspend", "reason": "越权"})
    assert response.status_code == 403
    assert "无权操作" in response.json()["detail"]
    dashboard = client.get(f"/api/programmes/{CODE}", headers=auth(civil)).json()
    assert {row["number"] for row in dashboard["items"]} == {2}
    assert snapshot(site.db) == before


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"event": "advance", "to": "月球"}, 422, "未知阶段"),
        ({"event": "advance", "to": "运营"}, 422, "不能跳过阶段"),
        ({"event": "fly"}, 422, "请求内容无效"),
        ({"event": 5}, 422, "请求内容无效"),
        ({"event": "suspend", "reason": "长" * 100_000}, 422, "请求内容无效"),
        ({"event": "advance", "expected_version": "new"}, 422, "请求内容无效"),
        (
            {"event": "advance", "evidence": [{"kind": "护照", "doc_no": "x", "issued_on": "2020-01-01"}]},
            422,
            "未知要件",
        ),
        ({"event": "advance", "expected_version": 0}, 409, "并发冲突"),
        ({"event": "suspend", "reason": "x", "at": 0}, 422, "请求内容无效"),
        ({"event": "suspend", "reason": "x", "at": "1600000000"}, 422, "请求内容无效"),
        ({"event": "suspend"}, 422, "原因"),
        ({"event": "resume"}, 422, "未暂停"),
        ("not json", 422, "请求内容无效"),
    ],
)
def test_bad_input_is_a_4xx_with_a_message_and_writes_nothing(
    client: TestClient, site: Site, body: Any, status: int, words: str
) -> None:
    before = snapshot(site.db)
    response = act(client, USERS["admin"], "2.9", body)
    assert response.status_code == status, response.text
    problem = response.json()
    assert words in problem["detail"] + "".join(problem.get("reasons", [])), problem
    assert snapshot(site.db) == before


def test_a_refusal_names_the_fields_concerned_and_no_command_line_flag(
    client: TestClient, site: Site
) -> None:
    admin = USERS["admin"]
    before = snapshot(site.db)
    suspend = act(client, admin, "2.9", {"event": "suspend", "reason": "  "})
    assert suspend.status_code == 422
    assert suspend.json() == {"detail": "暂停须写明原因", "reasons": [], "fields": ["reason"]}
    empty = client.post(f"/api/programmes/{CODE}/items/2/progress", json={}, headers=auth(admin))
    assert empty.status_code == 422
    problem = empty.json()
    assert problem["fields"] == ["done", "note", "problems", "next_steps"]
    assert "请至少报送一项" in problem["detail"] and "--" not in problem["detail"]
    assert snapshot(site.db) == before


@pytest.mark.parametrize("as_of", ["-1.2e-15", "0", "1600000000", "2020-9-30", "2020-09-30T00:00"])
def test_an_as_of_that_is_not_a_yyyy_mm_dd_day_is_422_not_a_day_of_1970(
    client: TestClient, as_of: str
) -> None:
    response = client.get(f"/api/programmes/{CODE}", params={"as_of": as_of}, headers=auth(USERS["admin"]))
    assert response.status_code == 422, response.text
    good = client.get(f"/api/programmes/{CODE}", params={"as_of": "2020-09-30"}, headers=auth(USERS["admin"]))
    assert good.status_code == 200 and good.json()["as_of"] == "2020-09-30"


def test_unknown_programme_and_project_are_404(client: TestClient) -> None:
    admin = USERS["admin"]
    assert client.get("/api/programmes/nowhere-2020", headers=auth(admin)).status_code == 404
    assert act(client, admin, "99.1", {"event": "suspend", "reason": "x"}).status_code == 404


def test_an_advance_through_the_api_runs_the_flow_and_is_in_the_history(client: TestClient) -> None:
    civil = USERS["civil"]
    body = {
        "event": "advance",
        "at": "2020-10-12",
        "evidence": [{"kind": "竣工验收", "doc_no": "长民验〔2020〕7号", "issued_on": "2020-10-11"}],
    }
    done = act(client, civil, "2.11", body)
    assert done.status_code == 200, done.text
    assert (done.json()["from_stage"], done.json()["to_stage"]) == ("construction", "completed")
    history = client.get(f"/api/programmes/{CODE}/projects/2.11/history", headers=auth(civil)).json()
    last = history["transitions"][-1]
    assert (last["actor"], last["source"], last["to_stage"]) == ("民政科", "web", "completed")


def test_a_browser_session_must_send_its_csrf_token_to_write(client: TestClient, site: Site) -> None:
    token = login(client, USERS["admin"])
    url = f"/api/programmes/{CODE}/projects/2.12/evidence"
    body = {"kind": "施工许可", "doc_no": "长建〔2020〕1号", "issued_on": "2020-05-01"}
    before = snapshot(site.db)
    assert client.post(url, json=body).status_code == 403
    assert snapshot(site.db) == before
    response = client.post(url, json=body, headers={"X-CSRF-Token": token})
    assert (response.status_code, response.json()["added"]) == (201, True)


def test_the_openapi_document_lists_the_reads_and_actions(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/programmes/{code}/projects/{ref}/actions" in paths
    assert "/api/programmes/{code}/items/{number}/progress" in paths


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def credentials_for(case: Any) -> dict[str, str]:
    """The administrator's credentials, unless the generated case is about a missing or bad Authorization."""
    phase = getattr(case.meta, "phase", None)
    mutated = getattr(getattr(phase, "data", None), "description", None) or ""
    return {} if "Authorization" in mutated else auth(USERS["admin"])


def test_the_api_honours_its_openapi_document(client: TestClient, site: Site) -> None:
    """Valid and invalid requests generated from the document: never a 5xx, always a documented answer."""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        for mode in GenerationMode:
            strategy = operation.as_strategy(
                mode, path_parameters={"code": CODE} if "{code}" in operation.path else None
            )

            @given(case=strategy)
            @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            def check(case: Any) -> None:
                case.call_and_validate(headers=credentials_for(case), checks=CHECKS)

            check()


def test_a_department_refused_a_revert_gets_403_and_nothing_is_written(
    client: TestClient, site: Site
) -> None:
    before = snapshot(site.db)
    response = act(client, USERS["civil"], "2.9", {"event": "revert", "reason": "重新报批"})
    assert response.status_code == 403
    assert response.json()["detail"] == "退回须由管理员操作"
    assert snapshot(site.db) == before
