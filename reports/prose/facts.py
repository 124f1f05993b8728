"""One target's facts for the prose: the department's own words first, Shishi's figures only where they add.

A figure Shishi does not know (nothing counted yet) is left out rather than printed as 0; stage facts sum
the projects' quantities, in the target's own stage words.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from reports.prose.filters import amount, clause, numbers_in, percent, sentence, tidy

COUNT_UNITS = frozenset("个家处户张件所场条座台间套辆名人次项")
RATE_LABELS = ("完成比例", "完成率")
FINISHED = frozenset({"done", "exceeded", "early"})


def measure(t: dict[str, Any]) -> str:
    """The word after a summed quantity: the target's noun when its unit is a count (个 → 个点位), else the unit."""
    unit, noun = t["unit"] or "", t.get("noun") or ""
    if noun and (not unit or unit in COUNT_UNITS or noun.endswith(unit) or noun.startswith(unit)):
        return noun
    return unit or noun or "个"


def head(t: dict[str, Any]) -> str:
    """新增养老床位250张, 不少于10个 for a lower bound; the name alone without a quantity."""
    if t["quantity"] is None:
        return tidy(t["name"])
    bound = "不少于" if t["bound"] == "at_least" else ""
    return tidy(t["name"]) + bound + amount(t["quantity"], t["unit"])


def group_facts(t: dict[str, Any], group: dict[str, Any]) -> list[str]:
    """One stage group in words: 2个点位已正式运营; one unmeasured project by its name; several by their count."""
    phrase = clause(group["phrase"])
    out = []
    if group["quantity"] is not None:
        text = amount(group["quantity"], measure(t)) + phrase
        parts = group["measured"]
        if 1 < len(parts) <= 5 and len({p["name"] for p in parts}) == len(parts) and t.get("noun") is None:
            text += "（其中" + "、".join(_part(p, t["unit"] or "") for p in parts) + "）"
        out.append(text)
    names = group["unmeasured"]
    if len(names) == 1:
        out.append(tidy(names[0]) + phrase)
    elif names:
        out.append(f"{len(names)}{t.get('noun') or '个项目'}{phrase}")
    return out


def _part(part: dict[str, Any], unit: str) -> str:
    name = tidy(part["name"])
    short = unit[:1] if len(unit) > 1 and unit[0] in COUNT_UNITS and name.endswith(unit[1:]) else unit
    return name + amount(part["quantity"], short)


def target_facts(t: dict[str, Any], context: str = "") -> dict[str, Any]:
    """The facts one target's sentence states; `context` is the item's own text already printed before it."""
    achieved = t["achieved"] if t["achieved"] else None  # 0 counted: not known yet, never printed as 0
    about = ("余" if float(achieved) == int(achieved) else "约") if achieved and t["approximate"] else None
    counted = [g for g in t["groups"] if g["counted"]]
    covered = (
        achieved is not None
        and len(counted) == 1
        and counted[0]["quantity"] is not None
        and not counted[0]["unmeasured"]
        and float(counted[0]["quantity"]) == float(achieved)
    )
    suspended = "；".join(clause(s["reason"]) for s in t["suspended"] if s["reason"])
    shown = [
        g
        for g in t["groups"]
        if not (covered and g["counted"]) and not (suspended and g["stage"] == "suspended")
    ]
    stages = [f for g in shown for f in group_facts(t, g)]
    own = _own_text(t)
    facts: dict[str, Any] = {
        "name": tidy(t["name"]),
        "head": head(t),
        "own": own,
        "note": clause(t["note"]),
        "done": amount(achieved, t["unit"], about) if achieved is not None else "",
        "done_words": group_facts(t, counted[0])[0] if covered else "",
        "rate": _published_rate(t) or (percent(t["ratio"]) if (achieved is not None or t["ratio"]) else ""),
        "status": t["status"] or "",
        "status_label": t["status_label"] or "",
        "finished": t["status"] in FINISHED,
        "exceeded": t["status"] == "exceeded",
        "suspended": suspended,
        "stages": stages,
        "month_target": clause(t["month_target"]),
        "problems": clause(t["problems"]),
        "next": clause(t["next"]),
        **_figures(t, achieved),
    }
    # a milestone-only target (a policy counted as 1项) the item's own text already says is done
    facts["said_done"] = t["bound"] == "milestone" and facts["finished"] and not own and _says_done(context)
    facts["achieved_text"], facts["rate_text"] = facts["done"], facts["rate"]  # for tables of figures
    if facts["finished"] and facts["rate"] == "100%":
        facts["rate"] = ""
    return _without_known(facts, own, context, t["unit"] or "")


