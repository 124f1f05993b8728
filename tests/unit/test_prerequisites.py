"""Prerequisites as data: the default table, overrides, evidence parsing and the every-reason check."""

from __future__ import annotations

import re
from datetime import date

import pytest

from states.prerequisites import (
    DEFAULT_REQUIREMENTS,
    EVIDENCE_KINDS,
    EvidenceFact,
    Requirement,
    StageRequest,
    UnknownEvidenceKind,
    check,
    kind_label,
    parse_evidence_kind,
    parse_requirement,
    requirement_table,
    unmet,
)
from states.stages import Stage

TODAY = date(2020, 9, 30)
AT = date(2020, 8, 1)
BEFORE = date(2020, 7, 15)
AFTER = date(2020, 8, 20)
CJK = re.compile(r"[\u4e00-\u9fff]")


def doc(kind: str, on: date = BEFORE, no: str = "长建〔2020〕8号") -> EvidenceFact:
    return EvidenceFact(kind, no, on)


def request(target: Stage, *evidence: EvidenceFact, **kwargs: object) -> StageRequest:
    current = target.previous() or Stage.approved
    values: dict[str, object] = {"current": current, "target": target, "at": AT, "today": TODAY}
    values.update(kwargs)
    return StageRequest(evidence=tuple(evidence), **values)  # type: ignore[arg-type]


# --- the default table ----------------------------------------------------------------------------


def test_preparation_needs_the_project_approval() -> None:
    reasons = unmet(request(Stage.preparation))
    assert len(reasons) == 1
    assert "立项批复" in reasons[0].message
    assert unmet(request(Stage.preparation, doc("approval"))) == []


@pytest.mark.parametrize("kind", ["permit", "start_order"])
def test_construction_needs_a_permit_or_a_start_order(kind: str) -> None:
    assert unmet(request(Stage.construction, doc(kind))) == []


def test_construction_without_permit_or_start_order_names_both() -> None:
    reasons = unmet(request(Stage.construction, doc("approval"), doc("design")))
    assert len(reasons) == 1
    assert "施工许可" in reasons[0].message
    assert "开工令" in reasons[0].message


def test_completion_needs_the_completion_acceptance() -> None:
    reasons = unmet(request(Stage.completed, doc("permit"), doc("fire_acceptance")))
    assert [r.message for r in reasons] and "竣工验收" in reasons[0].message
    assert unmet(request(Stage.completed, doc("acceptance"))) == []


@pytest.mark.parametrize("kind", ["handover", "operating_licence", "opening"])
def test_operation_needs_a_handover_a_licence_or_an_opening(kind: str) -> None:
    assert unmet(request(Stage.operating, doc(kind))) == []


def test_operation_is_not_unlocked_by_the_completion_acceptance() -> None:
    reasons = unmet(request(Stage.operating, doc("acceptance")))
    assert len(reasons) == 1
    for word in ("交付使用", "运营许可", "开业"):
        assert word in reasons[0].message


def test_approval_stage_needs_no_evidence() -> None:
    assert DEFAULT_REQUIREMENTS[Stage.approved] == ()
    assert unmet(request(Stage.approved, current=Stage.approved)) == []


def test_every_main_stage_has_an_entry_in_the_default_table() -> None:
    assert set(DEFAULT_REQUIREMENTS) == {
        Stage.approved,
        Stage.preparation,
        Stage.construction,
        Stage.completed,
        Stage.operating,
    }


# --- every unmet prerequisite at once -------------------------------------------------------------


def test_unmet_lists_missing_evidence_future_date_and_date_before_previous_stage_together() -> None:
    req = request(
        Stage.construction,
        at=date(2020, 10, 5),
        today=TODAY,
        current_since=date(2020, 11, 1),
    )
    reasons = unmet(req)
    assert len(reasons) == 3
    missing, future, early = (r.message for r in reasons)
    assert "缺少要件" in missing and "施工许可或开工令" in missing and "开工" in missing
    assert "晚于今天" in future and "2020-10-05" in future and "2020-09-30" in future
    assert "早于" in early and "前期手续" in early and "2020-11-01" in early
    for reason in reasons:
        assert CJK.search(reason.message)
        assert not re.search(r"[A-Za-z]", reason.message), reason.message


def test_unmet_is_empty_when_everything_is_in_order() -> None:
    req = request(Stage.construction, doc("permit"), current_since=date(2020, 6, 1))
    assert unmet(req) == []


