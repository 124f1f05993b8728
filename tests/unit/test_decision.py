"""Every stage rule, proved through the one pure decision: facts and a request in, a change or a refusal out."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from states.decision import CONFLICT, INPUT, RULE, Decision, Intent, ProjectFacts, Refusal, decide
from states.machine import Event
from states.prerequisites import EvidenceFact, Requirement, requirement_table
from states.stages import MAIN_LINE, Stage

TODAY = date(2020, 10, 20)
AT = date(2020, 10, 10)
APPROVAL = EvidenceFact("approval", "长发改〔2020〕1号", date(2020, 3, 1))
PERMIT = EvidenceFact("permit", "长建〔2020〕8号", date(2020, 8, 1))
ACCEPTANCE = EvidenceFact("acceptance", "长民验〔2020〕3号", date(2020, 10, 9))
HANDOVER = EvidenceFact("handover", "交〔2020〕1号", date(2020, 10, 12))


def facts(stage: Stage = Stage.construction, **kw: object) -> ProjectFacts:
    """A project at `stage` since 2020-08-01, with the evidence it needed to get there."""
    base = ProjectFacts(
        ref="2.8", stage=stage, version=3, since=date(2020, 8, 1), evidence=(APPROVAL, PERMIT)
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def advance(**kw: object) -> Intent:
    return Intent(**{"event": Event.advance, "at": AT, "actor": "张三", **kw})  # type: ignore[arg-type]


def refused(result: Decision | Refusal, kind: str) -> Refusal:
    assert isinstance(result, Refusal), result
    assert result.kind == kind, result
    return result


def decided(result: Decision | Refusal) -> Decision:
    assert isinstance(result, Decision), result
    return result


def test_advance_with_its_evidence_moves_one_stage_and_dates_it() -> None:
    done = decided(decide(facts(), advance(evidence=(ACCEPTANCE,)), TODAY))
    assert (done.before.state, done.after.state) == (Stage.construction, Stage.completed)
    assert done.columns["stage"] == "completed"
    assert done.columns["actual_completed_on"] == AT
    assert done.new_evidence == (ACCEPTANCE,)
    assert done.cited == ({"kind": "竣工验收", "doc_no": ACCEPTANCE.doc_no, "issued_on": "2020-10-09"},)
    assert done.announce == ("stage",)


def test_evidence_already_recorded_is_not_added_again() -> None:
    done = decided(
        decide(facts(evidence=(APPROVAL, PERMIT, ACCEPTANCE)), advance(evidence=(ACCEPTANCE,)), TODAY)
    )
    assert done.new_evidence == ()
    assert [c["doc_no"] for c in done.cited] == [ACCEPTANCE.doc_no]


def test_advance_without_the_required_document_is_refused_with_the_reason() -> None:
    refusal = refused(decide(facts(), advance(), TODAY), RULE)
    assert "前置条件" in refusal.summary
    assert refusal.reasons == ("缺少要件：竣工验收（进入“完工”前须登记）",)


def test_a_refusal_lists_every_unmet_prerequisite_at_once() -> None:
    future = refused(decide(facts(), advance(at=date(2020, 10, 21)), TODAY), RULE)
    assert len(future.reasons) == 2
    assert "缺少要件：竣工验收" in future.reasons[0]
    assert "晚于今天" in future.reasons[1]
    late = EvidenceFact("acceptance", "迟〔2020〕1号", date(2020, 10, 19))
    early = refused(decide(facts(since=date(2020, 10, 15)), advance(evidence=(late,)), TODAY), RULE)
    assert len(early.reasons) == 2
    assert "晚于变更日期" in early.reasons[0]
    assert "早于“开工”阶段日期" in early.reasons[1]


def test_a_change_dated_in_the_future_is_refused() -> None:
    refusal = refused(decide(facts(), advance(evidence=(ACCEPTANCE,), at=date(2020, 10, 21)), TODAY), RULE)
    assert refusal.reasons == ("变更日期 2020-10-21 晚于今天 2020-10-20",)


def test_a_change_dated_before_the_current_stage_began_is_refused() -> None:
    refusal = refused(decide(facts(), advance(evidence=(ACCEPTANCE,), at=date(2020, 7, 31)), TODAY), RULE)
    assert any("早于“开工”阶段日期 2020-08-01" in r for r in refusal.reasons)


def test_skipping_a_stage_is_refused() -> None:
    refusal = refused(decide(facts(), advance(to=Stage.operating, evidence=(ACCEPTANCE,)), TODAY), RULE)
    assert refusal.summary == "子项目 2.8 不能跳过阶段"
    assert "只能推进到下一阶段“完工”" in refusal.reasons[0]


def test_naming_the_next_stage_is_the_same_as_advancing() -> None:
    done = decided(decide(facts(), advance(to=Stage.completed, evidence=(ACCEPTANCE,)), TODAY))
    assert done.after.state is Stage.completed


def test_advancing_from_the_last_stage_is_refused() -> None:
    refusal = refused(decide(facts(Stage.operating), advance(), TODAY), RULE)
    assert refusal.reasons == ("项目已处于最后阶段“运营”，不能再推进",)


def test_revert_is_for_administrators_only() -> None:
    intent = Intent(Event.revert, AT, actor="李四", reason="误操作", actor_is_admin=False)
    refusal = refused(decide(facts(), intent, TODAY), RULE)
    assert refusal.summary == "退回须由管理员操作"
    assert refusal.reasons == ("李四 不是管理员",)


def test_revert_by_an_administrator_moves_back_and_clears_the_stage_date() -> None:
    done = decided(decide(facts(), Intent(Event.revert, AT, actor="管理员", reason="误操作"), TODAY))
    assert done.after.state is Stage.preparation
    assert done.columns["actual_construction_on"] is None
    assert done.cited == ()


@pytest.mark.parametrize("event", [Event.suspend, Event.cancel, Event.revert])
def test_suspend_cancel_and_revert_need_a_reason(event: str) -> None:
    refusal = refused(decide(facts(), Intent(event, AT, actor="张三", reason="  "), TODAY), INPUT)
    assert refusal.summary.endswith("须写明原因")
    assert refusal.fields == ("reason",)


def test_an_unknown_event_is_bad_input() -> None:
    refusal = refused(decide(facts(), Intent("jump", AT), TODAY), INPUT)
    assert "未知操作“jump”" in refusal.summary


def test_suspend_remembers_the_stage_and_keeps_the_reason() -> None:
    done = decided(decide(facts(), Intent(Event.suspend, AT, reason="资金未到位"), TODAY))
    assert done.after.state is Stage.suspended
    assert done.columns["suspended_from"] == "construction"
    assert done.columns["stage_reason"] == "资金未到位"


def test_resume_returns_to_the_stage_it_left_without_checking_documents() -> None:
    paused = facts(Stage.suspended, suspended_from=Stage.construction, since=None, evidence=())
    done = decided(decide(paused, Intent(Event.resume, AT), TODAY))
    assert done.after.state is Stage.construction
    assert done.columns["suspended_from"] is None


def test_a_suspended_project_cannot_advance() -> None:
    paused = facts(Stage.suspended, suspended_from=Stage.construction)
    refusal = refused(decide(paused, advance(evidence=(ACCEPTANCE,)), TODAY), RULE)
    assert "请先恢复" in refusal.reasons[0]


def test_a_cancelled_project_cannot_change() -> None:
    refusal = refused(decide(facts(Stage.cancelled), Intent(Event.resume, AT), TODAY), RULE)
    assert refusal.reasons == ("项目已终止，不能恢复",)


def test_a_target_s_own_prerequisites_table_replaces_the_default() -> None:
    service = requirement_table({"construction": [], "completed": ["交付使用"]})
    done = decided(decide(facts(Stage.preparation, requirements=service), advance(), TODAY))
    assert done.after.state is Stage.construction
    refusal = refused(decide(facts(requirements=service), advance(evidence=(ACCEPTANCE,)), TODAY), RULE)
    assert refusal.reasons == ("缺少要件：交付使用（进入“完工”前须登记）",)


def test_any_one_of_the_kinds_of_a_requirement_is_enough() -> None:
    either = {**requirement_table(None), Stage.operating: (Requirement(("handover", "opening")),)}
    done = decided(
        decide(
            facts(Stage.completed, requirements=either),
            advance(evidence=(HANDOVER,), at=date(2020, 10, 12)),
            TODAY,
        )
    )
    assert done.after.state is Stage.operating


def test_a_document_dated_after_the_change_does_not_count() -> None:
    refusal = refused(decide(facts(), advance(evidence=(ACCEPTANCE,), at=date(2020, 10, 8)), TODAY), RULE)
    assert "晚于变更日期 2020-10-08" in refusal.reasons[0]


@pytest.mark.parametrize("seen", [Stage.preparation, Stage.completed])
def test_a_request_made_on_another_stage_than_the_stored_one_is_a_conflict_naming_both(seen: Stage) -> None:
    refusal = refused(decide(facts(), advance(expected_stage=seen, evidence=(ACCEPTANCE,)), TODAY), CONFLICT)
    assert refusal.summary == (
        f"子项目 2.8 已被他人变更，本次操作未执行（并发冲突）：操作时为“{seen.label}”，现为“开工”；请刷新后重试"
    )


def test_a_conflict_names_who_changed_the_project_and_when() -> None:
    changed = facts(Stage.completed, version=4, changed_by="李四", changed_at=datetime(2020, 10, 20, 9, 5))
    refusal = refused(
        decide(changed, advance(expected_stage=Stage.construction, expected_version=3), TODAY), CONFLICT
    )
    assert refusal.summary == (
        "子项目 2.8 已被他人变更，本次操作未执行（并发冲突）：操作时为“开工”，现为“完工”，"
        "由 李四 于 2020-10-20 09:05 变更；请刷新后重试"
    )


def test_a_stale_version_on_the_same_stage_names_both_versions() -> None:
    changed = facts(version=5, changed_by="王五", changed_at=datetime(2020, 10, 19, 17, 30))
    same_stage = refused(
        decide(changed, advance(expected_stage=Stage.construction, expected_version=3), TODAY), CONFLICT
    )
    assert (
        "操作时为“开工”（版本 3），现为“开工”（版本 5），由 王五 于 2020-10-19 17:30 变更"
        in same_stage.summary
    )
    version_only = refused(decide(changed, advance(expected_version=3), TODAY), CONFLICT)
    assert "操作时为版本 3，现为“开工”（版本 5）" in version_only.summary


def test_a_request_made_on_an_older_version_is_a_conflict() -> None:
    refused(decide(facts(), advance(expected_version=2, evidence=(ACCEPTANCE,)), TODAY), CONFLICT)
    decided(decide(facts(), advance(expected_version=3, evidence=(ACCEPTANCE,)), TODAY))


def test_a_conflict_is_found_before_the_rules_are_asked() -> None:
    refusal = decide(facts(Stage.operating), advance(expected_stage=Stage.completed), TODAY)
    assert refused(refusal, CONFLICT)


@pytest.mark.parametrize("stage", MAIN_LINE[:-1])
def test_one_press_never_moves_more_than_one_stage(stage: Stage) -> None:
    everything = (APPROVAL, PERMIT, ACCEPTANCE, HANDOVER)
    done = decided(decide(facts(stage, evidence=everything, since=None), advance(at=TODAY), TODAY))
    assert done.after.state.rank == stage.rank + 1


def test_the_decision_changes_nothing_it_was_given() -> None:
    given, intent = facts(), advance(evidence=(ACCEPTANCE,))
    decide(given, intent, TODAY)
    assert given == facts()
    assert intent == advance(evidence=(ACCEPTANCE,))
