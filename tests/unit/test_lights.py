"""Lights (states.lights): a status's colour under the default or a programme's own colours, the rule in
words, runs of red periods for 挂牌督办, and the file's `lights` parsed."""

from __future__ import annotations

from datetime import date

import pytest

from states.health import Health
from states.lights import DEFAULT_LIGHTS, earlier_ends, parse_colour, red_periods
from states.rules import DEFAULT_RULES, StatusRules, make_rules

BANDS = [(10, "按序时推进"), (30, "慢序时"), (None, "严重滞后")]


def test_default_lights_follow_the_default_statuses() -> None:
    colours = {h: DEFAULT_RULES.light(h.name).colour for h in Health}
    assert {h for h, c in colours.items() if c == "green"} == {
        Health.done,
        Health.exceeded,
        Health.early,
        Health.on_track,
    }
    assert {h for h, c in colours.items() if c == "red"} == {Health.late, Health.severe}
    assert colours[Health.slow] == colours[Health.unstarted] == colours[Health.not_started] == "yellow"
    assert colours[Health.cancelled] == "grey"
    assert set(DEFAULT_LIGHTS) == {h.name for h in Health}


def test_forty_points_behind_is_red_under_bands_and_yellow_under_the_default() -> None:
    district = make_rules("年度", BANDS)
    behind_40 = (0.35, 0.75)
    assert DEFAULT_RULES.light(DEFAULT_RULES.band(*behind_40).name).colour == "yellow"
    assert district.light(district.band(*behind_40).name).colour == "red"
    assert district.light(district.band(0.46, 0.75).name).colour == "yellow"  # 29 points: 慢序时


def test_the_rule_names_the_status_its_reason_and_whose_colours() -> None:
    light = DEFAULT_RULES.light("slow", "精品小区建设完成 35%，序时 75%")
    assert light.label == "黄灯"
    assert light.rule == "状态“慢序时”（精品小区建设完成 35%，序时 75%）→ 黄灯（默认灯色）"
    judged = make_rules(lights={"慢序时": "橙"}).light("slow", "已协调解决", judged=True)
    assert judged.rule == "认定状态“慢序时”（已协调解决）→ 橙灯（本计划灯色）"


def test_a_programme_may_use_five_colours_and_its_own_words() -> None:
    rules = make_rules(
        bands=BANDS,
        words={"已完成": "已达标完成"},
        lights={
            "已达标完成": "绿",
            "按序时推进": "蓝灯",
            "慢序时": "黄色",
            "滞后": "orange",
            "严重滞后": "红",
        },
    )
    assert [rules.light(h).colour for h in ("done", "on_track", "slow", "late", "severe")] == [
        "green",
        "blue",
        "yellow",
        "orange",
        "red",
    ]
    assert rules.light("done").rule.startswith("状态“已达标完成”")


def test_lights_and_listed_after_survive_storage_and_old_rules_compare_equal() -> None:
    rules = make_rules(bands=BANDS, lights={"滞后": "橙"}, listed_after=2)
    assert StatusRules.from_json(rules.as_json()) == rules
    plain = make_rules(bands=BANDS)
    assert "lights" not in (plain.as_json() or {}) and "listed_after" not in (plain.as_json() or {})
    assert make_rules(lights={}).as_json() is None  # nothing set: the default rules, stored as NULL


@pytest.mark.parametrize(
    ("lights", "listed_after", "message"),
    [({"慢序时": "紫"}, 3, "未知灯色"), ({"很慢": "红"}, 3, "未知状态"), ({}, 0, "至少为 1")],
)
def test_bad_lights_are_refused_in_chinese(lights: dict[str, str], listed_after: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_rules(lights=lights, listed_after=listed_after)


def test_a_red_run_counts_the_latest_periods_in_a_row() -> None:
    assert red_periods(["red", "red", "red"]) == 3
    assert red_periods(["red", "yellow", "red", "red"]) == 2
    assert red_periods(["red", "red", "none"]) == 0
    assert red_periods([]) == 0
    light = DEFAULT_RULES.light("late")
    assert light.as_dict(3)["listed"] and light.as_dict(3)["listed_label"] == "挂牌督办"
    assert not light.as_dict(2)["listed"] and light.as_dict(2, listed_after=2)["listed"]
    assert DEFAULT_RULES.light("slow").as_dict(5) == DEFAULT_RULES.light("slow").as_dict(0)  # not red: no run


def test_earlier_periods_are_month_or_quarter_ends_within_the_year() -> None:
    start = date(2020, 1, 1)
    assert earlier_ends("cumulative", date(2020, 9, 30), 2, start) == [date(2020, 7, 31), date(2020, 8, 31)]
    assert earlier_ends("month", date(2020, 10, 20), 2, start) == [date(2020, 8, 31), date(2020, 9, 30)]
    assert earlier_ends("quarter", date(2020, 9, 30), 2, start) == [date(2020, 3, 31), date(2020, 6, 30)]
    assert earlier_ends("cumulative", date(2020, 2, 29), 2, start) == [date(2020, 1, 31)]
    assert earlier_ends("snapshot", date(2020, 10, 15), 1, start) == [date(2020, 9, 15)]
    assert earlier_ends("cumulative", date(999, 1, 1), 2, start) == []  # before the programme: none


def test_colours_are_read_from_words_or_codes() -> None:
    assert parse_colour("红灯") == parse_colour("红") == parse_colour("red") == "red"
