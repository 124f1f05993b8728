"""The logins as a table for the terminal, aligned by display width (a Chinese character takes two columns)."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

HEADERS = ("用户名", "邮箱", "角色", "部门", "状态", "创建时间")


def width(text: str) -> int:
    """Columns a text takes in a terminal: two for wide (CJK) characters, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    """The text followed by spaces up to that many columns."""
    return text + " " * (columns - width(text))


def local(moment: datetime, timezone: str) -> str:
    """A stored time in the district's time zone: 2020-10-10 10:00."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def users_table(users: list[dict[str, Any]], timezone: str) -> str:
    """One line per login under a header; a line saying so when there are none."""
    if not users:
        return "尚无用户；用 shishi user add 新增"
    rows = [HEADERS] + [
        (
            u["name"],
            u["email"],
            u["role_label"],
            u["department_label"] or "—",
            u["state_label"],
            local(u["created_at"], timezone),
        )
        for u in users
    ]
    widths = [max(width(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = ["  ".join(pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    active = sum(1 for u in users if u["active"])
    lines.append(f"共 {len(users)} 个用户，在用 {active} 个，停用 {len(users) - active} 个")
    return "\n".join(lines)
