"""Reporting periods and the schedule health of one project."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states.health import Health, parse_health, project_health
from states.periods import period_end
from states.stages import MAIN_LINE, Stage

# --- periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "end"),
    [
        ("2020-01", date(2020, 1, 31)),
        ("2020-04", date(2020, 4, 30)),
        ("2020-06", date(2020, 6, 30)),
        ("2020-09", date(2020, 9, 30)),
        ("2020-12", date(2020, 12, 31)),
        ("2020-02", date(2020, 2, 29)),
        ("2021-02", date(2021, 2, 28)),
        ("2000-02", date(2000, 2, 29)),
        ("1900-02", date(1900, 2, 28)),
    ],
)
def test_period_end_of_a_month_is_its_last_day(period: str, end: date) -> None:
    assert period_end(period) == end


@pytest.mark.parametrize(
    ("period", "end"),
    [
        ("2020-Q1", date(2020, 3, 31)),
        ("2020-Q2", date(2020, 6, 30)),
        ("2020-Q3", date(2020, 9, 30)),
        ("2020-Q4", date(2020, 12, 31)),
    ],
)
def test_period_end_of_a_quarter_is_the_last_day_of_its_third_month(period: str, end: date) -> None:
    assert period_end(period) == end


@given(year=st.integers(1900, 2100), month=st.integers(1, 12))
def test_period_end_is_the_day_before_the_next_month_starts(year: int, month: int) -> None:
    end = period_end(f"{year:04d}-{month:02d}")
    following = date(year + month // 12, month % 12 + 1, 1)
    assert end == following - timedelta(days=1)


@pytest.mark.parametrize(
    "period",
    [
        "2020-13",
        "2020-00",
        "2020-6",
        "2020/06",
        "2020-Q0",
        "2020-Q5",
        "2020-q3",
        "20-06",
        "",
        "2020",
        "2020-02-30",
        "2020-06-3",
    ],
)
def test_period_end_rejects_bad_input_with_a_chinese_message(period: str) -> None:
    with pytest.raises(ValueError, match="期间格式应为") as caught:
        period_end(period)
    assert period in str(caught.value)


# --- health of one project ------------------------------------------------------------------------

AS_OF = date(2020, 9, 30)
PAST = date(2020, 6, 30)
FUTURE = date(2020, 12, 31)


def test_a_cancelled_project_is_terminated_whatever_its_plan() -> None:
    planned = {s: PAST for s in MAIN_LINE}
    assert project_health(Stage.cancelled, Stage.completed, planned, AS_OF) is Health.cancelled


def test_a_suspended_project_is_paused_even_when_late() -> None:
    planned = {s: PAST for s in MAIN_LINE}
    assert project_health(Stage.suspended, Stage.completed, planned, AS_OF) is Health.suspended


@pytest.mark.parametrize(
    ("stage", "counting"),
    [
        (Stage.completed, Stage.completed),
        (Stage.operating, Stage.completed),
        (Stage.operating, Stage.operating),
    ],
)
def test_a_project_that_reached_the_counting_stage_is_done(stage: Stage, counting: Stage) -> None:
    planned = {s: PAST for s in MAIN_LINE}
    assert project_health(stage, counting, planned, AS_OF) is Health.done


def test_completion_is_not_done_when_the_target_counts_operation() -> None:
    planned = {Stage.operating: FUTURE}
    assert project_health(Stage.completed, Stage.operating, planned, AS_OF) is Health.on_track


@pytest.mark.parametrize("later", [Stage.completed, Stage.operating])
def test_a_project_is_late_when_a_later_stage_date_has_passed(later: Stage) -> None:
    planned = {later: PAST}
    assert project_health(Stage.construction, Stage.operating, planned, AS_OF) is Health.late


def test_a_project_still_at_approval_is_late_when_its_start_date_passed() -> None:
    planned = {Stage.construction: PAST}
    assert project_health(Stage.approved, Stage.completed, planned, AS_OF) is Health.late


def test_a_passed_date_of_the_current_or_an_earlier_stage_is_not_late() -> None:
    planned = {Stage.preparation: PAST, Stage.construction: PAST, Stage.completed: FUTURE}
    assert project_health(Stage.construction, Stage.completed, planned, AS_OF) is Health.on_track


def test_a_stage_planned_for_today_is_not_yet_late() -> None:
    planned = {Stage.completed: AS_OF}
    assert project_health(Stage.construction, Stage.completed, planned, AS_OF) is Health.on_track


def test_a_stage_planned_for_yesterday_is_late() -> None:
    planned = {Stage.completed: AS_OF - timedelta(days=1)}
    assert project_health(Stage.construction, Stage.completed, planned, AS_OF) is Health.late


def test_a_missing_planned_date_is_never_late() -> None:
    planned: dict[Stage, date | None] = {Stage.completed: None, Stage.operating: None}
    assert project_health(Stage.construction, Stage.operating, planned, AS_OF) is Health.on_track


def test_a_project_at_approval_with_nothing_overdue_has_not_started() -> None:
    planned = {Stage.construction: FUTURE}
    assert project_health(Stage.approved, Stage.completed, planned, AS_OF) is Health.not_started
    assert project_health(Stage.approved, Stage.completed, {}, AS_OF) is Health.not_started


@pytest.mark.parametrize("stage", [Stage.preparation, Stage.construction])
def test_a_started_project_with_nothing_overdue_is_on_track(stage: Stage) -> None:
    planned = {Stage.completed: FUTURE}
    assert project_health(stage, Stage.completed, planned, AS_OF) is Health.on_track


@given(
    stage=st.sampled_from(MAIN_LINE),
    counting=st.sampled_from([Stage.completed, Stage.operating]),
    dates=st.dictionaries(
        st.sampled_from(MAIN_LINE), st.none() | st.dates(date(2019, 1, 1), date(2021, 12, 31))
    ),
    as_of=st.dates(date(2019, 1, 1), date(2021, 12, 31)),
)
def test_project_health_of_a_main_stage_follows_its_rules(
    stage: Stage, counting: Stage, dates: dict[Stage, date | None], as_of: date
) -> None:
    health = project_health(stage, counting, dates, as_of)
    later = MAIN_LINE[MAIN_LINE.index(stage) + 1 :]
    overdue = any(dates.get(s) is not None and dates[s] < as_of for s in later)
    if MAIN_LINE.index(stage) >= MAIN_LINE.index(counting):
        assert health is Health.done
    elif overdue:
        assert health is Health.late
    elif stage is Stage.approved:
        assert health is Health.not_started
    else:
        assert health is Health.on_track


# --- health words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "health"),
    [
        ("已完成", Health.done),
        ("超额完成", Health.exceeded),
        ("按序时推进", Health.on_track),
        ("慢序时", Health.slow),
        ("滞后", Health.late),
        ("未启动", Health.not_started),
        ("暂停", Health.suspended),
        ("终止", Health.cancelled),
    ],
)
def test_parse_health_accepts_the_chinese_word_and_the_code(text: str, health: Health) -> None:
    assert parse_health(text) is health
    assert parse_health(health.name) is health
    assert parse_health(f" {text} ") is health
    assert health.label == text


@pytest.mark.parametrize("text", ["正常", "", "late!", "按序时"])
def test_parse_health_rejects_unknown_words_in_chinese(text: str) -> None:
    with pytest.raises(ValueError, match="未知状态") as caught:
        parse_health(text)
    message = str(caught.value)
    for health in Health:
        assert health.label in message and health.name in message
