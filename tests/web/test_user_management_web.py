"""Users managed on the web and the API: administrators only, recorded, and a disabled user's sessions end at once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from admin.web.app import create_app
from models import User, UserChange
from tests.helpers import snapshot
from tests.web.conftest import CODE, USERS, Site, csrf_of, login
from tests.web.test_api import auth


def _id(site: Site, name: str) -> int:
    with site.db.read() as session:
        return session.scalars(select(User.id).where(User.name == name)).one()


def _changes(site: Site) -> list[tuple[str, str, str, str]]:
    with site.db.read() as session:
        rows = session.scalars(select(UserChange).where(UserChange.action != "add").order_by(UserChange.id))
        return [(c.user_name, c.action, c.changed_by, c.source) for c in rows]


def test_disabling_a_user_ends_its_cookie_session_and_basic_login_at_once(
    client: TestClient, site: Site
) -> None:
    civil = USERS["civil"]
    with TestClient(create_app(), base_url="http://testserver", follow_redirects=False) as browser:
        login(browser, civil)
        assert browser.get(f"/p/{CODE}/items/2").status_code == 200
        assert (
            client.get("/api/me", headers=auth(civil)).status_code == 200
        )  # now remembered for five minutes
        off = client.post(f"/api/users/{_id(site, '民政科')}/disable", headers=auth(USERS["admin"]))
        assert off.status_code == 200 and off.json()["changed"] is True
        page = browser.get(f"/p/{CODE}/items/2")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert client.get("/api/me", headers=auth(civil)).status_code == 401
        client.post(f"/api/users/{_id(site, '民政科')}/enable", headers=auth(USERS["admin"]))
        assert browser.get(f"/p/{CODE}/items/2").status_code == 303  # the old session stays ended
        assert client.get("/api/me", headers=auth(civil)).status_code == 200
    assert _changes(site) == [("民政科", "disable", "办公室", "api"), ("民政科", "enable", "办公室", "api")]


def test_a_password_reset_ends_a_remembered_basic_login_with_the_old_password(
    client: TestClient, site: Site
) -> None:
    sport = USERS["sport"]
    assert client.get("/api/me", headers=auth(sport)).status_code == 200
    reset = client.post(
        f"/api/users/{_id(site, '体育科')}/password",
        json={"password": "new-secret-88"},
        headers=auth(USERS["admin"]),
    )
    assert reset.status_code == 200
    assert client.get("/api/me", headers=auth(sport)).status_code == 401
    fresh = auth(type(sport)(sport.name, sport.email, sport.role, "new-secret-88"))
    assert client.get("/api/me", headers=fresh).status_code == 200


def test_the_users_page_lists_everyone_and_its_forms_change_them(client: TestClient, site: Site) -> None:
    login(client, USERS["admin"])
    listing = client.get("/users")
    assert listing.status_code == 200
    for name in ("办公室", "民政科", "体育科", "督查室"):
        assert f'data-user="{name}"' in listing.text
    assert "长宁区/区民政局" in listing.text and "管理员（区实事项目办）" in listing.text
    token = csrf_of(listing.text)
    viewer = _id(site, "督查室")
    changed = client.post(
        f"/users/{viewer}/role", data={"csrf": token, "role": "department", "department": "区体育局"}
    )
    assert changed.status_code == 303
    assert "部门（长宁区/区体育局）" in client.get("/users").text
    reset = client.post(
        f"/users/{viewer}/password", data={"csrf": token, "password": "p-word-123", "again": "p-word-123"}
    )
    assert reset.status_code == 303
    assert client.post(f"/users/{viewer}/disable", data={"csrf": token}).status_code == 303
    assert "已停用" in client.get("/users").text
    assert _changes(site) == [
        ("督查室", "set_role", "办公室", "web"),
        ("督查室", "reset_password", "办公室", "web"),
        ("督查室", "disable", "办公室", "web"),
    ]


def test_user_forms_without_csrf_or_with_mismatched_passwords_write_nothing(
    client: TestClient, site: Site
) -> None:
    token = login(client, USERS["admin"])
    civil = _id(site, "民政科")
    before = snapshot(site.db)
    assert client.post(f"/users/{civil}/disable", data={}).status_code == 403
    mismatch = client.post(
        f"/users/{civil}/password", data={"csrf": token, "password": "aaaa-1234", "again": "bbbb-1234"}
    )
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.text
    own = client.post(f"/users/{_id(site, '办公室')}/disable", data={"csrf": token})
    assert own.status_code == 422 and "不能停用自己的账户" in own.text
    assert snapshot(site.db) == before


def test_only_an_administrator_reaches_user_management(client: TestClient, site: Site) -> None:
    target = _id(site, "体育科")
    before = snapshot(site.db)
    for who in (USERS["civil"], USERS["viewer"]):
        headers = auth(who)
        assert client.get("/api/users", headers=headers).status_code == 403
        assert client.get("/api/users/changes", headers=headers).status_code == 403
        for action in ("disable", "enable"):
            assert client.post(f"/api/users/{target}/{action}", headers=headers).status_code == 403
        refused = client.post(
            f"/api/users/{target}/password", json={"password": "taken-over-1"}, headers=headers
        )
        assert refused.status_code == 403 and refused.json()["detail"] == "只有管理员可以管理用户"
        role = client.post(f"/api/users/{target}/role", json={"role": "admin"}, headers=headers)
        assert role.status_code == 403
    with TestClient(create_app(), base_url="http://testserver", follow_redirects=False) as browser:
        token = login(browser, USERS["civil"])
        assert browser.get("/users").status_code == 403
        form = {"csrf": token, "password": "taken-over-1", "again": "taken-over-1"}
        assert browser.post(f"/users/{target}/password", data=form).status_code == 403
        assert "用户管理" not in browser.get(f"/p/{CODE}").text
    assert snapshot(site.db) == before


def test_the_api_lists_users_and_their_changes_for_an_administrator(client: TestClient, site: Site) -> None:
    admin = auth(USERS["admin"])
    users = {u["name"]: u for u in client.get("/api/users", headers=admin).json()}
    assert users["民政科"]["department_label"] == "长宁区/区民政局" and users["民政科"]["active"] is True
    client.post(f"/api/users/{users['督查室']['id']}/role", json={"role": "viewer"}, headers=admin)
    client.post(f"/api/users/{users['督查室']['id']}/disable", headers=admin)
    changes = client.get("/api/users/changes", headers=admin).json()
    assert [(c["user"], c["action_label"], c["source_label"]) for c in changes[:1]] == [
        ("督查室", "停用", "接口")
    ]


def test_a_user_id_beyond_the_column_is_a_4xx_not_a_server_error(client: TestClient, site: Site) -> None:
    token = login(client, USERS["admin"])
    assert client.post("/api/users/2147483648/disable", headers=auth(USERS["admin"])).status_code == 422
    assert client.post("/users/2147483648/disable", data={"csrf": token}).status_code == 422
    assert client.post("/api/users/2147483647/disable", headers=auth(USERS["admin"])).status_code == 404