def _own_text(t: dict[str, Any]) -> str:
    """The department's note, as sentences, led by the target's name when the note does not say what it is about."""
    text = sentence(t["note"])
    if not text:
        return ""
    name = tidy(t["name"])
    if _shared(name, text[: len(name) + 8]) < 0.5:
        text = name + "：" + text
    return text


def _is_rate(figure: dict[str, Any]) -> bool:
    return (figure.get("unit") or "") in ("%", "％") and tidy(figure["label"]) in RATE_LABELS


def _published_rate(t: dict[str, Any]) -> str:
    """The department's own completion rate (完成比例 187.9%), as published: it stands for Shishi's."""
    rates = [f for f in t["figures"] or [] if _is_rate(f)]
    return amount(rates[0]["value"], "%") if rates else ""


def _figures(t: dict[str, Any], achieved: Any) -> dict[str, Any]:
    figures = [f for f in t["figures"] or [] if not _is_rate(f)]
    texts = [
        tidy(f["label"]) + amount(f["value"], f.get("unit"), "余" if f.get("approximate") else None)
        for f in figures
    ]
    same_unit = all((f.get("unit") or "") == (t["unit"] or "") for f in figures)
    total = sum(float(f["value"]) for f in figures)
    parts = bool(figures) and same_unit and achieved is not None and abs(total - float(achieved)) < 1e-9
    return {"figures": texts, "figures_are_parts": parts}


def _without_known(facts: dict[str, Any], own: str, context: str, unit: str) -> dict[str, Any]:
    """Drop what the department's text already states (or states otherwise): figures, rates, stages.

    A rate goes when the target's own text gives one, or the item's text states the same rate."""
    known = own + context
    if not known:
        return facts
    numbers = numbers_in(known)
    if facts["done"] and (_says_quantity(known, unit) or numbers_in(facts["done"]) <= numbers):
        facts["done"] = facts["done_words"] = ""
    if any(sign in own for sign in ("%", "％", "百分之")) or (facts["rate"] and facts["rate"] in known):
        facts["rate"] = ""
    facts["stages"] = [
        s for s in facts["stages"] if not (numbers_in(s) & numbers) and _shared(s, known) < 0.9
    ]
    kept = [f for f in facts["figures"] if not (numbers_in(f) <= numbers)]
    if len(kept) != len(facts["figures"]):
        facts["figures_are_parts"] = False
    facts["figures"] = kept
    for key in ("problems", "next", "month_target"):
        if facts[key] and _shared(facts[key], known) >= 0.9:
            facts[key] = ""
    return facts


def _says_done(text: str) -> bool:
    """The item's own text says the year's task is done (5月份完成全年任务; 完成安装100台的年度目标)."""
    return re.search(r"完成[^。；]{0,10}(全年|年度)(目标|任务)", text) is not None


def _says_quantity(text: str, unit: str) -> bool:
    """The text gives a number in the target's unit (its own achieved figure, perhaps not Shishi's)."""
    return bool(unit) and re.search(rf"\d+(?:\.\d+)?\s*[余近超]?\s*{re.escape(unit)}", text) is not None


def _shared(short: str, long: str) -> float:
    """The share of `short`'s characters found in order in `long` (1.0: every character, in order)."""
    if not short:
        return 0.0
    blocks = SequenceMatcher(None, short, long, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(short)
