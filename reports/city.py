"""The city summary: a city's programmes of a year summed by district, as Markdown and HTML."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from models.db import Database
from reports.html import environment
from services.reporting.city import city_rollup, snapshot_dates
from states.periods import period_end

CITY_FORMATS = ("md", "html")
COLUMNS = ("programmes", "items", "done", "lagging", "uncomputed")
HEADERS = ("区", "计划", "项目", "已完成", "滞后/慢序时", "未重算", "快照日期")


def city_data(db: Database, city: str, period: str) -> dict[str, Any]:
    """The roll-up at the end of a YYYY-MM period, with a title and a one-sentence summary."""
    end = period_end(period)
    with db.read() as session:
        data = city_rollup(session, city, end.year, end)
    months = "1月" if end.month == 1 else f"1-{end.month}月"
    total = data["total"]
    summary = (
        f"全市{len(data['districts'])}个区{total['programmes']}个计划共{total['items']}个项目，"
        f"已完成（含超额完成）{total['done']}个，滞后或慢序时{total['lagging']}个"
        + (f"；{total['uncomputed']}个计划尚无序时进度快照" if total["uncomputed"] else "")
        + "。"
    )
    return data | {
        "period": period,
        "title": f"{data['city']}区政府实事项目{months}推进情况汇总",
        "summary": summary,
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def city_markdown(data: dict[str, Any]) -> str:
    """The summary as Markdown: one row per district, the total, then each programme."""
    lines = [
        f"# {data['title']}",
        "",
        f"截至{data['as_of']}（各计划取此日及以前的最新快照）。{data['summary']}",
        "",
    ]
    lines += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for r in [*data["districts"], data["total"]]:
        name = f"**{r['district']}**" if r is data["total"] else _cell(r["district"])
        lines.append(f"| {name} | " + " | ".join(str(r[k]) for k in COLUMNS) + f" | {snapshot_dates(r)} |")
    lines += [
        "",
        "## 各计划",
        "",
        "| 区 | 计划 | 项目 | 已完成 | 滞后/慢序时 | 状态 | 快照日期 |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in data["programmes"]:
        lines.append(
            f"| {_cell(p['district'])} | {_cell(p['name'])}（{p['code']}） | {p['items']} | {p['done']} | {p['lagging']} "
            f"| {p['status_label'] or '未重算'} | {p['snapshot'] or '—'} |"
        )
    return "\n".join(lines) + "\n"


def city_html(data: dict[str, Any]) -> str:
    """The summary as a self-contained HTML page (autoescaped)."""
    return (
        environment()
        .get_template("city.html")
        .render(data=data, headers=HEADERS, columns=COLUMNS, dates=snapshot_dates)
    )


def generate_city(
    db: Database, city: str, period: str, formats: tuple[str, ...], out_dir: Path
) -> list[dict[str, str]]:
    """Write the city summary under out_dir/city/CITY/PERIOD; returns the files written."""
    data = city_data(db, city, period)
    name = re.sub(r"[\\/:*?\"<>|\s]+", "_", data["city"])
    folder = out_dir / "city" / name / period
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for fmt, render in (("md", city_markdown), ("html", city_html)):
        if fmt in formats:
            path = folder / f"{name}-{period}-汇总.{fmt}"
            path.write_text(render(data), encoding="utf-8")
            checksum = hashlib.sha256(path.read_bytes()).hexdigest()
            files.append({"kind": "city", "format": fmt, "path": str(path), "checksum": checksum})
    return files
