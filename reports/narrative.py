"""The narrative report as a list of blocks (title, heading, paragraph), shared by every format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Block:
    """One paragraph of the report: kind is title, heading, para or closing."""

    kind: str
    text: str


LABELLED = (("", "note"), ("存在问题：", "problems"), ("下一步：", "next"))


def labelled(label: str, text: str) -> str:
    """存在问题：… / 下一步：…, without repeating a label the department already wrote."""
    text = text.strip().rstrip("。")
    bare = label.rstrip("：")
    return text if not label or text.startswith(bare) else label + text


def _num(value: Any) -> str:
    return "—" if value is None else f"{value}"


def _figures(figures: list[dict[str, Any]]) -> str:
    return "，".join(
        f"{f['label']} {f['value']}{' 余' if f.get('approximate') else ''} {f.get('unit') or ''}".rstrip()
        for f in figures
    )


def target_sentence(t: dict[str, Any]) -> str:
    """One target's 完成情况, in words, from data."""
    bound = "不少于 " if t["bound"] == "at_least" else ""
    planned = f"{bound}{_num(t['quantity'])} {t['unit']}".rstrip() if t["quantity"] is not None else ""
    head = f"{t['name']} {planned}".rstrip()
    approx = " 余" if t["approximate"] else ""
    done = f"{_num(t['achieved'])}{approx} {t['unit']}".rstrip()
    parts = [head]
    if t.get("month_target"):
        parts.append(t["month_target"])
    if t["status"] == "exceeded":
        word = t["status_label"]
        parts.append(f"{word if word.startswith('已') else '已' + word}，完成 {done}")
    elif t["status"] in ("done", "early"):
        parts.append(f"{t['status_label']}，完成 {done}")
    elif t["status"] == "suspended":
        reasons = "；".join(s["reason"] or "" for s in t["suspended"] if s["reason"])
        parts.append(f"暂停{'（' + reasons + '）' if reasons else ''}")
    elif t["achieved"] is not None:
        ratio = f"（{t['ratio'] * 100:.0f}%）" if t["ratio"] is not None else ""
        parts.append(f"目前完成 {done}{ratio}")
    elif t["ratio"] is not None:
        parts.append(f"目前已完成 {t['ratio'] * 100:.0f}%")
    if t["stages"]:
        parts.append("目前 " + "；".join(t["stages"]))
    if t["figures"]:
        parts.append("其中" + _figures(t["figures"]))
    for label, key in LABELLED:
        if t[key]:
            parts.append(labelled(label, t[key]))
    return "，".join(parts) + "。"


def blocks(data: dict[str, Any]) -> list[Block]:
    """Every block of the narrative report, in order."""
    out = [Block("title", data["title"])]
    for item in data["items"]:
        out.append(Block("heading", f"{item['number']}、{item['title']}。"))
        duty = f"主责部门：{'、'.join(item['lead'])}"
        if item["cooperating"]:
            duty += f"，配合部门：{'、'.join(item['cooperating'])}"
        if item["leader"]:
            duty += f"，分管领导：{item['leader']}"
        out.append(Block("para", duty))
        sentences = [target_sentence(t) for t in item["targets"]]
        for note in item["notes"]:
            for label, key in LABELLED:
                if note[key]:
                    sentences.append(labelled(label, note[key]) + "。")
            if note["figures"]:
                sentences.append(_figures(note["figures"]) + "。")
        out.append(Block("para", "完成情况：" + "".join(sentences)))
    out.append(Block("closing", data["programme"]["issuer"] or ""))
    out.append(Block("closing", data["issued"]))
    return out


def markdown(data: dict[str, Any]) -> str:
    """The narrative report as Markdown."""
    prefix = {"title": "# ", "heading": "## ", "para": "", "closing": ""}
    return "\n\n".join(prefix[b.kind] + b.text for b in blocks(data) if b.text) + "\n"


def table_markdown(data: dict[str, Any]) -> str:
    """The schedule table (序时进度表) and the lagging list as Markdown."""
    head = "| 序号 | 目标任务 | 分管领导 | 牵头单位 | 配合单位 | 上期进度 | 本期进度 | 是否达序 | 说明 |"
    lines = [f"# {data['programme']['name']} 序时进度表（截至 {data['as_of']}）", "", head, "|" + "---|" * 9]
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
        lines.append("| " + " | ".join(c.replace("|", "｜") for c in cells) + " |")
    lines += ["", "## 滞后项目情况", "", data["summary"], ""]
    for lag in data["lagging"]:
        what = f"第{lag['ref']}项" if lag["scope"] == "item" else f"子项目 {lag['ref']}"
        lines.append(
            f"- {what} {lag['title']}（{lag['lead']}）：{lag['status']}，自 {lag['since']}；{lag['reason']}"
        )
    return "\n".join(lines).rstrip() + "\n"


def pct(value: float | None) -> str:
    """0.459 → 46%."""
    return "—" if value is None else f"{value * 100:.0f}%"
