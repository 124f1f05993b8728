"""Two administrators approve the same submission at the same moment: it applies once."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select, update

from models import Programme, ProgressReport
from models.db import Database
from services.errors import Conflict
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.people.users import UserInput, UserView, add_user
from services.progress.record import ProgressInput
from services.review.decide import approve
from services.review.submit import submit_progress
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE

TODAY = date(2020, 10, 20)
OFFICE = UserView(0, "办公室", "office@cn.example", "admin", None, None)


def _held_report(db: Database) -> int:
    """The example under review, and one progress report a department submitted: its submission number."""
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)
    with UnitOfWork(db) as uow:
        uow.session.execute(update(Programme).values(review=True))
        uow.commit()
    with UnitOfWork(db) as uow:
        civil = add_user(uow, UserInput("民政科", "mz@cn.example", "department", "civil-pass-1", "区民政局"))
    data = ProgressInput(
        "2", "区民政局（民政科）", TODAY, note="新增 2 个点位运营", programme="changning-2020"
    )
    with UnitOfWork(db) as uow:
        return submit_progress(uow, civil, data, TODAY).id


def test_two_simultaneous_approvals_apply_the_submission_once(db: Database, db_url: str) -> None:
    submission = _held_report(db)
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(ProgressReport))
    barrier = threading.Barrier(2)
    results: list[object] = [None, None]

    def one(index: int) -> None:
        own = Database(db_url)  # each administrator has a connection of their own
        try:
            barrier.wait(timeout=30)
            with UnitOfWork(own) as uow:
                results[index] = approve(uow, submission, OFFICE, TODAY, None)
        except Conflict as exc:
            results[index] = exc
        finally:
            own.dispose()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1, results
    assert "不能再次审核" in str(conflicts[0]) or "同时审核" in str(conflicts[0])
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ProgressReport)) == before + 1
