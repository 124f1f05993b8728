"""The narrative report and bulletin as lists of blocks (title, heading, paragraph, closing), shared by every
format; the words come from the programme family's templates (reports/templates/families)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reports.prose.filters import tidy
from reports.prose.templates import cut_blocks, render_text


@dataclass(frozen=True)
class Block:
    """One paragraph of the report: kind is title, heading, para or closing."""

    kind: str
    text: str


def blocks(data: dict[str, Any]) -> list[Block]:
    """Every block of the narrative report, in order, from the programme family's narrative template."""
    return [Block(kind, text) for kind, text in cut_blocks(render_text(data, "narrative.md.j2"))]


def bulletin_blocks(data: dict[str, Any]) -> list[Block]:
    """Every block of the bulletin (通报): totals, finished items, lagging items by ordinal, next steps."""
    return [Block(kind, text) for kind, text in cut_blocks(render_text(data, "bulletin.md.j2"))]


def markdown(data: dict[str, Any]) -> str:
    """The narrative report as Markdown."""
    return _markdown(blocks(data))


def bulletin_markdown(data: dict[str, Any]) -> str:
    """The bulletin as Markdown."""
    return _markdown(bulletin_blocks(data))


def _markdown(parts: list[Block]) -> str:
    prefix = {"title": "# ", "heading": "## ", "para": "", "closing": ""}
    return "\n\n".join(prefix[b.kind] + b.text for b in parts if b.text) + "\n"


def table_markdown(data: dict[str, Any]) -> str:
    """The schedule table (序时进度表) and the lagging list as Markdown, without stray spaces beside numbers."""
    head = "| 序号 | 目标任务 | 分管领导 | 牵头单位 | 配合单位 | 上期进度 | 本期进度 | 是否达序 | 说明 |"
    year, month, day = (int(part) for part in data["as_of"].split("-"))
    title = f"# {tidy(data['programme']['name'])}序时进度表（截至{year}年{month}月{day}日）"
    lines = [title, "", head, "|" + "---|" * 9]
    for r in data["table"]:
        cells = [
            str(r["number"]),
            r["title"],
            r["leader"],
            r["lead"],
            r["cooperating"],
            pct(r["last"]),
            pct(r["this"]),
            r["on_schedule"],
            r["remark"],
        ]
        lines.append("| " + " | ".join(tidy(c).replace("|", "｜") for c in cells) + " |")
    lines += ["", "## 滞后项目情况", "", tidy(data["summary"]), ""]
    for lag in data["lagging"]:
        what = f"第{lag['ref']}项" if lag["scope"] == "item" else f"子项目{lag['ref']}"
        lines.append(
            f"- {what}“{tidy(lag['title'])}”（{lag['lead']}）：{lag['status']}，{light_words(lag.get('light'))}，"
            f"自{lag['since']}起；{tidy(lag['reason'])}"
        )
    return "\n".join(lines).rstrip() + "\n"


def light_words(light: dict[str, Any] | None) -> str:
    """红灯, or 红灯（挂牌督办） when a red has lasted the programme's number of periods; — without a light."""
    if not light:
        return "—"
    return light["label"] + (f"（{light['listed_label']}）" if light.get("listed_label") else "")


def pct(value: float | None) -> str:
    """0.459 → 46%."""
    return "—" if value is None else f"{value * 100:.0f}%"
