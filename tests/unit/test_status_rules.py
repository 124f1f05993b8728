"""A programme's status rules (states.rules): bands, 序时 basis, 未开工, words; and named milestones."""

from __future__ import annotations

from datetime import date
from itertools import product

import pytest

from states.counting import counts, short
from states.health import Health, TargetFacts, rollup, target_health
from states.milestones import Step, milestone_stage, month_target, step_text
from states.rules import DEFAULT_RULES, StatusRules, make_rules
from states.stages import Stage

DISTRICT = make_rules(
    "年度",
    [(10, "按序时推进"), (30, "慢序时"), (None, "严重滞后")],
    unstarted_after=2,
    early=True,
    words={"已完成": "已达标完成", "未启动": "未启动"},
)


def facts(**kw: object) -> TargetFacts:
    base = {"planned": 100.0, "achieved": 50.0, "reported_ratio": None, "expected": 0.75, "started": 1}
    return TargetFacts(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("achieved", "default", "district"),
    [
        (80.0, Health.on_track, Health.on_track),
        (70.0, Health.slow, Health.on_track),  # 5 points behind
        (65.0, Health.slow, Health.on_track),  # exactly 10 points: within the first band
        (64.0, Health.slow, Health.slow),
        (45.0, Health.slow, Health.slow),  # exactly 30 points
        (44.0, Health.slow, Health.severe),
        (0.0, Health.slow, Health.severe),
    ],
)
def test_the_districts_bands_split_what_the_default_calls_slow(
    achieved: float, default: Health, district: Health
) -> None:
    assert target_health(facts(achieved=achieved)) is default
    assert target_health(facts(achieved=achieved), DISTRICT) is district


def test_the_default_rules_decide_as_shishi_without_rules_for_every_combination() -> None:
    grid = product(
        (None, 0.0, 30.0, 74.9, 75.0, 100.0, 120.0),
        (0.0, 0.5, 0.75, 1.0),
        (0, 1),
        (0, 2),
        (0, 1),
        (None, 0.2),
    )
    seen = set()
    for achieved, expected, late, started, suspended, ratio in grid:
        f = facts(
            achieved=achieved,
            expected=expected,
            late=late,
            started=started,
            projects=2,
            suspended=suspended,
            reported_ratio=ratio,
            due_on=date(2020, 12, 31),
            as_of=date(2020, 9, 30),
            planned_start=date(2020, 3, 1),
        )
        assert target_health(f, DEFAULT_RULES) is target_health(f)
        seen.add(target_health(f))
    assert seen >= {
        Health.on_track,
        Health.slow,
        Health.late,
        Health.done,
        Health.exceeded,
        Health.not_started,
    }


def test_a_target_not_started_n_months_after_its_planned_start_is_unstarted() -> None:
    idle = {"achieved": 0.0, "started": 0, "as_of": date(2020, 9, 30)}
    assert target_health(facts(**idle, planned_start=date(2020, 7, 30)), DISTRICT) is Health.unstarted
    assert target_health(facts(**idle, planned_start=date(2020, 8, 1)), DISTRICT) is Health.not_started
    assert target_health(facts(**idle, planned_start=None), DISTRICT) is Health.not_started
    assert target_health(facts(**idle, planned_start=date(2020, 1, 1))) is Health.not_started  # default


def test_done_before_the_due_date_is_early_only_under_rules_that_say_so() -> None:
    done = {"achieved": 100.0, "as_of": date(2020, 9, 30), "due_on": date(2020, 12, 31)}
    assert target_health(facts(**done), DISTRICT) is Health.early
    assert target_health(facts(**done)) is Health.done
    assert target_health(facts(**{**done, "due_on": date(2020, 9, 30)}), DISTRICT) is Health.done
    assert target_health(facts(**{**done, "achieved": 120.0}), DISTRICT) is Health.exceeded


def test_a_milestone_stage_not_reached_makes_the_target_late_and_a_met_stage_plan_keeps_it_on_track() -> None:
    no_figure = {"achieved": None, "planned": None, "stage_plan": True}
    assert target_health(facts(**no_figure, short_of_milestone=1)) is Health.late
    assert target_health(facts(**no_figure)) is Health.on_track
    assert target_health(facts(**{**no_figure, "stage_plan": False})) is Health.slow


