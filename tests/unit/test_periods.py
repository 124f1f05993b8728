"""Periods as data: parsing, start and end, titles, the previous period and the period a report is filed in."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states.periods import Period, filing_period, filing_title, parse_period, period_on


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("2020-09", "cumulative", Period("cumulative", date(2020, 9, 30))),
        ("2020-09", "month", Period("month", date(2020, 9, 30))),
        ("2020-09", "quarter", Period("cumulative", date(2020, 9, 30))),
        ("2020-Q3", "cumulative", Period("quarter", date(2020, 9, 30))),
        ("2020-Q1", "month", Period("quarter", date(2020, 3, 31))),
        ("2020-10-31", "cumulative", Period("snapshot", date(2020, 10, 31))),
        ("2020-02-29", "snapshot", Period("snapshot", date(2020, 2, 29))),
    ],
)
def test_a_period_is_parsed_by_its_form_and_a_month_by_the_programme_kind(
    text: str, kind: str, expected: Period
) -> None:
    assert parse_period(text, kind) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["2021-02-29", "2020-13", "2020-Q5", "2020-9", "2020/09", "", "Q3-2020"])
def test_a_bad_period_is_refused_with_a_chinese_message(text: str) -> None:
    with pytest.raises(ValueError, match="期间格式应为"):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("2020-09", "cumulative", date(2020, 1, 1), date(2020, 9, 30)),
        ("2020-09", "month", date(2020, 9, 1), date(2020, 9, 30)),
        ("2020-Q3", "quarter", date(2020, 7, 1), date(2020, 9, 30)),
        ("2020-Q1", "quarter", date(2020, 1, 1), date(2020, 3, 31)),
        ("2020-10-31", "snapshot", date(2020, 1, 1), date(2020, 10, 31)),
    ],
)
def test_start_and_end_of_each_kind(text: str, kind: str, start: date, end: date) -> None:
    period = parse_period(text, kind)  # type: ignore[arg-type]
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    ("text", "kind", "title", "spaced"),
    [
        ("2020-09", "cumulative", "1-9月", "1-9 月"),
        ("2020-01", "cumulative", "1月", "1 月"),
        ("2020-09", "month", "9月", "9 月"),
        ("2020-Q1", "quarter", "一季度", "一季度"),
        ("2020-Q3", "quarter", "三季度", "三季度"),
        ("2020-10-31", "snapshot", "截至10月31日", "截至 10 月 31 日"),
    ],
)
def test_titles_follow_the_kind(text: str, kind: str, title: str, spaced: str) -> None:
    period = parse_period(text, kind)  # type: ignore[arg-type]
    assert (period.title(), period.title(spaced=True)) == (title, spaced)


@pytest.mark.parametrize(
    ("text", "kind", "previous"),
    [
        ("2020-10", "cumulative", "2020-09"),
        ("2020-01", "cumulative", "2019-12"),
        ("2020-03", "month", "2020-02"),
        ("2020-Q1", "quarter", "2019-Q4"),
        ("2020-Q3", "quarter", "2020-Q2"),
        ("2020-10-31", "snapshot", "2020-09-30"),
        ("2020-03-31", "snapshot", "2020-02-29"),
        ("2020-03-15", "snapshot", "2020-02-15"),
        ("2020-03-30", "snapshot", "2020-02-29"),
        ("2020-01-10", "snapshot", "2019-12-10"),
    ],
)
def test_the_previous_period_is_of_the_same_kind(text: str, kind: str, previous: str) -> None:
    period = parse_period(text, kind)  # type: ignore[arg-type]
    assert period.previous().key == previous
    assert period.previous().kind == period.kind


@given(
    day=st.dates(date(2000, 1, 1), date(2100, 12, 31)),
    kind=st.sampled_from(["cumulative", "month", "quarter"]),
)
def test_a_report_is_filed_in_the_period_that_contains_its_day(day: date, kind: str) -> None:
    key = filing_period(kind, day)  # type: ignore[arg-type]
    period = parse_period(key, "month")
    assert period.contains(day)
    assert period.kind == ("quarter" if kind == "quarter" else "month")


@given(day=st.dates(date(2000, 1, 1), date(2100, 12, 31)))
def test_the_key_of_a_parsed_period_parses_back_to_it(day: date) -> None:
    for kind in ("cumulative", "month", "quarter", "snapshot"):
        period = (
            parse_period(filing_period(kind, day), kind)
            if kind != "snapshot"
            else parse_period(day.isoformat())
        )  # type: ignore[arg-type]
        assert parse_period(period.key, period.kind) == period


@pytest.mark.parametrize(
    ("kind", "period"),
    [("cumulative", "2020-08"), ("month", "2020-08"), ("quarter", "2020-Q3"), ("snapshot", "2020-08-15")],
)
def test_the_period_a_day_falls_in_follows_the_kind(kind: str, period: str) -> None:
    assert period_on(kind, date(2020, 8, 15)) == period  # type: ignore[arg-type]


def test_a_filing_period_reads_as_words() -> None:
    assert (filing_title("2020-09"), filing_title("2020-Q3")) == ("2020 年 9 月", "2020 年三季度")
