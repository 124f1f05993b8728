"""Two administrators advance the same project at the same moment: exactly one wins."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from models import Transition
from models.db import Database
from services.errors import Conflict
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.stage_change.request import EvidenceInput, StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from services.views.history import current_stage
from tests.conftest import EXAMPLE

TODAY = date(2020, 10, 20)
ACCEPTANCE = EvidenceInput("acceptance", "长民验〔2020〕9号", date(2020, 10, 9))


def _load(db: Database) -> None:
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)


def _race(db_url: str, ref: str, actors: list[str]) -> list[object]:
    barrier = threading.Barrier(len(actors))
    results: list[object] = [None] * len(actors)

    def one(index: int, actor: str) -> None:
        own = Database(db_url)  # each administrator has a connection of their own
        try:
            with own.read() as session:
                expected = current_stage(session, ref, None)
            barrier.wait(timeout=30)
            request = StageChange(
                ref=ref,
                event="advance",
                actor=actor,
                expected_stage=expected,
                evidence=(ACCEPTANCE,),
                at=TODAY,
            )
            with UnitOfWork(own) as uow:
                results[index] = change_stage(uow, request, TODAY)
        except Conflict as exc:
            results[index] = exc
        finally:
            own.dispose()

    threads = [threading.Thread(target=one, args=(i, a)) for i, a in enumerate(actors)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_admins_advancing_one_project_at_once_exactly_one_succeeds(db: Database, db_url: str) -> None:
    _load(db)
    results = _race(db_url, "2.8", ["张三", "李四"])
    conflicts = [r for r in results if isinstance(r, Conflict)]
    successes = [r for r in results if r is not None and not isinstance(r, Conflict)]
    assert len(successes) == 1 and len(conflicts) == 1, results
    assert "并发冲突" in str(conflicts[0]) or "同时修改" in str(conflicts[0])
    with db.read() as session:
        advances = session.scalar(
            select(func.count()).select_from(Transition).where(Transition.event == "advance")
        )
        assert advances == 1
        assert current_stage(session, "2.8", None).code == "completed"


def test_a_stale_version_is_a_conflict_and_writes_nothing(db: Database) -> None:
    _load(db)
    request = StageChange(
        ref="2.9", event="suspend", actor="王五", reason="整改", expected_version=99, at=TODAY
    )
    with UnitOfWork(db) as uow:
        try:
            change_stage(uow, request, TODAY)
        except Conflict as exc:
            assert "刷新" in str(exc)
        else:
            raise AssertionError("a stale version must be refused")
    with db.read() as session:
        assert current_stage(session, "2.9", None).code == "construction"
