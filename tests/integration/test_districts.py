"""Two districts' departments of the same name stay two departments; programme codes ignore case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Department, OutboxMessage
from models.db import Database
from services.errors import BadInput
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.people.access import visible_items
from services.people.subscriptions import subscribe
from services.people.users import UserInput, add_user
from services.refs import resolve_programme
from services.stage_change.request import EvidenceInput, StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE
from tests.helpers import programme_copy, snapshot

TODAY = date(2020, 10, 20)
ACCEPTANCE = (EvidenceInput("acceptance", "民验〔2020〕9号", date(2020, 10, 9)),)
CHANGNING_MZJ, XUHUI_MZJ = "mzj-shishi@changning.example", "mzj@xuhui.example"


def _load(db: Database, path: Path) -> None:
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)


def _xuhui(folder: Path) -> Path:
    path = programme_copy(folder, "xuhui-2020", "徐汇区")
    path.write_text(path.read_text(encoding="utf-8").replace(CHANGNING_MZJ, XUHUI_MZJ), encoding="utf-8")
    return path


@pytest.fixture
def two_districts(db: Database, tmp_path: Path) -> Database:
    _load(db, _xuhui(tmp_path))
    _load(db, EXAMPLE)
    return db


def _recipients_of_a_change(db: Database, code: str) -> set[str]:
    with db.read() as session:
        before = set(session.scalars(select(OutboxMessage.id)))
    with UnitOfWork(db) as uow:
        request = StageChange("2.8", "advance", "张三", evidence=ACCEPTANCE, at=TODAY, programme=code)
        change_stage(uow, request, TODAY)
    with db.read() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.not_in(before)))
        return {r.recipient for r in rows}


def test_the_same_name_in_two_districts_is_two_departments_with_their_own_emails(
    two_districts: Database,
) -> None:
    with two_districts.read() as session:
        rows = session.execute(
            select(Department.district, Department.email).where(Department.name == "区民政局")
        ).all()
    assert sorted(rows) == sorted([("徐汇区", XUHUI_MZJ), ("长宁区", CHANGNING_MZJ)])


def test_each_item_notifies_its_own_districts_department(two_districts: Database) -> None:
    changning = _recipients_of_a_change(two_districts, "changning-2020")
    xuhui = _recipients_of_a_change(two_districts, "xuhui-2020")
    assert CHANGNING_MZJ in changning and XUHUI_MZJ not in changning
    assert XUHUI_MZJ in xuhui and CHANGNING_MZJ not in xuhui


def test_a_department_login_sees_only_its_own_districts_items(two_districts: Database) -> None:
    with UnitOfWork(two_districts) as uow:
        user = add_user(
            uow, UserInput("徐汇民政", "mz@xh.example", "department", "pass-word-1", "区民政局", "徐汇区")
        )
    with two_districts.read() as session:
        assert visible_items(session, user, resolve_programme(session, "changning-2020")) == set()
        assert 2 in (visible_items(session, user, resolve_programme(session, "xuhui-2020")) or set())


def test_a_department_named_in_two_districts_needs_its_district(two_districts: Database) -> None:
    before = snapshot(two_districts)
    with pytest.raises(BadInput, match="多个区") as refused, UnitOfWork(two_districts) as uow:
        add_user(uow, UserInput("民政", "mz@x.example", "department", "pass-word-1", "区民政局"))
    assert "district" in refused.value.fields
    assert snapshot(two_districts) == before
    with UnitOfWork(two_districts) as uow:
        user = add_user(
            uow, UserInput("长宁民政", "mz@cn.example", "department", "pass-word-1", "长宁区/区民政局")
        )
    assert (user.district, user.department) == ("长宁区", "区民政局")


def test_a_subscription_to_a_department_takes_the_programmes_district(two_districts: Database) -> None:
    with UnitOfWork(two_districts) as uow:
        sub, _ = subscribe(
            uow, "王五", email="w@x.example", department="区民政局", programme_code="xuhui-2020"
        )
    with two_districts.read() as session:
        assert session.get_one(Department, sub.department_id).district == "徐汇区"


def test_a_code_differing_only_in_case_is_refused_and_writes_nothing(db: Database, tmp_path: Path) -> None:
    _load(db, EXAMPLE)
    before = snapshot(db)
    shouting = tmp_path / "Changning-2020.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("code: changning-2020", "code: Changning-2020")
    shouting.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match="仅大小写不同"):
        _load(db, shouting)
    assert snapshot(db) == before


def test_references_find_a_programme_in_any_case(db: Database) -> None:
    _load(db, EXAMPLE)
    with db.read() as session:
        assert resolve_programme(session, "CHANGNING-2020").code == "changning-2020"
    with UnitOfWork(db) as uow:
        request = StageChange(
            "2.8", "advance", "张三", evidence=ACCEPTANCE, at=TODAY, programme="Changning-2020"
        )
        assert change_stage(uow, request, TODAY).to_stage.code == "completed"
