"""Working-day arithmetic for reply deadlines, given a predicate that says whether a day is a working day.

The predicate carries the calendar (holidays and 调休 working weekends); this module only counts, so the
rules are testable with any calendar and the calendar's data stays outside the pure domain.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

IsWorkday = Callable[[date], bool]
ONE_DAY = timedelta(days=1)
MAX_DAYS = 60  # a reply deadline is counted in weeks, not years


def add_working_days(start: date, days: int, is_workday: IsWorkday) -> date:
    """The `days`-th working day after `start` (start itself not counted); 0 gives `start`."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, left = start, days
    while left:
        day += ONE_DAY
        if is_workday(day):
            left -= 1
    return day


def working_days_between(start: date, end: date, is_workday: IsWorkday) -> int:
    """Working days after `start` up to and including `end` (0 when `end` is not after `start`)."""
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += is_workday(day)
    return count


def due_soon_bound(today: date, window: int, is_workday: IsWorkday) -> date:
    """The last deadline that is 'due soon' on `today`: within `window` working days from it."""
    return add_working_days(today, window, is_workday)
