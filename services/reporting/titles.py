"""A report's title, programme kind and date line, from the programme and the period (no fixed wording)."""

from __future__ import annotations

import re
from typing import Any

from states.periods import Period

DEFAULT_TITLE = "关于{类别}{期间}推进情况"
SNAPSHOT_TITLE = "关于{类别}推进情况（{期间}）"
PLACEHOLDERS = ("类别", "期间", "年度", "区", "名称")
_YEAR = re.compile(r"^\s*(\d{4})\s*年(度)?\s*")


def programme_kind(name: str, district: str | None = None, city: str | None = None) -> str:
    """长宁区2020年区政府实事项目 → 区政府实事项目; 某县2023年县民生实事项目 → 县民生实事项目."""
    kind = name.strip()
    for place in (city, district):
        if place and kind.startswith(place):
            kind = kind[len(place) :]
    kind = _YEAR.sub("", kind)
    for place in (city, district):
        if place and kind.startswith(place):
            kind = kind[len(place) :]
    return kind.strip() or name.strip()


def report_title(style: dict[str, Any], programme: dict[str, Any], period: Period) -> str:
    """The title the programme file sets (with {类别} {期间} {年度} {区} {名称}), else the default for the period."""
    default = SNAPSHOT_TITLE if period.kind == "snapshot" else DEFAULT_TITLE
    pattern = style.get("title") or default
    values = {
        "类别": style.get("kind")
        or programme_kind(programme["name"], programme["district"], programme["city"]),
        "期间": period.title(),
        "年度": f"{programme['year']}年",
        "区": programme["district"] or "",
        "名称": programme["name"],
    }
    return pattern.format_map(values)


def check_title(pattern: str) -> str | None:
    """A Chinese message when a title pattern names an unknown placeholder or is malformed, else None."""
    try:
        pattern.format_map({k: "" for k in PLACEHOLDERS})
    except (KeyError, IndexError, ValueError) as exc:
        names = "、".join("{" + k + "}" for k in PLACEHOLDERS)
        return f"标题格式有误（{exc}）：只能使用 {names}"
    return None


def issued(period: Period) -> str:
    """The date line: 2020年9月, or 2020年10月31日 for a snapshot."""
    end = period.end
    if period.kind == "snapshot":
        return f"{end.year}年{end.month}月{end.day}日"
    return f"{end.year}年{end.month}月"


def as_of_words(period: Period) -> str:
    """截至9月底 (a month's or quarter's end), 截至10月31日 (a snapshot, or a day within a month)."""
    end = period.end
    if period.kind != "snapshot":
        return f"截至{end.month}月底"
    return f"截至{end.month}月{end.day}日"


def prose_fields(style: dict[str, Any], programme: dict[str, Any], period: Period) -> dict[str, Any]:
    """What the report prose adds to gathered data: style, title, kind, period words and date line."""
    kind = style.get("kind") or programme_kind(programme["name"], programme["district"], programme["city"])
    return {
        "style": {"family": "F", **style},
        "writes_bulletin": bool(style),  # a programme that chose its report style also gets the 通报
        "title": report_title(style, programme, period),
        "kind": kind,
        "period_title": period.title(),
        "previous_title": period.previous().title(),
        "as_of_words": as_of_words(period),
        "issued": issued(period),
    }