def test_a_change_dated_today_is_not_in_the_future() -> None:
    assert unmet(request(Stage.preparation, doc("approval"), at=TODAY, today=TODAY)) == []


def test_a_change_dated_the_day_after_today_is_in_the_future() -> None:
    reasons = unmet(request(Stage.preparation, doc("approval"), at=date(2020, 10, 1), today=TODAY))
    assert len(reasons) == 1
    assert "晚于今天" in reasons[0].message


def test_a_change_on_the_same_day_as_the_previous_stage_is_allowed() -> None:
    assert unmet(request(Stage.preparation, doc("approval"), current_since=AT)) == []


def test_a_change_one_day_before_the_previous_stage_is_refused() -> None:
    reasons = unmet(request(Stage.preparation, doc("approval"), current_since=date(2020, 8, 2)))
    assert len(reasons) == 1
    assert "早于“立项”阶段日期 2020-08-02" in reasons[0].message


def test_unknown_previous_stage_date_does_not_block() -> None:
    assert unmet(request(Stage.preparation, doc("approval"), current_since=None)) == []


def test_every_missing_requirement_of_a_stage_is_listed() -> None:
    table = requirement_table({"operating": ["交付使用", "运营许可", "开业"]})
    reasons = unmet(request(Stage.operating, doc("handover"), requirements=table))
    assert len(reasons) == 2
    assert "运营许可" in reasons[0].message
    assert "开业" in reasons[1].message


# --- dates of evidence ----------------------------------------------------------------------------


def test_evidence_dated_after_the_change_does_not_count() -> None:
    reasons = unmet(request(Stage.construction, doc("permit", AFTER, "长建〔2020〕9号")))
    assert len(reasons) == 1
    message = reasons[0].message
    assert "施工许可" in message
    assert "长建〔2020〕9号" in message
    assert "2020-08-20" in message and "2020-08-01" in message
    assert "晚于变更日期" in message


def test_evidence_dated_on_the_change_day_counts() -> None:
    assert unmet(request(Stage.construction, doc("permit", AT))) == []


def test_one_timely_document_is_enough_even_if_another_is_late() -> None:
    late = doc("start_order", AFTER, "开工令2号")
    timely = doc("permit", BEFORE, "许可1号")
    assert unmet(request(Stage.construction, late, timely)) == []


def test_a_late_document_reports_the_earliest_of_the_late_ones() -> None:
    first = doc("permit", date(2020, 8, 10), "早号")
    second = doc("start_order", date(2020, 9, 10), "晚号")
    reasons = unmet(request(Stage.construction, second, first))
    assert len(reasons) == 1
    assert "早号" in reasons[0].message
    assert "晚号" not in reasons[0].message


# --- requirement_table overrides --------------------------------------------------------------------


def test_no_overrides_give_the_default_table() -> None:
    assert requirement_table(None) == DEFAULT_REQUIREMENTS
    assert requirement_table({}) == DEFAULT_REQUIREMENTS


def test_an_empty_override_removes_the_permit_requirement() -> None:
    table = requirement_table({"construction": []})
    assert table[Stage.construction] == ()
    assert unmet(request(Stage.construction, requirements=table)) == []
    assert unmet(request(Stage.construction)) != [], "the default table was changed by the override"


def test_an_override_replaces_only_its_own_stage() -> None:
    table = requirement_table({"construction": []})
    for stage, reqs in DEFAULT_REQUIREMENTS.items():
        if stage is not Stage.construction:
            assert table[stage] == reqs


def test_an_override_with_alternatives_accepts_any_of_them() -> None:
    table = requirement_table({"completed": ["消防验收|竣工验收"]})
    assert table[Stage.completed] == (Requirement(("fire_acceptance", "acceptance")),)
    assert unmet(request(Stage.completed, doc("fire_acceptance"), requirements=table)) == []
    assert unmet(request(Stage.completed, doc("acceptance"), requirements=table)) == []
    reasons = unmet(request(Stage.completed, doc("permit"), requirements=table))
    assert len(reasons) == 1
    assert "消防验收或竣工验收" in reasons[0].message


def test_overrides_accept_codes_as_well_as_labels() -> None:
    assert requirement_table({"completed": ["fire_acceptance|acceptance"]}) == requirement_table(
        {"completed": ["消防验收|竣工验收"]}
    )