@pytest.mark.parametrize(
    ("basis", "day", "plan", "planned", "expected"),
    [
        ("节点", date(2020, 9, 15), 0.8, True, 0.8),
        ("节点", date(2020, 9, 15), None, False, round((8 + 15 / 30) / 12, 6)),
        ("年度", date(2020, 9, 15), 0.8, True, round((8 + 15 / 30) / 12, 6)),
        ("月度", date(2020, 9, 15), 0.8, True, 0.75),
        ("月度", date(2021, 1, 15), None, False, 1.0),
    ],
)
def test_the_basis_of_the_schedule(
    basis: str, day: date, plan: float | None, planned: bool, expected: float
) -> None:
    assert make_rules(basis).expected(2020, day, plan, planned) == pytest.approx(expected)


def test_the_programmes_words_label_and_parse_its_statuses() -> None:
    assert DISTRICT.label("done") == "已达标完成"
    assert DISTRICT.label("slow") == "慢序时"
    assert DISTRICT.parse("已达标完成") is Health.done
    assert DISTRICT.parse("严重滞后") is Health.severe
    assert DEFAULT_RULES.label("done") == "已完成"


def test_rules_survive_their_stored_form_and_the_default_is_stored_as_nothing() -> None:
    assert StatusRules.from_json(DISTRICT.as_json()) == DISTRICT
    assert DEFAULT_RULES.as_json() is None
    assert StatusRules.from_json(None) is DEFAULT_RULES


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"basis": "季度"}, "序时口径"),
        ({"bands": [(10, "已完成")]}, "档位只能是"),
        ({"bands": [(30, "慢序时"), (10, "按序时推进")]}, "从小到大"),
        ({"bands": [(None, "慢序时"), (10, "按序时推进")]}, "从小到大"),
        ({"words": {"已完成": "达标", "超额完成": "达标"}}, "不可为空或重复"),
        ({"words": {"未启动": "未开工"}}, "已是状态"),
        ({"words": {"没有": "x"}}, "未知状态"),
    ],
)
def test_rules_that_make_no_sense_are_refused(kw: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_rules(**kw)


def test_an_early_group_stays_early_and_a_severe_member_makes_the_group_severe() -> None:
    assert rollup([Health.early, Health.early]) is Health.early
    assert rollup([Health.early, Health.exceeded]) is Health.done
    assert rollup([Health.slow, Health.severe, Health.on_track]) is Health.severe


def test_named_milestones_check_their_stage_and_a_file_may_name_another() -> None:
    assert milestone_stage("开工", None) is Stage.construction
    assert milestone_stage("竣工", None) is Stage.completed
    assert milestone_stage("主体完工", "完工") is Stage.completed
    assert milestone_stage("专家论证", None) is None


def test_the_months_target_is_the_milestone_due_latest_by_the_periods_end() -> None:
    steps = [
        Step(date(2020, 3, 31), "方案制定", "preparation", None),
        Step(date(2020, 6, 30), "开工", "construction", None),
        Step(date(2020, 9, 30), None, None, 0.8),
    ]
    assert month_target(steps, date(2020, 8, 31)) == steps[1]
    assert step_text(month_target(steps, date(2020, 9, 30))) == "完成80%"
    assert month_target(steps, date(2020, 2, 29)) is None
    assert step_text(Step(date(2020, 6, 30), "开工", "construction", 0.3)) == "开工，完成30%"


def test_a_project_is_short_of_a_milestone_only_on_the_main_line_before_its_stage() -> None:
    assert short(Stage.preparation, Stage.construction)
    assert not short(Stage.construction, Stage.construction)
    assert not short(Stage.operating, Stage.construction)
    assert not short(Stage.suspended, Stage.construction)  # a side state is judged by 暂停, not by the plan
    assert not counts(Stage.preparation, Stage.construction)


def test_a_milestones_amount_is_stated_in_its_targets_unit_before_any_share() -> None:
    assert step_text(Step(date(2021, 9, 30), None, None, 0.5, 20, "公里")) == "完成20公里"
    assert step_text(Step(date(2021, 6, 30), None, None, None, 22.12, "公里")) == "完成22.12公里"
    assert step_text(Step(date(2021, 6, 30), "开工", "construction", None, 7, None)) == "开工，完成7"
