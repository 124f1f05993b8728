"""Plain-text rendering of a city's roll-up: one row per district and the city total."""

from __future__ import annotations

import unicodedata
from typing import Any

from services.reporting.city import snapshot_dates

HEADERS = ("区", "计划", "项目", "已完成", "滞后/慢序时", "未重算", "快照日期")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def city(data: dict[str, Any]) -> str:
    """The city's programmes summed by district, then the total."""
    bound = f"截至 {data['as_of']} 的" if data["as_of"] else ""
    lines = [f"{data['city']} {data['year']} 年区政府实事项目汇总（各计划{bound}最新快照）", ""]
    rows = [
        [
            r["district"],
            *(str(r[k]) for k in ("programmes", "items", "done", "lagging", "uncomputed")),
            snapshot_dates(r),
        ]
        for r in [*data["districts"], data["total"]]
    ]
    widths = [max(_width(str(c)) for c in column) for column in zip(HEADERS, *rows, strict=True)]
    for cells in [list(HEADERS), *rows]:
        padded = [
            _pad(c, w, 0 < i < len(cells) - 1) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        lines.append("  ".join(padded).rstrip())
    if data["total"]["uncomputed"]:
        lines.append(f"\n未重算：{data['total']['uncomputed']} 个计划尚无序时进度快照（运行 shishi nightly）")
    return "\n".join(lines) + "\n"