def test_overrides_do_not_change_the_default_table() -> None:
    snapshot = dict(DEFAULT_REQUIREMENTS)
    requirement_table({"construction": [], "completed": ["消防验收"]})
    assert snapshot == DEFAULT_REQUIREMENTS


def test_an_override_with_an_unknown_kind_is_refused() -> None:
    with pytest.raises(UnknownEvidenceKind, match="未知要件类型"):
        requirement_table({"construction": ["营业执照"]})


# --- parsing evidence kinds and requirements ----------------------------------------------------------


@pytest.mark.parametrize(("code", "label"), EVIDENCE_KINDS.items())
def test_parse_evidence_kind_accepts_label_and_code(code: str, label: str) -> None:
    assert parse_evidence_kind(label) == code
    assert parse_evidence_kind(code) == code
    assert parse_evidence_kind(f"  {label} ") == code
    assert kind_label(code) == label


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("立项", "approval"),
        ("施工许可证", "permit"),
        ("竣工验收备案", "acceptance"),
        ("开园", "opening"),
        ("交付", "handover"),
    ],
)
def test_parse_evidence_kind_accepts_common_synonyms(text: str, code: str) -> None:
    assert parse_evidence_kind(text) == code


@pytest.mark.parametrize("text", ["营业执照", "", "   ", "permits", "施工"])
def test_parse_evidence_kind_rejects_unknown_kinds_in_chinese(text: str) -> None:
    with pytest.raises(UnknownEvidenceKind) as caught:
        parse_evidence_kind(text)
    message = str(caught.value)
    assert message.startswith("未知要件类型")
    for code, label in EVIDENCE_KINDS.items():
        assert label in message and code in message
    assert isinstance(caught.value, ValueError)


def test_the_core_kinds_have_their_chinese_labels() -> None:
    assert kind_label("approval") == "立项批复"
    assert kind_label("permit") == "施工许可"
    assert kind_label("start_order") == "开工令"
    assert kind_label("acceptance") == "竣工验收"


def test_kind_label_of_an_unknown_code_is_the_code_itself() -> None:
    assert kind_label("mystery") == "mystery"


def test_parse_requirement_reads_alternatives_in_order() -> None:
    req = parse_requirement("施工许可|开工令")
    assert req.kinds == ("permit", "start_order")
    assert req.label == "施工许可或开工令"
    assert req.spec() == "施工许可|开工令"


@pytest.mark.parametrize(
    "text", ["permit|start_order", " 施工许可 | start_order ", "施工许可证|开工令", "施工许可||开工令"]
)
def test_parse_requirement_accepts_codes_labels_synonyms_and_spaces(text: str) -> None:
    assert parse_requirement(text) == Requirement(("permit", "start_order"))


def test_a_requirement_round_trips_through_its_spec() -> None:
    for text in ["立项批复", "施工许可|开工令", "交付使用|运营许可|开业", "消防验收|竣工验收"]:
        req = parse_requirement(text)
        assert parse_requirement(req.spec()) == req


@pytest.mark.parametrize("text", ["", "|", " | ", "施工许可|营业执照"])
def test_parse_requirement_rejects_empty_or_unknown_kinds(text: str) -> None:
    with pytest.raises(UnknownEvidenceKind, match="未知要件类型"):
        parse_requirement(text)


# --- check(): met and unmet, in order ---------------------------------------------------------------


def test_check_returns_met_and_unmet_checks_in_order() -> None:
    table = requirement_table({"operating": ["交付使用", "运营许可"]})
    checks = check(
        request(
            Stage.operating,
            doc("handover"),
            requirements=table,
            at=date(2020, 10, 2),
            current_since=date(2020, 6, 1),
        )
    )
    assert [c.met for c in checks] == [True, False, False, True]
    assert "交付使用" in checks[0].label
    assert "运营许可" in checks[1].label
    assert "今天" in checks[2].label
    assert "上一阶段" in checks[3].label
    assert [c.message for c in checks if c.met] == ["", ""]
    assert all(c.message for c in checks if not c.met)


def test_check_includes_the_date_rules_even_without_requirements() -> None:
    checks = check(request(Stage.approved, current=Stage.approved))
    assert len(checks) == 2
    assert all(c.met for c in checks)


def test_unmet_keeps_the_labels_and_messages_of_the_failed_checks() -> None:
    req = request(Stage.construction, at=date(2020, 10, 2))
    failed = [c for c in check(req) if not c.met]
    assert [(u.code, u.message) for u in unmet(req)] == [(c.label, c.message) for c in failed]
