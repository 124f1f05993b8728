"""The columns of each family's table (A to E; F prints A's) and its lines: what every table format prints, in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reports.prose.filters import tidy

Row = dict[str, Any]
Line = dict[str, Any]


@dataclass(frozen=True)
class Column:
    """One printed column: its header, its value for a row (and target line), width in characters."""

    header: str
    value: Callable[[Row, Line | None], Any]
    width: int = 12
    per_item: bool = True  # one value for the item: merged over the item's lines
    wrap: bool = False
    percent: bool = False  # an integer percentage (完成率): printed with %
    verdict: bool = False  # 是否达序: coloured


def _row(key: str) -> Callable[[Row, Line | None], Any]:
    return lambda row, line: row[key]


def _line(key: str) -> Callable[[Row, Line | None], Any]:
    return lambda row, line: "" if line is None else line[key]


def family(data: dict[str, Any]) -> str:
    """The programme's table family from its `report:` settings; A (the schedule table) by default."""
    style = data.get("style") or {}  # the prose's settings: {"family": …} as the programme file gives it
    chosen = str(style.get("family") or "A").upper()
    return chosen if chosen in ("A", "B", "C", "D", "E") else "A"


def unfinished_only(data: dict[str, Any]) -> bool:
    """Family D may publish only the items not finished (未完成项目进度表): `report: {unfinished_only: true}`."""
    return family(data) == "D" and bool((data.get("style") or {}).get("unfinished_only"))


def _snapshot() -> list[Column]:
    """Family D: 截至 M月D日, the current share with its status in brackets, the lead marked among units."""
    return [
        Column("序号", _row("number"), 6),
        Column("项目内容", _row("annual_target"), 34, wrap=True),
        Column("进展情况", _row("this_text"), 44, wrap=True),
        Column("当前进度", _row("progress_note"), 16, wrap=True),
        Column("牵头单位", _row("units_marked"), 18, wrap=True),
        Column("备注", _row("remark"), 24, wrap=True),
    ]


def _months(tables: dict[str, Any]) -> list[Column]:
    """Family E: the progress of each period of the year side by side, 进展情况（7月）（10月）…."""
    history = tables.get("history") or [{"key": "", "title": tables["this_period"]}]
    return [
        Column("序号", _row("number"), 6),
        Column("项目内容", _row("annual_target"), 30, wrap=True),
        Column("牵头单位", _row("lead"), 14, wrap=True),
        *(Column(f"进展情况（{h['title']}）", _period(h["key"]), 30, wrap=True) for h in history),
        Column("备注", _row("status"), 12, wrap=True),
    ]


def _period(key: str) -> Callable[[Row, Line | None], Any]:
    return lambda row, line: (row.get("by_period") or {}).get(key) or (row["this_text"] if not key else "")


def columns(data: dict[str, Any]) -> list[Column]:
    """The columns of the family's table, with 主要任务 and 层级 columns first where the data has them; family
    F (the narrative bulletin) prints A's table."""
    tables = data["tables"]
    chosen = family(data)
    if chosen == "B":
        body = [
            Column("序号", _row("number"), 6),
            Column("项目名称", _row("title"), 30, wrap=True),
            Column("考核指标", _line("name"), 22, per_item=False, wrap=True),
            Column("单位", _line("unit"), 8, per_item=False),
            Column("责任单位", _row("units"), 18, wrap=True),
            Column("目标任务", _line("target"), 10, per_item=False),
            Column(f"{tables['this_period']}实际完成", _line("achieved"), 12, per_item=False),
            Column("完成率", _line("rate"), 9, per_item=False, percent=True),
            Column("备注", _line("status"), 14, per_item=False, wrap=True),
        ]
    elif chosen == "D":
        body = _snapshot()
    elif chosen == "E":
        body = _months(tables)
    elif chosen == "C":
        body = [
            Column("序号", _row("number"), 6),
            Column("项目内容", _row("annual_target"), 34, wrap=True),
            Column("牵头单位", _row("lead"), 16, wrap=True),
            Column(f"{tables['month']}月目标", _row("month_target"), 20, wrap=True),
            Column("进展情况", _row("this_text"), 44, wrap=True),
            Column("存在问题及下步打算", _row("problems_plans"), 30, wrap=True),
            Column("目标完成情况", _row("completion"), 14, wrap=True),
        ]
    else:
        body = [
            Column("序号", _row("number"), 6),
            Column("全年目标任务", _row("annual_target"), 34, wrap=True),
            Column("分管领导", _row("leader"), 10, wrap=True),
            Column("牵头单位", _row("lead"), 14, wrap=True),
            Column("责任主体与协同单位", _row("cooperating"), 16, wrap=True),
            Column(f"推进情况（{tables['last_period']}）", _row("last_text"), 36, wrap=True),
            Column(f"推进情况（{tables['this_period']}）", _row("this_text"), 40, wrap=True),
            Column("是否达序时", _row("on_schedule"), 11, verdict=True),
            Column("说明", _row("remark"), 28, wrap=True),
        ]
    rows = tables["rows"]
    extra = []
    if any(r["category"] for r in rows):
        extra.append(Column("主要任务", _row("category"), 12, wrap=True))
    if any(r["tier"] for r in rows):
        extra.append(Column("层级", _row("tier"), 6))
    return [*extra, *body]


def lines(data: dict[str, Any], rows: list[Row] | None = None) -> list[tuple[Row, Line | None, int]]:
    """(row, target line, lines of this item) in print order: one per target in family B, else one per item."""
    if rows is None:
        rows = data["tables"]["unfinished_rows" if unfinished_only(data) else "rows"]
    if family(data) != "B":
        return [(row, None, 1) for row in rows]
    out: list[tuple[Row, Line | None, int]] = []
    for row in rows:
        targets = row["targets"] or [None]
        out += [(row, line, len(targets)) for line in targets]
    return out


def cell(column: Column, row: Row, line: Line | None) -> Any:
    """A column's value, '' for none; text without stray spaces beside numbers (做好 2021 年 → 做好2021年)."""
    value = column.value(row, line)
    if isinstance(value, str):
        return tidy(value)
    return "" if value is None else value


def text(column: Column, row: Row, line: Line | None) -> str:
    """A column's value as printed text (104 → 104%)."""
    value = cell(column, row, line)
    if column.percent and value != "":
        return f"{value}%"
    return str(value)


def spans(data: dict[str, Any], column: Column, printed: list[tuple[Row, Line | None, int]]) -> list[int]:
    """Per printed line, how many lines its cell spans (0: merged into the one above) — items over their
    target lines, categories over their consecutive items."""
    out: list[int] = []
    index = 0
    while index < len(printed):
        key = _group_key(column, printed[index])
        end = index + 1
        while end < len(printed) and key is not None and _group_key(column, printed[end]) == key:
            end += 1
        out += [end - index] + [0] * (end - index - 1)
        index = end
    return out


def _group_key(column: Column, printed: tuple[Row, Line | None, int]) -> Any:
    row, line, _count = printed
    if column.header == "主要任务":
        return ("group", column.value(row, line)) if column.value(row, line) else None
    if column.per_item:
        return ("item", row["number"])
    return None
