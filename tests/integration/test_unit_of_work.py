"""One unit of work per use case: one commit, nothing kept on error; a stage change's rows go in together."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import Evidence, Item, OutboxMessage, Person, Project, Revision, Transition
from models.db import Database
from services.errors import Refused
from services.progress.record import ProgressInput, record_progress
from services.revisions import (
    EVERYTHING,
    dashboard_scopes,
    item_key,
    programme_key,
    progress_key,
    project_key,
)
from services.stage_change import use_case
from services.stage_change.evidence import record_evidence
from services.stage_change.request import EvidenceInput, StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from tests.templates import Filled, load_example

TODAY = date(2020, 10, 20)
ACCEPTANCE = (EvidenceInput("acceptance", "长民验〔2020〕9号", date(2020, 10, 9)),)


@pytest.fixture
def loaded(db: Database, filled: Filled) -> Database:
    return load_example(db, filled, TODAY)


def _counts(db: Database) -> tuple[int, int, int, int]:
    """Transitions, outbox rows, people and evidence rows."""
    with db.read() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Transition, OutboxMessage, Person, Evidence)
        )


def _stage_of(db: Database, item: int, number: int) -> str:
    with db.read() as session:
        return session.execute(
            select(Project.stage)
            .join(Item, Project.item_id == Item.id)
            .where(Item.number == item, Project.number == number)
        ).scalar_one()


def test_what_a_use_case_does_not_commit_is_rolled_back(loaded: Database) -> None:
    before = _counts(loaded)
    with UnitOfWork(loaded) as uow:
        uow.session.add(Person(name="未提交", email="nobody@example.org"))
        uow.session.flush()
    assert _counts(loaded) == before


def test_an_error_inside_the_unit_of_work_keeps_nothing_and_propagates(loaded: Database) -> None:
    before = _counts(loaded)
    with pytest.raises(RuntimeError, match="boom"), UnitOfWork(loaded) as uow:
        uow.session.add(Person(name="半途", email="half@example.org"))
        uow.session.flush()
        raise RuntimeError("boom")
    assert _counts(loaded) == before


def test_a_committed_unit_of_work_keeps_its_orm_and_core_writes_together(loaded: Database) -> None:
    people = _counts(loaded)[2]
    with UnitOfWork(loaded) as uow:
        uow.session.add(Person(name="甲", email="a@example.org"))
        uow.connection.execute(Person.__table__.insert().values(name="乙", email="b@example.org"))
        uow.commit()
    assert _counts(loaded)[2] == people + 2


def test_a_stage_change_writes_its_stage_audit_row_and_emails_in_one_commit(loaded: Database) -> None:
    transitions, outbox, _, _ = _counts(loaded)
    with UnitOfWork(loaded) as uow:
        done = change_stage(
            uow, StageChange(ref="2.8", event="advance", actor="张三", evidence=ACCEPTANCE, at=TODAY), TODAY
        )
    assert _stage_of(loaded, 2, 8) == "completed"
    after = _counts(loaded)
    assert after[0] == transitions + 1
    assert after[1] > outbox
    with loaded.read() as session:
        keys = session.scalars(select(OutboxMessage.dedupe_key)).all()
    assert all(key.startswith(f"stage:{done.transition_id}:") for key in keys)


def test_a_failure_after_the_audit_row_leaves_no_trace_of_the_change(
    loaded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def outbox_down(*_args: object) -> int:
        raise RuntimeError("outbox unavailable")

    before = _counts(loaded)
    monkeypatch.setattr(use_case, "queue_stage_change", outbox_down)
    with pytest.raises(RuntimeError), UnitOfWork(loaded) as uow:
        change_stage(
            uow, StageChange(ref="2.8", event="advance", actor="张三", evidence=ACCEPTANCE, at=TODAY), TODAY
        )
    assert _counts(loaded) == before
    assert _stage_of(loaded, 2, 8) == "construction"


def test_a_refused_stage_change_writes_nothing_not_even_its_documents(loaded: Database) -> None:
    before = _counts(loaded)
    late = (EvidenceInput("acceptance", "长民验〔2020〕10号", date(2020, 10, 19)),)
    with pytest.raises(Refused), UnitOfWork(loaded) as uow:
        change_stage(uow, StageChange(ref="2.8", event="advance", actor="张三", at=TODAY), TODAY)
    with pytest.raises(Refused), UnitOfWork(loaded) as uow:
        change_stage(
            uow,
            StageChange(ref="2.8", event="advance", actor="张三", evidence=late, at=date(2020, 10, 12)),
            TODAY,
        )
    assert _counts(loaded) == before
    assert _stage_of(loaded, 2, 8) == "construction"


def _revisions(db: Database) -> dict[str, int]:
    with db.read() as session:
        return dict(session.execute(select(Revision.key, Revision.n)).all())  # type: ignore[arg-type]


def test_a_commit_that_names_nothing_raises_everythings_revision(loaded: Database) -> None:
    before = _revisions(loaded)
    with UnitOfWork(loaded) as uow:
        uow.session.add(Person(name="王五", email="ww@cn.example"))
        uow.commit()
    after = _revisions(loaded)
    assert after[EVERYTHING] == before[EVERYTHING] + 1
    assert {k: v for k, v in after.items() if k != EVERYTHING} == {
        k: v for k, v in before.items() if k != EVERYTHING
    }


def test_a_stage_change_raises_only_its_projects_items_and_programmes_revisions(loaded: Database) -> None:
    before = _revisions(loaded)
    with UnitOfWork(loaded) as uow:
        change_stage(
            uow, StageChange("2.8", "advance", "张三", at=date(2020, 10, 10), evidence=ACCEPTANCE), TODAY
        )
    after = _revisions(loaded)
    changed = {k for k in after if after[k] != before.get(k)}
    code = "changning-2020"
    assert changed == {project_key(code, "2.8"), item_key(code, 2), programme_key(code)}


def test_a_document_raises_only_its_projects_revision(loaded: Database) -> None:
    before = _revisions(loaded)
    with UnitOfWork(loaded) as uow:
        record_evidence(uow, "2.9", EvidenceInput("permit", "长建施〔2020〕9号", TODAY), "办公室", TODAY)
    after = _revisions(loaded)
    assert {k for k in after if after[k] != before.get(k)} == {project_key("changning-2020", "2.9")}


def test_a_progress_report_raises_its_items_and_its_programmes_filed_progress_not_the_latest_dashboard(
    loaded: Database,
) -> None:
    before = _revisions(loaded)
    with UnitOfWork(loaded) as uow:
        data = ProgressInput("2", "民政科", TODAY, Decimal(7), target=3, note="新增助餐点两个")
        record_progress(uow, data, TODAY)
    after = _revisions(loaded)
    code = "changning-2020"
    assert {k for k in after if after[k] != before.get(k)} == {item_key(code, 2), progress_key(code)}
    assert set(dashboard_scopes(code, None)) == {programme_key(code)}  # the latest stored snapshot
    assert set(dashboard_scopes(code, TODAY)) == {programme_key(code), progress_key(code)}  # computed


def test_a_rolled_back_or_unseen_write_raises_no_revision(loaded: Database) -> None:
    before = _revisions(loaded)
    with UnitOfWork(loaded) as uow:
        uow.session.add(Person(name="赵六", email="zl@cn.example"))
    with UnitOfWork(loaded) as uow:
        uow.session.add(Person(name="钱七", email="qq@cn.example"))
        uow.changes_no_page()
        uow.commit()
    assert _revisions(loaded) == before
