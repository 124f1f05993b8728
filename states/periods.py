"""Calendar arithmetic for reporting periods: months and quarters."""

from __future__ import annotations

import calendar
import re
from datetime import date

_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


def period_end(period: str) -> date:
    """Last day of a period written `2020-06` (a month) or `2020-Q3` (a quarter)."""
    match = _PERIOD.fullmatch(period)
    if match is None:
        raise ValueError(f"期间格式应为 YYYY-MM 或 YYYY-Qn：{period}")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else int(match.group(3)) * 3
    return date(year, month, calendar.monthrange(year, month)[1])


def programme_start(year: int) -> date:
    """The day a programme of `year` starts: 1 January (the programme file gives no other start)."""
    return date(year, 1, 1)
