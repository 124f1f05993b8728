"""Stages: parsing Chinese labels, codes and synonyms, and moving along the main line."""

from __future__ import annotations

import pytest

from states.stages import MAIN_LINE, Stage, UnknownStage, parse_stage

LABELS = {
    "立项": Stage.approved,
    "前期手续": Stage.preparation,
    "开工": Stage.construction,
    "完工": Stage.completed,
    "运营": Stage.operating,
    "暂停": Stage.suspended,
    "终止": Stage.cancelled,
}

CODES = {
    "approved": Stage.approved,
    "preparation": Stage.preparation,
    "construction": Stage.construction,
    "completed": Stage.completed,
    "operating": Stage.operating,
    "suspended": Stage.suspended,
    "cancelled": Stage.cancelled,
}

SYNONYMS = {
    "前期": Stage.preparation,
    "施工": Stage.construction,
    "在建": Stage.construction,
    "竣工": Stage.completed,
    "已完工": Stage.completed,
    "投用": Stage.operating,
    "运行": Stage.operating,
    "中止": Stage.suspended,
    "取消": Stage.cancelled,
}


@pytest.mark.parametrize(("text", "stage"), LABELS.items())
def test_parse_stage_accepts_the_chinese_label(text: str, stage: Stage) -> None:
    assert parse_stage(text) is stage


@pytest.mark.parametrize(("text", "stage"), CODES.items())
def test_parse_stage_accepts_the_code(text: str, stage: Stage) -> None:
    assert parse_stage(text) is stage


@pytest.mark.parametrize(("text", "stage"), SYNONYMS.items())
def test_parse_stage_accepts_a_listed_synonym(text: str, stage: Stage) -> None:
    assert parse_stage(text) is stage


@pytest.mark.parametrize(
    ("text", "stage"),
    [(" 开工 ", Stage.construction), ("\t运营\n", Stage.operating), ("  completed", Stage.completed)],
)
def test_parse_stage_ignores_surrounding_whitespace(text: str, stage: Stage) -> None:
    assert parse_stage(text) is stage


@pytest.mark.parametrize(("text", "stage"), [("Approved", Stage.approved), ("OPERATING", Stage.operating)])
def test_parse_stage_accepts_a_code_in_any_case(text: str, stage: Stage) -> None:
    assert parse_stage(text) is stage


def test_every_stage_round_trips_through_its_label_and_its_code() -> None:
    for stage in Stage:
        assert parse_stage(stage.label) is stage
        assert parse_stage(stage.code) is stage


@pytest.mark.parametrize("text", ["开办", "approve", "立项批复", "", "   ", "stage", "开 工"])
def test_parse_stage_rejects_unknown_text(text: str) -> None:
    with pytest.raises(UnknownStage):
        parse_stage(text)


def test_unknown_stage_is_a_value_error_so_callers_can_catch_either() -> None:
    with pytest.raises(ValueError):
        parse_stage("不存在的阶段")


def test_unknown_stage_message_is_chinese_and_lists_every_stage() -> None:
    with pytest.raises(UnknownStage) as caught:
        parse_stage("开办")
    message = str(caught.value)
    assert message.startswith("未知阶段")
    assert "开办" in message
    for label, stage in LABELS.items():
        assert label in message
        assert stage.code in message


def test_unknown_stage_keeps_the_text_it_was_given() -> None:
    with pytest.raises(UnknownStage) as caught:
        parse_stage("  开办 ")
    assert caught.value.text == "开办"


def test_main_line_runs_from_approval_to_operation() -> None:
    assert [s.label for s in MAIN_LINE] == ["立项", "前期手续", "开工", "完工", "运营"]


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (Stage.approved, Stage.preparation),
        (Stage.preparation, Stage.construction),
        (Stage.construction, Stage.completed),
        (Stage.completed, Stage.operating),
        (Stage.operating, None),
    ],
)
def test_next_is_the_following_stage_of_the_main_line(stage: Stage, expected: Stage | None) -> None:
    assert stage.next() is expected


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        (Stage.approved, None),
        (Stage.preparation, Stage.approved),
        (Stage.construction, Stage.preparation),
        (Stage.completed, Stage.construction),
        (Stage.operating, Stage.completed),
    ],
)
def test_previous_is_the_preceding_stage_of_the_main_line(stage: Stage, expected: Stage | None) -> None:
    assert stage.previous() is expected


@pytest.mark.parametrize(
    ("stage", "rank"),
    [
        (Stage.approved, 0),
        (Stage.preparation, 1),
        (Stage.construction, 2),
        (Stage.completed, 3),
        (Stage.operating, 4),
    ],
)
def test_rank_counts_from_zero_at_approval(stage: Stage, rank: int) -> None:
    assert stage.rank == rank


def test_next_and_previous_are_inverse_on_the_main_line() -> None:
    for stage in MAIN_LINE:
        nxt = stage.next()
        if nxt is not None:
            assert nxt.previous() is stage
            assert nxt.rank == stage.rank + 1


@pytest.mark.parametrize("stage", list(Stage))
def test_only_the_five_line_stages_are_main(stage: Stage) -> None:
    assert stage.is_main is (stage not in (Stage.suspended, Stage.cancelled))


def test_code_is_the_english_name_and_label_the_chinese_word() -> None:
    assert Stage.construction.code == "construction"
    assert Stage.construction.label == "开工"
    assert Stage.suspended.label == "暂停"
    assert Stage.cancelled.label == "终止"
