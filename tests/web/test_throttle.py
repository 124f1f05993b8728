"""Login throttling in the database: per account whatever its spelling, per address, across app instances."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from admin.web.app import create_app
from models import LoginFailure
from services.people import throttle
from services.people.management import Actor, reset_password
from services.people.users import UserInput
from services.unit_of_work import UnitOfWork
from tests.web.conftest import USERS, Site, csrf_of

ON_POSTGRESQL = True  # run on PostgreSQL too (see tests/conftest.py)


def _post_login(client: TestClient, login: str, password: str) -> Any:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"login": login, "password": password, "csrf": token})


def _basic(login: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()}


def _fail_five_times(client: TestClient, who: UserInput) -> None:
    for _ in range(5):
        assert _post_login(client, who.name, "guess-guess").status_code == 401


def test_five_wrong_passwords_by_name_lock_the_email_too(client: TestClient) -> None:
    who = USERS["admin"]
    _fail_five_times(client, who)
    for spelling in (who.email, who.email.upper(), f"  {who.name} "):
        assert _post_login(client, spelling, who.password).status_code == 429
    assert client.get("/api/me", headers=_basic(who.email, who.password)).status_code == 401
    assert _post_login(client, USERS["viewer"].email, USERS["viewer"].password).status_code == 303


def test_the_lock_holds_in_another_app_instance_on_the_same_database(site: Site) -> None:
    who = USERS["civil"]
    with TestClient(create_app(), follow_redirects=False) as first:
        _fail_five_times(first, who)
    with TestClient(create_app(), follow_redirects=False) as second:
        assert _post_login(second, who.email, who.password).status_code == 429
        assert second.get("/api/me", headers=_basic(who.name, who.password)).status_code == 401


def test_basic_auth_failures_count_towards_the_same_lock(client: TestClient) -> None:
    who = USERS["sport"]
    for _ in range(5):
        assert client.get("/api/me", headers=_basic(who.email, "guess-guess")).status_code == 401
    assert _post_login(client, who.name, who.password).status_code == 429


def test_an_address_trying_many_logins_is_locked(site: Site) -> None:
    with TestClient(create_app(), follow_redirects=False, client=("192.0.2.7", 4000)) as guesser:
        for n in range(throttle.MAX_ADDRESS_FAILURES):
            assert _post_login(guesser, f"nobody-{n}", "guess-guess").status_code == 401
        who = USERS["viewer"]
        assert _post_login(guesser, who.name, who.password).status_code == 429
    with TestClient(create_app(), follow_redirects=False, client=("192.0.2.8", 4000)) as elsewhere:
        assert _post_login(elsewhere, who.name, who.password).status_code == 303


def test_the_store_is_bounded_but_never_forgets_a_locked_account(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "MAX_ROWS", 12)
    now = datetime.now(UTC)
    who = USERS["admin"]
    for _ in range(5):
        with UnitOfWork(site.db) as uow:
            throttle.record_failure(uow, who.name, None, now)
    for n in range(40):
        with UnitOfWork(site.db) as uow:
            throttle.record_failure(uow, f"nobody-{n}", None, now)
    with site.db.read() as session:
        assert session.scalar(select(func.count()).select_from(LoginFailure)) == 12
        assert throttle.is_locked(session, who.email.upper(), None, now)
        assert not throttle.is_locked(session, "nobody-0", None, now)


def test_a_password_reset_by_an_administrator_lifts_the_lock(client: TestClient, site: Site) -> None:
    who = USERS["civil"]
    _fail_five_times(client, who)
    assert _post_login(client, who.name, who.password).status_code == 429
    with UnitOfWork(site.db) as uow:
        reset_password(uow, who.name, "brand-new-secret-1", Actor("王主任"))
    assert _post_login(client, who.email, "brand-new-secret-1").status_code == 303
