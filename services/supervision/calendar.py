"""The Chinese working calendar (holidays and 调休 working weekends) from the `chinese-calendar` package.

The package ships each year's official arrangement, published by the State Council every November; it
knows 2004 to the latest year it was released for. A deadline in a year it does not know is refused
rather than guessed: upgrading the package brings the new year.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import chinese_calendar

from services.errors import BadInput
from states.workdays import add_working_days, due_soon_bound

DUE_SOON_WINDOW = 2  # working days before the deadline a notice turns yellow


class CalendarUnknown(BadInput):
    """The calendar has no data for a year: no working day can be counted in it."""

    def __init__(self, day: date) -> None:
        super().__init__(
            f"工作日历尚无 {day.year} 年的节假日和调休安排（chinese-calendar 包仅收录已公布的年份），"
            f"无法按工作日计算期限；请升级 chinese-calendar 后再试",
            fields=("days",),
        )


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    """True on a working day in mainland China, 调休 weekends included; CalendarUnknown for an unknown year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise CalendarUnknown(day) from exc


def reply_deadline(issued_on: date, days: int) -> date:
    """The `days`-th working day after the day a notice is issued (or returned)."""
    return add_working_days(issued_on, days, is_workday)


def due_soon_until(today: date) -> date:
    """The latest deadline that counts as due soon on `today` (within two working days)."""
    return due_soon_bound(today, DUE_SOON_WINDOW, is_workday)
