"""A street office (a member office of 各街镇, the group that leads item 3) hears of its group's stage changes
and 督办单 only when the programme file gives it its own address; one without an address hears nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from models import OutboxMessage
from models.db import Database
from notifications.render import render
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.refs import resolve_programme
from services.stage_change.request import StageChange
from services.stage_change.use_case import change_stage
from services.supervision.nightly import check_notices
from services.supervision.requests import Actor, IssueInput
from services.supervision.use_case import issue_notice
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE

TODAY = date(2020, 12, 31)
XINHUA = "xinhua@changning.example"
OFFICE = "shishi-office@changning.example"


@pytest.fixture
def streets(db: Database, tmp_path: Path) -> Database:
    """The example, 新华路街道 with an address of its own, 江苏路街道 without one."""
    text = EXAMPLE.read_text(encoding="utf-8")
    old = "  - {name: 新华路街道}\n"
    assert text.count(old) == 1
    path = tmp_path / "streets.yaml"
    path.write_text(
        text.replace(old, f"  - {{name: 新华路街道, head: 新华路街道办, email: {XINHUA}}}\n"), "utf-8"
    )
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)
    return db


def _mail(db: Database, kind: str) -> dict[str, str]:
    with db.read() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()
    for row in rows:
        rendered = render(row.kind, row.payload, row.recipient_name)
        assert rendered.text.strip() and "<html" in rendered.html
    return {r.recipient: r.recipient_name or "" for r in rows}


def test_a_stage_change_of_the_groups_item_is_emailed_to_the_member_office_with_an_address(
    streets: Database,
) -> None:
    with UnitOfWork(streets) as uow:
        change_stage(
            uow, StageChange("3.2", "suspend", "张三", reason="居民协商", at=date(2020, 10, 9)), TODAY
        )
    assert _mail(streets, "stage_changed") == {XINHUA: "新华路街道办", OFFICE: "区实事项目办公室"}


def test_an_item_the_group_only_cooperates_on_is_not_emailed_to_its_members(streets: Database) -> None:
    with UnitOfWork(streets) as uow:
        change_stage(
            uow, StageChange("2.9", "suspend", "张三", reason="场地协调", at=date(2020, 9, 15)), TODAY
        )
    assert XINHUA not in _mail(streets, "stage_changed")


def test_a_notice_on_the_groups_item_goes_to_the_member_office_and_so_do_its_alerts(
    streets: Database,
) -> None:
    with UnitOfWork(streets) as uow:
        data = IssueInput("3", "家门口工程滞后", "倒排工期", 3, date(2020, 9, 29))
        issue_notice(uow, data, Actor.office("督查科"), TODAY)
        data = IssueInput("2", "助餐点开办滞后", "倒排工期", 3, date(2020, 9, 29))
        issue_notice(uow, data, Actor.office("督查科"), TODAY)
    issued = _mail(streets, "notice_issued")
    assert issued[XINHUA] == "新华路街道办"
    with streets.read() as session:
        roles = [
            (r.payload["notice"]["item"], r.payload["recipient_role"])
            for r in session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == XINHUA))
        ]
    assert roles == [(3, "牵头部门成员单位")]  # item 2 (cooperating only) is not sent to it
    with UnitOfWork(streets) as uow:
        check_notices(uow.session, resolve_programme(uow.session, None), date(2020, 10, 11))
        uow.commit()
    assert XINHUA in _mail(streets, "notice_overdue")
