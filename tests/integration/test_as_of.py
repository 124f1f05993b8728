"""The programme as of any date: list/show and the one-query SQL form agree with a plain replay of the audit rows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import Project, Transition
from models.db import Database
from services.as_of import stage_facts
from services.errors import Refused
from services.refs import resolve_programme
from services.stage_change.request import EvidenceInput, StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from services.views.history import history
from services.views.programme import list_projects, show
from states.asof import AuditRow, StageAsOf, stage_on
from states.stages import Stage
from tests.templates import Filled, load_example

TODAY = date(2020, 12, 31)
LOADED = date(2020, 12, 20)  # the day of the import: no project may appear at its stage from then only


def _ev(kind: str, day: date) -> tuple[EvidenceInput, ...]:
    return (EvidenceInput(kind, f"长民{kind}〔2020〕{day:%m%d}号", day),)


# (ref, event, effective date, evidence, reason) in the order recorded: often not the effective order
CHANGES = [
    ("2.8", "advance", date(2020, 10, 10), _ev("acceptance", date(2020, 10, 9)), None),
    ("2.9", "suspend", date(2020, 9, 15), (), "场地协调"),
    ("2.10", "advance", date(2020, 5, 20), _ev("acceptance", date(2020, 5, 19)), None),
    ("2.9", "resume", date(2020, 11, 2), (), None),
    ("2.10", "advance", date(2020, 7, 1), _ev("handover", date(2020, 6, 30)), None),
    ("2.10", "revert", date(2020, 8, 1), (), "交付手续退回"),
    ("2.3", "cancel", date(2020, 3, 3), (), "年内不再实施"),
    ("2.17", "suspend", date(2020, 10, 10), (), "施工暂停"),
    ("2.17", "cancel", date(2020, 10, 10), (), "改址另建"),  # the same day: the order recorded decides
    ("1.1", "advance", date(2020, 9, 30), _ev("acceptance", date(2020, 9, 29)), None),
    ("2.13", "suspend", date(2020, 8, 15), (), "管网改线"),
    ("2.13", "resume", date(2020, 8, 15), (), None),
    ("2.13", "advance", date(2020, 12, 31), _ev("acceptance", date(2020, 12, 30)), None),
]


@pytest.fixture
def changed(db: Database, filled: Filled) -> Database:
    """The example loaded on LOADED, then CHANGES applied one by one (built once per process, then copied)."""

    def build(template: Database) -> None:
        load_example(template, filled, LOADED)
        for ref, event, at, evidence, reason in CHANGES:
            with UnitOfWork(template) as uow:
                change_stage(
                    uow, StageChange(ref, event, "张三", reason=reason, evidence=evidence, at=at), TODAY
                )

    filled.into(db.url, "as-of-changed", build)
    return db


def _rows(db: Database) -> tuple[dict[int, str], dict[int, list[AuditRow]], dict[int, StageAsOf]]:
    """Refs, audit rows and stored stage columns of every project, read plainly."""
    with db.read() as session:
        projects = session.scalars(select(Project)).all()
        refs = {p.id: f"{p.item.number}.{p.number}" for p in projects}
        stored = {
            p.id: StageAsOf(p.stage_enum, None, p.suspended_from_enum, p.stage_reason, p.stage_phrase)
            for p in projects
        }
        rows: dict[int, list[AuditRow]] = {p.id: [] for p in projects}
        for t in session.scalars(select(Transition)):
            from_stage = Stage[t.from_stage] if t.from_stage else None
            rows[t.project_id].append(AuditRow(t.id, t.occurred_on, Stage[t.to_stage], from_stage, t.reason))
    return refs, rows, stored


def _replay(rows: list[AuditRow], day: date) -> str:
    """The plainest replay: the last row taking effect by `day`, in effective order; else 立项."""
    passed = sorted((r for r in rows if r.occurred_on <= day), key=lambda r: (r.occurred_on, r.id))
    return passed[-1].to_stage.code if passed else Stage.approved.code


def _days() -> list[date]:
    """Every effective date of the changes, the day before each, month ends, and the days around the year."""
    days = {date(2019, 12, 31), date(2020, 1, 1), LOADED, TODAY}
    for _, _, at, _, _ in CHANGES:
        days |= {at, at - timedelta(days=1)}
    days |= {date(2020, m + 1, 1) - timedelta(days=1) for m in range(1, 12)}
    return sorted(days)


def test_list_answers_every_date_as_the_replay_of_the_audit_rows(changed: Database) -> None:
    refs, rows, _ = _rows(changed)
    by_ref = {refs[i]: r for i, r in rows.items()}
    for day in _days():
        with changed.read() as session:
            listed = list_projects(session, None, day)
        got = {p["ref"]: p["stage"] for item in listed["items"] for p in item["projects"]}
        assert got == {ref: _replay(r, day) for ref, r in by_ref.items()}, day


def test_the_sql_form_equals_the_pure_replay_for_every_project_and_date(changed: Database) -> None:
    refs, rows, stored = _rows(changed)
    for day in _days():
        with changed.read() as session:
            programme = resolve_programme(session, None)
            got = stage_facts(session, programme.id, day, since=True)
            quick = stage_facts(session, programme.id, day)
        want = {i: stage_on(rows[i], day, stored[i]) for i in refs}
        assert {i: (f.stage, f.since, f.suspended_from, f.reason, f.phrase) for i, f in got.items()} == {
            i: (f.stage, f.since, f.suspended_from, f.reason, f.phrase) for i, f in want.items()
        }, day
        assert {i: (f.stage, f.suspended_from, f.reason, f.phrase) for i, f in quick.items()} == {
            i: (f.stage, f.suspended_from, f.reason, f.phrase) for i, f in want.items()
        }, day


def test_today_the_replay_is_the_stored_stage(changed: Database) -> None:
    refs, rows, stored = _rows(changed)
    assert {i: _replay(rows[i], TODAY) for i in refs} == {i: s.stage.code for i, s in stored.items()}
    assert stored[next(i for i, r in refs.items() if r == "2.17")].stage is Stage.cancelled


def test_each_project_carries_the_effective_date_of_its_latest_audit_row(changed: Database) -> None:
    """`changed_on`, which lets "as of" skip the projects unchanged since, follows the import and every change."""
    _, rows, _ = _rows(changed)
    with changed.read() as session:
        carried = dict(session.execute(select(Project.id, Project.changed_on)).all())
    assert carried == {i: max(r.occurred_on for r in audit) for i, audit in rows.items()}
    assert len(set(carried.values())) > 5  # the import day, the programme start and the changes


def test_an_import_without_a_stage_date_is_in_force_from_the_programme_start(changed: Database) -> None:
    with changed.read() as session:
        jan = {
            p["ref"]: p["stage"]
            for i in list_projects(session, None, date(2020, 1, 1))["items"]
            for p in i["projects"]
        }
        eve = {
            p["ref"]: p["stage"]
            for i in list_projects(session, None, date(2019, 12, 31))["items"]
            for p in i["projects"]
        }
    assert jan["2.8"] == "construction" and jan["2.1"] == "operating"
    assert jan["1.1"] == "approved"  # imported with its stage date: 开工 from 2020-08-31 only
    assert set(eve.values()) == {"approved"}


def test_show_gives_the_stage_evidence_and_history_in_force_on_the_day(changed: Database) -> None:
    with changed.read() as session:
        before = show(session, "2.8", None, date(2020, 10, 8))
        issued = show(session, "2.8", None, date(2020, 10, 9))
        after = show(session, "2.8", None, date(2020, 10, 10))
        suspended = show(session, "2.9", None, date(2020, 10, 1))
        reverted = show(session, "2.10", None, date(2020, 7, 15))
    assert (before["stage"], before["evidence"], [t["event"] for t in before["transitions"]]) == (
        "construction",
        [],
        ["load"],
    )
    assert [e["kind"] for e in issued["evidence"]] == ["acceptance"] and issued["stage"] == "construction"
    assert after["stage"] == "completed" and [t["event"] for t in after["transitions"]] == ["load", "advance"]
    assert after["dates"]["completed"]["actual"] == "2020-10-10"
    assert before["dates"]["completed"]["actual"] is None
    assert (suspended["stage"], suspended["suspended_from"], suspended["reason"]) == (
        "suspended",
        "construction",
        "场地协调",
    )
    assert reverted["stage"] == "operating"


def test_history_is_in_effective_order_and_says_when_each_row_was_recorded(changed: Database) -> None:
    with changed.read() as session:
        rows = history(session, "2", None)["transitions"]
    assert [(t["on"], t["id"]) for t in rows] == sorted((t["on"], t["id"]) for t in rows)
    assert [t["ref"] for t in rows if t["event"] != "load"][:2] == ["2.3", "2.10"]  # recorded 7th and 3rd
    assert all(t["recorded_local"] for t in rows)


def test_a_change_may_not_take_effect_before_the_projects_latest_change(changed: Database) -> None:
    with UnitOfWork(changed) as uow, pytest.raises(Refused) as refused:
        change_stage(
            uow, StageChange("2.9", "suspend", "张三", reason="再次暂停", at=date(2020, 11, 1)), TODAY
        )
    assert "早于该子项目上一次变更的生效日期 2020-11-02" in " ".join(refused.value.reasons)


def test_rows_recorded_out_of_effective_order_before_the_rule_replay_by_effective_date(
    changed: Database,
) -> None:
    """Rows the old rules let through (a resume dated before the suspension it ends) count by their dates."""
    legacy = [
        ("suspend", "preparation", "suspended", date(2020, 9, 1)),
        ("resume", "suspended", "preparation", date(2020, 6, 1)),  # recorded later, in force earlier
        ("advance", "preparation", "construction", date(2020, 11, 1)),
    ]
    refs, _, _ = _rows(changed)
    project_id = next(i for i, r in refs.items() if r == "2.15")
    with UnitOfWork(changed) as uow:
        for event, source, to, on in legacy:
            uow.session.add(
                Transition(
                    project_id=project_id,
                    event=event,
                    from_stage=source,
                    to_stage=to,
                    actor="旧系统",
                    occurred_on=on,
                    reason="旧记录",
                    evidence=[],
                )
            )
        project = uow.session.get(Project, project_id)
        project.stage = "construction"
        project.changed_on = max(on for *_, on in legacy)  # as the migration to `changed_on` fills it
        uow.commit()
    refs, rows, stored = _rows(changed)
    for day in _days():
        with changed.read() as session:
            got = stage_facts(session, resolve_programme(session, None).id, day, since=True)
            listed = {
                p["ref"]: p["stage"]
                for i in list_projects(session, None, day)["items"]
                for p in i["projects"]
            }
        assert got[project_id] == stage_on(rows[project_id], day, stored[project_id]), day
        assert listed["2.15"] == _replay(rows[project_id], day), day
    with changed.read() as session:
        mid = show(session, "2.15", None, date(2020, 9, 15))
    assert (mid["stage"], mid["suspended_from"]) == ("suspended", "preparation")
