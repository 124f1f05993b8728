"""The notice machine and the working-day arithmetic, without a database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.errors import BadInput
from services.supervision.calendar import due_soon_until, is_workday, reply_deadline
from states.notices import (
    NOTICE_EVENTS,
    NOTICE_MACHINE,
    IllegalNoticeStep,
    NoticeState,
    allowed_notice_events,
    parse_notice_state,
    step,
)
from states.workdays import add_working_days, working_days_between


def weekdays(day: date) -> bool:
    return day.weekday() < 5


def test_the_happy_path_and_the_return_loop() -> None:
    state = NoticeState.issued
    for event, expected in (
        ("sign", NoticeState.signed),
        ("reply", NoticeState.answered),
        ("send_back", NoticeState.returned),
        ("reply", NoticeState.answered),
        ("close", NoticeState.closed),
    ):
        state = step(event, state)
        assert state is expected


def test_every_illegal_step_has_a_chinese_reason_and_no_token_stays_on_the_machine() -> None:
    allowed = {(e, s) for s in NoticeState for e in allowed_notice_events(s)}
    assert len(allowed) == 5
    for event in NOTICE_EVENTS:
        for state in NoticeState:
            if (event, state) in allowed:
                continue
            with pytest.raises(IllegalNoticeStep) as refused:
                step(event, state)
            assert "督办单" in str(refused.value)
    assert NOTICE_MACHINE.models == []  # one shared machine: every token was detached


def test_states_are_read_by_code_or_label() -> None:
    assert parse_notice_state("退回重报") is NoticeState.returned
    assert parse_notice_state("closed") is NoticeState.closed
    with pytest.raises(IllegalNoticeStep, match="未知的督办单状态"):
        parse_notice_state("待定")


def test_working_days_are_counted_after_the_start_with_any_calendar() -> None:
    friday = date(2021, 3, 5)
    assert add_working_days(friday, 1, weekdays) == date(2021, 3, 8)
    assert add_working_days(friday, 0, weekdays) == friday
    assert working_days_between(friday, date(2021, 3, 12), weekdays) == 5
    holiday = friday + timedelta(days=3)
    assert add_working_days(friday, 1, lambda d: weekdays(d) and d != holiday) == date(2021, 3, 9)


def test_the_chinese_calendar_knows_national_day_2020_and_its_working_weekends() -> None:
    assert is_workday(date(2020, 9, 27)) and is_workday(date(2020, 10, 10))  # 调休: Sunday and Saturday
    assert not any(is_workday(date(2020, 10, d)) for d in range(1, 9))
    assert reply_deadline(date(2020, 9, 29), 3) == date(2020, 10, 10)
    assert due_soon_until(date(2020, 9, 30)) == date(2020, 10, 10)


def test_a_year_the_calendar_does_not_know_is_bad_input_in_chinese() -> None:
    with pytest.raises(BadInput, match="请升级 chinese-calendar"):
        reply_deadline(date(2099, 3, 2), 3)
