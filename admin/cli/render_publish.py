"""Text of `shishi report publish` and `shishi report diff`."""

from __future__ import annotations

from typing import Any

from states.quantities import amount
from states.stages import Stage


def published_lines(version: dict[str, Any], files: list[dict[str, str]]) -> list[str]:
    """What was published, its checksum, then the files written."""
    head = f"已发布 {version['period']} 第 {version['version']} 版（{version['published_by']}，{version['published_at']}）"
    lines = [head + (f"；原因：{version['reason']}" if version["reason"] else "")]
    lines.append(f"校验和（sha256）：{version['checksum']}")
    lines.append("此后重新生成该期报告，内容与发布时相同；该期内日期的变更仍会记录，但不改变已发布的报告")
    return lines + [f["path"] for f in files]


def diff_lines(result: dict[str, Any]) -> list[str]:
    """The changes between two periods, item by item."""
    period, against = result["period"], result["against"]
    sources = "；".join(f"{p}：{_source(result['sources'][p])}" for p in (against, period))
    lines = [f"{period} 与 {against} 相比（{sources}）"]
    for item in result["items"]:
        lines.append(f"第{item['number']}项 {item['title']}")
        lines += [f"  {c['label']}：{_value(c, c['from'])} → {_value(c, c['to'])}" for c in item["changes"]]
        for t in item["targets"]:
            parts = [
                f"{c['label']} {_value(c, c['from'], t['unit'])} → {_value(c, c['to'], t['unit'])}"
                for c in t["changes"]
            ]
            parts += [f"{s['label']} {s['from']}个 → {s['to']}个" for s in t["stages"]]
            lines.append(f"  指标{t['position']} {t['name']}：" + "；".join(parts))
        lines += [f"  {m['ref']} {m['name']}：{_stage(m['from'])} → {_stage(m['to'])}" for m in item["moved"]]
    if not result["items"]:
        lines.append("各项均无变化")
    elif result["unchanged"]:
        lines.append(f"其余 {result['unchanged']} 项无变化")
    return lines


def _source(source: dict[str, Any]) -> str:
    if source["published"]:
        return f"已发布第 {source['version']} 版"
    return "未发布，按期末计算"


def _value(change: dict[str, Any], value: Any, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    if change["field"] in ("progress", "ratio"):
        return f"{value * 100:.0f}%"
    if change["field"] in ("planned", "achieved"):
        return amount(value, unit)
    return str(value)


def _stage(code: str | None) -> str:
    return "—" if code is None else Stage[code].label
