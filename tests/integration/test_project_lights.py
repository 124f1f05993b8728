"""挂牌督办 for projects: a project overdue at the ends of `listed_after` periods in a row, as the nightly
stored it, is listed wherever project lights show (list, item, project, `shishi show`, the lagging list)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from admin.cli.render import overview as render_overview
from admin.cli.render import project as render_project
from models import HealthSnapshot, StatusOverride
from models.db import Database
from services.health.recompute import recompute
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.refs import resolve_programme
from services.reporting.data import gather
from services.reporting.statuses import stored_statuses
from services.unit_of_work import UnitOfWork
from services.views.programme import list_projects, show_item, show_project
from tests.conftest import EXAMPLE, _backends, shared_database_url

AS_OF = date(2020, 9, 30)
ENDS = (date(2020, 7, 31), date(2020, 8, 31), AS_OF)
PLANNED = "planned: {完工: 2020-10-15}"


@pytest.fixture(scope="module", params=_backends())
def nights(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[Database]:
    """The example with 4.6 due 15 July (overdue three month ends) and 4.7 due 15 September (one), the
    nightly stored at the ends of July, August and September."""
    folder = tmp_path_factory.mktemp("project-lights")
    url = shared_database_url(request, folder, sqlite_template)
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace(PLANNED, "planned: {完工: 2020-07-15}", 1).replace(
        PLANNED, "planned: {完工: 2020-09-15}", 1
    )
    path = folder / "late.yaml"
    path.write_text(text, encoding="utf-8")
    db = Database(url)
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, date(2020, 10, 20)), "测试", date(2020, 10, 20))
    for day in ENDS:
        with UnitOfWork(db) as uow:
            recompute(uow, resolve_programme(uow.session, None), day)
    yield db
    db.dispose()


def test_the_nightly_stores_one_row_per_overdue_project_and_reports_read_none(nights: Database) -> None:
    with nights.read() as session:
        rows = session.execute(
            select(HealthSnapshot.as_of, func.count())
            .where(HealthSnapshot.scope == "project")
            .group_by(HealthSnapshot.as_of)
        ).all()
        stored = stored_statuses(session, resolve_programme(session, None).id, AS_OF)
    assert dict(rows) == {ENDS[0]: 1, ENDS[1]: 1, AS_OF: 2}
    assert not [key for key in stored if key[0] == "project"]  # the report's statuses stay as they were
    with nights.read() as session:
        written = session.execute(
            select(
                HealthSnapshot.ref, HealthSnapshot.status, HealthSnapshot.reason, HealthSnapshot.detail
            ).where(HealthSnapshot.scope == "project", HealthSnapshot.as_of == AS_OF)
        ).all()
    for ref, status, reason, detail in written:  # written in SQL, in the words of states.health.late_reason
        assert re.fullmatch(r"\d+\.\d+", ref) and status == "late" and detail == {}, (ref, status, detail)
        assert re.fullmatch(r"逾期未到达“(前期手续|开工|完工|运营)”（计划\d{4}-\d\d-\d\d）", reason), reason


def test_a_project_red_three_periods_in_a_row_is_listed_and_a_newly_red_one_is_not(nights: Database) -> None:
    with nights.read() as session:
        programme = resolve_programme(session, None)
        listing = list_projects(session, None, AS_OF)
        item = show_item(session, programme, 4, AS_OF)
        listed, fresh = (show_project(session, programme, ref, AS_OF) for ref in ("4.6", "4.7"))
    projects = {p["ref"]: p["light"] for i in listing["items"] for p in i["projects"]}
    assert projects["4.6"]["listed"] and projects["4.6"]["red_periods"] == 3
    assert projects["4.7"]["colour"] == "red" and projects["4.7"]["red_periods"] == 1
    assert not projects["4.7"]["listed"] and not projects["4.5"]["listed"]
    on_item = {p["ref"]: p["light"] for p in item["projects"]}
    assert on_item["4.6"]["listed_label"] == "挂牌督办" and not on_item["4.7"]["listed"]
    assert listed["light"]["listed"] and not fresh["light"]["listed"]
    assert "灯色：红灯，挂牌督办（连续 3 期红灯）" in render_project(listed)
    line = next(x for x in render_overview(listing).splitlines() if "4.6" in x)
    assert "红灯（挂牌督办）" in line, line


def test_the_reports_lagging_list_lists_the_project(nights: Database) -> None:
    with nights.read() as session:
        lagging = {e["ref"]: e["light"] for e in gather(session, None, "2020-09")["lagging"]}
    assert lagging["4.6"]["listed"] and lagging["4.6"]["red_periods"] == 3
    assert lagging["4.7"]["colour"] == "red" and not lagging["4.7"]["listed"]


def test_a_period_end_the_nightly_did_not_store_breaks_the_run(nights: Database) -> None:
    with nights.read() as session:
        view = show_project(session, resolve_programme(session, None), "4.6", date(2020, 11, 30))
    assert view["light"]["colour"] == "red" and view["light"]["red_periods"] == 1  # no night of 31 October


def test_a_project_the_office_judged_otherwise_is_stored_under_its_verdict(
    db: Database, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(PLANNED, "planned: {完工: 2020-07-15}", 1)
    path = tmp_path / "late.yaml"
    path.write_text(text, encoding="utf-8")
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, date(2020, 10, 20)), "测试", date(2020, 10, 20))
    with UnitOfWork(db) as uow:
        programme = resolve_programme(uow.session, None)
        uow.session.add(
            StatusOverride(
                programme_id=programme.id,
                ref="4.6",
                status="on_track",
                reason="器材已到场",
                actor="办公室",
                effective_on=date(2020, 9, 1),
            )
        )
        uow.commit()
    with UnitOfWork(db) as uow:
        recompute(uow, resolve_programme(uow.session, None), AS_OF)
    with db.read() as session:
        row = session.execute(
            select(
                HealthSnapshot.status, HealthSnapshot.computed_status, HealthSnapshot.override_reason
            ).where(
                HealthSnapshot.scope == "project", HealthSnapshot.ref == "4.6", HealthSnapshot.as_of == AS_OF
            )
        ).one()
    assert tuple(row) == ("on_track", "late", "器材已到场")
