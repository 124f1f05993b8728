"""Warning digests after the nightly recomputation, and subscriptions from the command line."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from models import OutboxMessage
from models.db import Database
from services.errors import BadInput, NotFound
from services.health.judgements import set_override
from services.health.recompute import recompute
from services.people.subscriptions import subscribe
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork
from tests.templates import Filled, load_example

TODAY = date(2020, 10, 20)


@pytest.fixture
def loaded(db: Database, filled: Filled) -> Database:
    return load_example(db, filled, TODAY)


def _night(db: Database, day: date) -> int:
    with UnitOfWork(db) as uow:
        return recompute(uow, resolve_programme(uow.session, None), day).digests


def _digests(db: Database) -> dict[str, list[str]]:
    with db.read() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")).all()
        return {f"{r.recipient}@{r.payload['as_of']}": [e["ref"] for e in r.payload["entries"]] for r in rows}


def test_a_digest_lists_what_newly_fell_behind_and_is_never_queued_twice(loaded: Database) -> None:
    assert _night(loaded, date(2020, 8, 31)) > 0
    assert _night(loaded, date(2020, 8, 31)) == 0  # rerun: nothing new
    first = _digests(loaded)
    assert _night(loaded, date(2020, 9, 30)) > 0
    second = {k: v for k, v in _digests(loaded).items() if k.endswith("2020-09-30")}
    # item 6 was 未启动 on 31 August (its figure is reported for 30 September) and is 慢序时 now
    assert second["cl-shishi@changning.example@2020-09-30"] == ["6"]
    assert all("6" not in refs for refs in first.values())
    assert "2" not in second.get("mzj-shishi@changning.example@2020-09-30", [])  # already slow before


def test_no_digest_when_nothing_changed(loaded: Database) -> None:
    assert _night(loaded, date(2020, 9, 30)) > 0
    queued = _digests(loaded)
    assert _night(loaded, date(2020, 10, 1)) == 0  # the same items lag the next day: nothing new to say
    assert _digests(loaded) == queued


def test_subscribing_by_item_adds_the_person_to_that_items_emails(loaded: Database) -> None:
    with UnitOfWork(loaded) as uow:
        _, added = subscribe(uow, "王科长", email="wang@changning.example", item=6)
    assert added
    with UnitOfWork(loaded) as uow:
        _, again = subscribe(uow, "王科长", item=6)
    assert not again
    _night(loaded, date(2020, 9, 30))
    assert any(k.startswith("wang@changning.example@") for k in _digests(loaded))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"item": 99}, NotFound),
        ({"department": "没有这个部门"}, NotFound),
        ({}, BadInput),
        ({"item": 6, "whole_programme": True}, BadInput),
        ({"item": 6, "events": ("stage", "sms")}, BadInput),
    ],
)
def test_bad_subscriptions_are_refused(loaded: Database, kwargs: dict, error: type) -> None:
    with UnitOfWork(loaded) as uow, pytest.raises(error):
        subscribe(uow, "王科长", email="wang@changning.example", **kwargs)


def _project_entries(db: Database, day: date) -> list[dict]:
    with db.read() as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")).all()
        return [
            e
            for r in rows
            if r.payload["as_of"] == day.isoformat()
            for e in r.payload["entries"]
            if e["scope"] == "projects"
        ]


def test_projects_newly_overdue_are_counted_per_item_from_their_planned_dates(loaded: Database) -> None:
    _night(loaded, date(2020, 10, 14))
    assert not [e for e in _project_entries(loaded, date(2020, 10, 14)) if e["ref"] == "4"]
    _night(loaded, date(2020, 10, 31))  # 4.6–4.10 were to be finished on 15 October and are still 开工
    entries = {e["reason"] for e in _project_entries(loaded, date(2020, 10, 31)) if e["ref"] == "4"}
    assert entries == {"5 个子项目新近逾期（如 4.6：逾期未到达“完工”（计划2020-10-15））"}
    _night(loaded, date(2020, 11, 1))  # still overdue the next night: nothing new to say
    assert not [e for e in _project_entries(loaded, date(2020, 11, 1)) if e["ref"] == "4"]


def test_an_override_excuses_an_overdue_project_from_the_digest(loaded: Database) -> None:
    _night(loaded, date(2020, 10, 14))
    with UnitOfWork(loaded) as uow:
        set_override(
            uow, "4.6", "按序时推进", "场地移交推迟，区体育局已同意", "王科长", on=date(2020, 10, 14)
        )
    _night(loaded, date(2020, 10, 31))
    entries = {e["reason"] for e in _project_entries(loaded, date(2020, 10, 31)) if e["ref"] == "4"}
    assert entries == {"4 个子项目新近逾期（如 4.7：逾期未到达“完工”（计划2020-10-15））"}
