"""Small filters for Chinese report prose: numbers, ordinals, quantities with units, rates, tidy punctuation."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from difflib import SequenceMatcher
from typing import Any

from states.quantities import amount, number

_DIGITS = "零一二三四五六七八九"
_SMALL = ((1000, "千"), (100, "百"), (10, "十"))
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_SPACE_AFTER_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+(?=[\w{_CJK}(（\[“])")
_SPACE_BEFORE_CJK = re.compile(rf"(?<=[\w%)）\]”])[ \t\u00a0]+(?=[{_CJK}])")
_REPEATED_STOPS = re.compile(r"[，；、。]*。+")
ABOUT_WORDS = ("余", "近", "超", "约")


def cn_number(n: int) -> str:
    """23 → 二十三, 105 → 一百零五, 10 → 十; integers from 0 to 99,999,999."""
    if n < 0 or n >= 10**8:
        raise ValueError(f"超出范围：{n}")
    if n < 10:
        return _DIGITS[n]
    high, low = divmod(n, 10000)
    if high:
        rest = _below_10000(low)
        gap = "零" if low and low < 1000 else ""
        return _below_10000(high, leading=True) + "万" + gap + rest
    return _below_10000(n, leading=True)


def _below_10000(n: int, leading: bool = False) -> str:
    out, zero = "", False
    for size, word in _SMALL:
        digit, n = divmod(n, size)
        if digit:
            if zero:
                out += "零"
            out += ("" if (leading and not out and size == 10 and digit == 1) else _DIGITS[digit]) + word
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    return out


def ordinal(n: int, measure: str = "项") -> str:
    """23 → 第二十三项."""
    return f"第{cn_number(n)}{measure}"


def enumerate_cn(n: int) -> str:
    """1 → 一是, 2 → 二是: how a bulletin counts its points."""
    return f"{cn_number(n)}是"


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, as written and as printed (5.60 → 5.60 and 5.6)."""
    found = _NUMBERS.findall(text)
    return set(found) | {number(n) for n in found}


def percent(ratio: Any) -> str:
    """0.455 → 46%, 1.04 → 104% (integer, half up, never capped); '' when unknown."""
    if ratio is None:
        return ""
    whole = (Decimal(str(ratio)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole}%"


def tidy(text: str | None) -> str:
    """Chinese text without stray spaces beside numbers and words, and without doubled full stops."""
    if not text:
        return ""
    text = _SPACE_AFTER_CJK.sub("", text.strip())
    text = _SPACE_BEFORE_CJK.sub("", text)
    return _REPEATED_STOPS.sub("。", text)


def clause(text: str | None) -> str:
    """Text as a clause to join: tidied, without its closing 。；，."""
    return tidy(text).rstrip("。；，、 ")


def sentence(text: str | None) -> str:
    """Text as one sentence: tidied, ending in exactly one 。 (or its own ！？); '' for no text."""
    body = clause(text)
    if not body:
        return ""
    return body if body[-1] in "！？!?" else body + "。"


def quoted(text: str | None) -> str:
    """A title in “”, its own quotation marks turned to ‘’ as nested quotes are written."""
    inner = tidy(text).replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


def done_word(label: str | None) -> str:
    """超额完成 → 已超额完成; 已完成 stays."""
    if not label:
        return ""
    return label if label.startswith("已") else "已" + label


_NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def clauses(text: str) -> list[str]:
    """The text cut after each ，；。！？ outside brackets, every character kept."""
    out, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char in "（(“") - (char in "）)”")
        if depth <= 0 and char in "，；。！？":
            out.append(text[start : i + 1])
            start, depth = i + 1, 0
    if start < len(text):
        out.append(text[start:])
    return out


def dedupe(text: str) -> str:
    """The paragraph without a sentence or clause said before in it (exactly, or all but a word or two)."""
    seen: list[str] = []
    out: list[str] = []
    for part in clauses(tidy(text)):
        body = part.rstrip("，；。！？")
        if body and any(_repeats(body, before) for before in seen):
            if part[-1:] in "。！？" and out:
                out[-1] = out[-1].rstrip("，；") + part[-1]
            continue
        seen.append(body)
        out.append(part)
    return tidy("".join(out).replace("，。", "。").replace("；。", "。"))


def _repeats(body: str, before: str) -> bool:
    """`body` says again what `before` said: the same words, or (six characters or more) nine tenths of them in
    order, with no number `before` lacks."""
    if body == before:
        return True
    if len(body) < 6 or len(before) < 0.9 * len(body):
        return False
    present = set(before)
    if sum(char in present for char in body) < 0.9 * len(body):
        return False
    if not set(_NUMBERS.findall(body)) <= set(_NUMBERS.findall(before)):
        return False
    blocks = SequenceMatcher(None, body, before, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks) / len(body) >= 0.9


FILTERS = {
    "cn_number": cn_number,
    "ordinal": ordinal,
    "enumerate_cn": enumerate_cn,
    "number": number,
    "amount": amount,
    "percent": percent,
    "tidy": tidy,
    "clause": clause,
    "sentence": sentence,
    "done_word": done_word,
    "quoted": quoted,
    "dedupe": dedupe,
}
