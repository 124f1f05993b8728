"""A member office of a group department (新华路街道 of 各街镇) sees and acts on its group's items, no other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from admin.cli.app import app
from models import ProgressReport
from models.settings import get_settings
from services.people.access import visible_items
from services.people.users import UserInput, authenticate
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork
from tests.helpers import snapshot
from tests.integration.test_view_queries import counted
from tests.web.conftest import CODE, Site, csrf_of, login
from tests.web.test_api import act, auth

STREET = UserInput("新华路街道办", "xh@cn.example", "department", "street-pass-1", "新华路街道")
GROUP_ITEMS = {1, 2, 3, 4, 5, 6, 11}  # led (3) or cooperated on (the others) by 各街镇


@pytest.fixture
def street(site: Site) -> Iterator[UserInput]:
    """The street office's login, added through `shishi user add --department 新华路街道`."""
    get_settings.cache_clear()
    result = CliRunner().invoke(
        app,
        [
            "user",
            "add",
            STREET.name,
            "--email",
            STREET.email,
            "--role",
            "department",
            "--department",
            "新华路街道",
        ],
        input=f"{STREET.password}\n{STREET.password}\n",
    )
    assert result.exit_code == 0, result.output
    assert "部门：长宁区/新华路街道" in result.output
    yield STREET


def _reports(site: Site) -> int:
    with site.db.read() as session:
        return session.scalar(select(func.count()).select_from(ProgressReport)) or 0


def test_a_street_office_sees_its_groups_items_on_the_pages_and_no_other(
    client: TestClient, street: UserInput
) -> None:
    login(client, street)
    page = client.get(f"/p/{CODE}").text
    shown = {n for n in range(1, 13) if f'data-item="{n}"' in page}
    assert shown == GROUP_ITEMS
    assert client.get(f"/p/{CODE}/items/3").status_code == 200
    assert client.get(f"/p/{CODE}/projects/3.2").status_code == 200
    assert client.get(f"/p/{CODE}/items/8").status_code == 403
    assert client.get(f"/p/{CODE}/projects/8.1").status_code == 403


def test_a_street_office_reads_its_groups_items_through_the_api_and_no_other(
    client: TestClient, street: UserInput
) -> None:
    dashboard = client.get(f"/api/programmes/{CODE}", headers=auth(street)).json()
    assert {row["number"] for row in dashboard["items"]} == GROUP_ITEMS
    assert client.get(f"/api/programmes/{CODE}/projects/3.2", headers=auth(street)).status_code == 200
    assert client.get(f"/api/programmes/{CODE}/projects/8.1", headers=auth(street)).status_code == 403


def test_a_street_office_files_progress_on_item_3_and_is_refused_on_item_8(
    client: TestClient, site: Site, street: UserInput
) -> None:
    token = login(client, street)
    before = _reports(site)
    form = {"csrf": token, "target": "1", "done": "70", "as_of": "2020-10-15", "note": "又完工 5 个"}
    assert client.post(f"/p/{CODE}/items/3/progress", data=form).status_code == 303
    with site.db.read() as session:
        report = session.scalars(select(ProgressReport).order_by(ProgressReport.id.desc()).limit(1)).one()
    assert (report.reported_by, report.note) == ("新华路街道（新华路街道办）", "又完工 5 个")
    held = snapshot(site.db)
    refused = client.post(
        f"/p/{CODE}/items/8/progress", data={**form, "csrf": csrf_of(client.get(f"/p/{CODE}").text)}
    )
    assert refused.status_code == 403
    assert "无权操作" in refused.text
    api = client.post(f"/api/programmes/{CODE}/items/8/progress", json={"note": "越权"}, headers=auth(street))
    assert api.status_code == 403
    assert snapshot(site.db) == held
    assert _reports(site) == before + 1


def test_a_street_office_changes_a_stage_of_its_groups_project_and_not_of_another(
    client: TestClient, site: Site, street: UserInput
) -> None:
    held = snapshot(site.db)
    refused = act(client, street, "8.1", {"event": "suspend", "reason": "越权"})
    assert refused.status_code == 403
    assert snapshot(site.db) == held
    done = act(client, street, "3.2", {"event": "suspend", "reason": "居民意见待协调"})
    assert done.status_code == 200, done.text
    assert (
        client.get(f"/api/programmes/{CODE}/projects/3.2", headers=auth(street)).json()["stage"]
        == "suspended"
    )


def test_a_department_in_no_group_still_sees_only_its_own_items(client: TestClient, site: Site) -> None:
    civil = site.users["civil"]
    dashboard = client.get(f"/api/programmes/{CODE}", headers=auth(civil)).json()
    assert {row["number"] for row in dashboard["items"]} == {2}


def test_a_street_offices_items_are_read_in_one_statement(site: Site, street: UserInput) -> None:
    with UnitOfWork(site.db) as uow:
        user = authenticate(uow, street.name, street.password)
        assert user is not None
        programme = resolve_programme(uow.session, CODE)
        with counted(site.db) as sent:
            allowed = visible_items(uow.session, user, programme)
    assert allowed == GROUP_ITEMS
    assert len(sent) == 1
