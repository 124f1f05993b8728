"""The stage a person saw is the stage that is changed: stale pages and racing API calls get a 409, never a second move."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from admin import orchestrate
from admin.web.app import create_app
from models import OutboxMessage, Transition
from services.stage_change.evidence import record_evidence
from services.stage_change.request import EvidenceInput
from services.unit_of_work import UnitOfWork
from services.views.history import current_stage
from states.stages import Stage
from tests.helpers import snapshot
from tests.web.conftest import CODE, USERS, Site, login
from tests.web.test_api import auth

ON_POSTGRESQL = True  # run on PostgreSQL too (see tests/conftest.py)

TODAY = date(2020, 10, 20)
ACCEPTANCE = EvidenceInput("acceptance", "长民验〔2020〕9号", date(2020, 9, 20))
HANDOVER = EvidenceInput("handover", "长民交〔2020〕9号", date(2020, 9, 21))
ACTIONS = f"/api/programmes/{CODE}/projects/2.9/actions"
STALE = "操作时为“开工”，现为“完工”，由 办公室 于 "


@pytest.fixture
def other_client(site: Site) -> Iterator[TestClient]:
    """A second browser: its own cookies, its own session."""
    with TestClient(create_app(), base_url="http://testserver", follow_redirects=False) as c:
        yield c


def _record(site: Site, *documents: EvidenceInput) -> None:
    for document in documents:
        with UnitOfWork(site.db) as uow:
            record_evidence(uow, "2.9", document, "办公室", TODAY, CODE)


def _advances(site: Site) -> int:
    with site.db.read() as session:
        return session.scalar(
            select(func.count()).select_from(Transition).where(Transition.event == "advance")
        )


def _stage(site: Site) -> Stage | None:
    with site.db.read() as session:
        return current_stage(session, "2.9", CODE)


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, name
    return found.group(1)


def test_two_sessions_on_one_page_both_advance_one_applies_the_other_is_told_who_moved_it(
    client: TestClient, other_client: TestClient, site: Site
) -> None:
    _record(site, ACCEPTANCE, HANDOVER)  # the next two stages' documents: a second move would pass the rules
    forms = []
    for browser, who in ((client, USERS["admin"]), (other_client, USERS["civil"])):
        token = login(browser, who)
        page = browser.get(f"/p/{CODE}/projects/2.9").text
        fields = {"event": "advance", "at": "2020-09-25", "csrf": token}
        forms.append(
            (browser, {**fields, "version": _hidden(page, "version"), "stage": _hidden(page, "stage")})
        )
    assert forms[0][1]["stage"] == "construction"
    first = forms[0][0].post(f"/p/{CODE}/projects/2.9/action", data=forms[0][1])
    assert first.status_code == 303
    before = snapshot(site.db)
    second = forms[1][0].post(f"/p/{CODE}/projects/2.9/action", data=forms[1][1])
    assert second.status_code == 409
    assert "并发冲突" in second.text and STALE in second.text
    assert 'data-testid="stage">完工' in second.text
    assert snapshot(site.db) == before
    assert (_stage(site), _advances(site)) == (Stage.completed, 1)


def test_two_api_clients_with_the_projects_etag_one_applies_the_other_gets_409(
    client: TestClient, site: Site
) -> None:
    _record(site, ACCEPTANCE, HANDOVER)
    admin, civil = USERS["admin"], USERS["civil"]
    shown = client.get(f"/api/programmes/{CODE}/projects/2.9", headers=auth(admin))
    assert shown.headers["etag"] == f'"{shown.json()["version"]}"'
    seen = [
        client.get(f"/api/programmes/{CODE}/projects/2.9", headers=auth(who)).headers["etag"]
        for who in (admin, civil)
    ]
    body = {"event": "advance", "at": "2020-09-25"}
    won = client.post(ACTIONS, json=body, headers={**auth(admin), "If-Match": seen[0]})
    assert won.status_code == 200, won.text
    assert (won.json()["to_stage"], won.json()["version"]) == ("completed", int(seen[0].strip('"')) + 1)
    before = snapshot(site.db)
    lost = client.post(ACTIONS, json=body, headers={**auth(civil), "If-Match": seen[1]})
    assert lost.status_code == 409
    assert "版本" in lost.json()["detail"] and "现为“完工”" in lost.json()["detail"]
    assert "由 办公室 于 " in lost.json()["detail"]
    stage_seen = client.post(ACTIONS, json={**body, "expected_stage": "开工"}, headers=auth(civil))
    assert stage_seen.status_code == 409
    assert STALE in stage_seen.json()["detail"]
    assert snapshot(site.db) == before
    assert (_stage(site), _advances(site)) == (Stage.completed, 1)


@pytest.mark.parametrize(
    ("if_match", "body", "status", "words"),
    [
        ("3", {}, 422, "If-Match 应为"),
        ('"x"', {}, 422, "If-Match 应为"),
        ('"1"', {"expected_version": 2}, 422, "不一致"),
        ('W/"9"', {}, 409, "操作时为版本 9，现为“开工”（版本 1）"),
        (None, {"expected_stage": "月球"}, 422, "未知阶段"),
        (None, {"expected_stage": "completed"}, 409, "操作时为“完工”，现为“开工”"),
    ],
)
def test_expectations_the_api_cannot_use_or_that_are_stale_are_refused_and_write_nothing(
    client: TestClient, site: Site, if_match: str | None, body: dict[str, Any], status: int, words: str
) -> None:
    before = snapshot(site.db)
    headers = {**auth(USERS["admin"]), **({"If-Match": if_match} if if_match else {})}
    response = client.post(ACTIONS, json={"event": "suspend", "reason": "整改", **body}, headers=headers)
    assert response.status_code == status, response.text
    assert words in response.json()["detail"] + "".join(response.json().get("reasons", []))
    assert snapshot(site.db) == before


@pytest.mark.parametrize("documents", ["named in each request", "already recorded"])
def test_eight_api_requests_at_once_without_expectations_apply_once_and_seven_get_409(
    live_url: str, site: Site, monkeypatch: pytest.MonkeyPatch, documents: str
) -> None:
    body: dict[str, Any] = {"event": "advance", "at": "2020-09-25"}
    if documents == "already recorded":
        _record(site, ACCEPTANCE, HANDOVER)
    else:
        body["evidence"] = [{"kind": "竣工验收", "doc_no": ACCEPTANCE.doc_no, "issued_on": "2020-09-20"}]
    with site.db.read() as session:
        outbox_before = session.scalar(select(func.count()).select_from(OutboxMessage))
    _all_checked_before_any_flow_runs(monkeypatch, 8)
    statuses: list[tuple[int, dict[str, Any]]] = []

    def press() -> None:
        with httpx.Client(base_url=live_url, timeout=300) as http:
            response = http.post(ACTIONS, json=body, headers=auth(USERS["admin"]))
        statuses.append((response.status_code, response.json()))

    threads = [threading.Thread(target=press) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(code for code, _ in statuses) == [200] + [409] * 7, statuses
    assert all(STALE in problem["detail"] for code, problem in statuses if code == 409)
    assert (_stage(site), _advances(site)) == (Stage.completed, 1)
    with site.db.read() as session:
        added = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id).offset(outbox_before)).all()
    assert added and len(added) == len({m.recipient for m in added})  # one set: one row per recipient


def _all_checked_before_any_flow_runs(monkeypatch: pytest.MonkeyPatch, presses: int) -> None:
    """Every request passes its check before any flow starts: the eight presses happen at one moment.

    The flows run in the web server's threads with the test's Prefect server, as the caller's do.
    """
    from prefect.context import SettingsContext, get_settings_context

    barrier, settings, advance = threading.Barrier(presses), get_settings_context(), orchestrate.advance

    def gated(*args: Any, **kwargs: Any) -> Any:
        barrier.wait(timeout=120)
        with SettingsContext(profile=settings.profile, settings=settings.settings):
            return advance(*args, **kwargs)

    monkeypatch.setattr(orchestrate, "advance", gated)
