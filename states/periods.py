"""Reporting periods as data: a cumulative month (1-N月), a single month, a quarter or a snapshot (截至 M月D日).

A period is written `2020-09` (a month: cumulative 1-9月, or the single month 9月, as the programme
publishes), `2020-Q3` (a quarter) or `2020-10-31` (a snapshot on that day). Pure arithmetic, no I/O.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

PeriodKind = Literal["cumulative", "month", "quarter", "snapshot"]
KINDS: tuple[PeriodKind, ...] = ("cumulative", "month", "quarter", "snapshot")
KIND_LABELS = {"cumulative": "累计（1-N月）", "month": "单月", "quarter": "季度", "snapshot": "截至某日"}

_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")
_SNAPSHOT = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-(\d{2})$")
_QUARTERS = ("一", "二", "三", "四")
_FORMAT = "期间格式应为 YYYY-MM、YYYY-Qn 或 YYYY-MM-DD"


@dataclass(frozen=True)
class Period:
    """One reporting period: its kind and last day (a quarter's or month's end, or the snapshot day)."""

    kind: PeriodKind
    end: date

    @property
    def start(self) -> date:
        """First day of what the period covers (a cumulative period or a snapshot: 1 January)."""
        if self.kind == "month":
            return self.end.replace(day=1)
        if self.kind == "quarter":
            return date(self.end.year, self.end.month - 2, 1)
        return date(self.end.year, 1, 1)

    @property
    def key(self) -> str:
        """How the period is written: 2020-09, 2020-Q3 or 2020-10-31."""
        if self.kind == "quarter":
            return f"{self.end.year}-Q{self.end.month // 3}"
        if self.kind == "snapshot":
            return self.end.isoformat()
        return f"{self.end.year}-{self.end.month:02d}"

    def title(self, spaced: bool = False) -> str:
        """1-9月, 9月, 三季度 or 截至10月31日 (`spaced`: 1-9 月, 截至 10 月 31 日, as report titles print)."""
        gap = " " if spaced else ""
        month = self.end.month
        if self.kind == "quarter":
            return f"{_QUARTERS[month // 3 - 1]}季度"
        if self.kind == "snapshot":
            return f"截至{gap}{month}{gap}月{gap}{self.end.day}{gap}日"
        if self.kind == "month" or month == 1:
            return f"{month}{gap}月"
        return f"1-{month}{gap}月"

    def previous(self) -> Period:
        """The period before: last month, last quarter, or a snapshot one month earlier (month end to month end)."""
        if self.kind == "quarter":
            return Period("quarter", self.start - timedelta(days=1))
        if self.kind == "snapshot" and self.end.day != _last_day(self.end.year, self.end.month):
            year, month = _month_before(self.end.year, self.end.month)
            return Period("snapshot", date(year, month, min(self.end.day, _last_day(year, month))))
        first = self.end.replace(day=1)
        return Period(self.kind, first - timedelta(days=1))

    def contains(self, day: date) -> bool:
        """True when `day` falls within the period (from its start to its end)."""
        return self.start <= day <= self.end


def parse_period(text: str, kind: PeriodKind = "cumulative") -> Period:
    """`2020-09` as a month of `kind` (cumulative unless the programme publishes single months), `2020-Q3`
    as a quarter, `2020-10-31` as a snapshot; ValueError (in Chinese) otherwise."""
    snapshot = _SNAPSHOT.fullmatch(text)
    if snapshot is not None:
        try:
            return Period("snapshot", date.fromisoformat(text))
        except ValueError:
            raise ValueError(f"{_FORMAT}：{text}") from None
    match = _PERIOD.fullmatch(text)
    if match is None:
        raise ValueError(f"{_FORMAT}：{text}")
    year = int(match.group(1))
    if match.group(3):
        month = int(match.group(3)) * 3
        return Period("quarter", date(year, month, _last_day(year, month)))
    month = int(match.group(2))
    return Period("month" if kind == "month" else "cumulative", date(year, month, _last_day(year, month)))


def period_end(period: str) -> date:
    """Last day of a period written `2020-06` (a month), `2020-Q3` (a quarter) or `2020-10-31` (a snapshot)."""
    return parse_period(period).end


def filing_period(kind: PeriodKind, day: date) -> str:
    """The period a progress report dated `day` belongs to: its quarter in a programme publishing quarters,
    else its month (a snapshot programme's reports are filed monthly)."""
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def period_on(kind: PeriodKind, day: date) -> str:
    """The period of `kind` that `day` falls in, as written: 2020-09, 2020-Q3, or the day for a snapshot."""
    return day.isoformat() if kind == "snapshot" else filing_period(kind, day)


def filing_title(key: str) -> str:
    """A filing period as words: 2020 年 9 月, 2020 年三季度."""
    period = parse_period(key, "month")
    if period.kind == "quarter":
        return f"{period.end.year} 年{period.title()}"
    return f"{period.end.year} 年 {period.end.month} 月"


def programme_start(year: int) -> date:
    """The day a programme of `year` starts: 1 January (the programme file gives no other start)."""
    return date(year, 1, 1)


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)
