"""Schedule health (序时进度) recomputed set-based on real databases, on the example programme."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, select

from models import HealthSnapshot, Programme
from models.db import Database
from services.health.judgements import set_override
from services.health.recompute import recompute
from services.health.sql import late_projects
from services.health.stored import stored_summaries
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.refs import resolve_programme
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE

AS_OF = date(2020, 9, 30)
TODAY = date(2020, 10, 1)


def _load(db: Database, path: Path = EXAMPLE) -> None:
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)


def _recompute(db: Database, as_of: date = AS_OF, code: str | None = None) -> None:
    with UnitOfWork(db) as uow:
        recompute(uow, resolve_programme(uow.session, code), as_of)


def _snapshots(db: Database, as_of: date = AS_OF) -> dict[tuple[str, str], HealthSnapshot]:
    with db.read() as session:
        rows = session.scalars(select(HealthSnapshot).where(HealthSnapshot.as_of == as_of)).all()
    return {(r.scope, r.ref): r for r in rows}


@pytest.fixture
def example(db: Database) -> Database:
    _load(db)
    _recompute(db)
    return db


def test_parking_item_8_is_exceeded(example: Database) -> None:
    snaps = _snapshots(example)
    assert snaps[("target", "8#1")].status == "exceeded"  # 6 points against 5
    assert snaps[("target", "8#2")].status == "exceeded"  # 340 spaces against 300
    assert float(snaps[("target", "8#2")].achieved) == 340
    assert snaps[("item", "8")].status == "exceeded"


def test_accessible_homes_item_6_is_slow_against_nine_twelfths(example: Database) -> None:
    snap = _snapshots(example)[("item", "6")]
    assert snap.status == "slow"
    assert float(snap.progress) == pytest.approx(0.459)
    assert float(snap.expected) == pytest.approx(0.75)
    assert "序时" in snap.reason


def test_summer_classes_of_item_12_are_suspended(example: Database) -> None:
    snaps = _snapshots(example)
    assert snaps[("target", "12#1")].status == "suspended"
    assert snaps[("item", "12")].status == "suspended"


def test_rerunning_for_the_same_date_leaves_the_same_snapshots(example: Database) -> None:
    def essence(snaps: dict) -> dict:
        return {
            k: (s.status, s.computed_status, s.progress, s.expected, s.achieved, s.reason, s.detail)
            for k, s in snaps.items()
        }

    before = essence(_snapshots(example))
    _recompute(example)
    assert essence(_snapshots(example)) == before


def test_snapshots_are_kept_per_date_so_last_month_stays_beside_this_month(example: Database) -> None:
    _recompute(example, date(2020, 8, 31))
    aug, sep = _snapshots(example, date(2020, 8, 31)), _snapshots(example)
    assert float(aug[("item", "6")].expected) < float(sep[("item", "6")].expected)


def test_an_override_replaces_the_status_and_keeps_the_computed_one(example: Database) -> None:
    with UnitOfWork(example) as uow:
        set_override(uow, "6", "按序时推进", "入户改造集中在四季度", "王科长", on=date(2020, 9, 30))
    _recompute(example)
    snap = _snapshots(example)[("item", "6")]
    assert (snap.status, snap.computed_status) == ("on_track", "slow")
    assert snap.override_reason == "入户改造集中在四季度"


def test_a_passed_planned_date_makes_the_project_and_its_target_late(db: Database, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "planned: {完工: 2020-10-15}", "planned: {完工: 2020-09-15}", 1
    )
    assert "2020-09-15" in text
    path = tmp_path / "late.yaml"
    path.write_text(text, encoding="utf-8")
    _load(db, path)
    with UnitOfWork(db) as uow:
        summary = recompute(uow, resolve_programme(uow.session, None), AS_OF)
    snaps = _snapshots(db)
    assert snaps[("item", "4")].status == "late"
    with db.read() as session:
        late = session.execute(late_projects(resolve_programme(session, None).id, AS_OF)).all()
    assert late and {(r.stage, r.planned) for r in late} == {("completed", date(2020, 9, 15))}
    assert summary.late_projects == len(late)
    assert snaps[("programme", "")].detail["late_projects"] == len(late)
    late_targets = [s for (scope, _), s in snaps.items() if scope == "target" and s.status == "late"]
    assert sum(s.detail["late"] for s in late_targets) == len(late)
    # counted per target; only the overdue projects get a row each, for their run of red periods
    assert [key for key in snaps if key[0] not in ("programme", "item", "target")] == [("project", "4.6")]


def test_the_recomputation_is_a_fixed_number_of_statements(db: Database, tmp_path: Path) -> None:
    _load(db)
    bigger = EXAMPLE.read_text(encoding="utf-8").replace("code: changning-2020", "code: bigger-2020")
    extra = "".join(f"          - {{name: 加点{i}, quantity: 1, stage: 开工}}\n" for i in range(200))
    bigger = bigger.replace("        projects:\n", "        projects:\n" + extra, 1)
    path = tmp_path / "bigger.yaml"
    path.write_text(bigger, encoding="utf-8")
    _load(db, path)

    def count(code: str) -> int:
        seen: list[str] = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            _recompute(db, code=code)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert count("changning-2020") == count("bigger-2020")
    with db.read() as session:
        assert session.scalar(select(Programme.code).where(Programme.code == "bigger-2020"))


@pytest.mark.parametrize("as_of", [AS_OF, date(2020, 12, 31)])
def test_the_stored_summary_reads_back_what_the_recomputation_returned(db: Database, as_of: date) -> None:
    _load(db)
    with UnitOfWork(db) as uow:
        summary = asdict(recompute(uow, resolve_programme(uow.session, None), as_of))
    assert summary["late_projects"] == (6 if as_of.month == 12 else 0)  # on PostgreSQL too
    with db.read() as session:
        assert stored_summaries(session, ["changning-2020"], as_of) == [summary]
