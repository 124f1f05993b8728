"""Lights (红黄绿灯): the colour a status shows, the rule that set it, and how long a red has lasted.

A light follows the status (computed, or the office's verdict) through the programme's mapping of status
words to colours; without one, the default below. Pure: statuses and periods in, colours out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from states.health import Health, parse_health
from states.periods import PeriodKind, parse_period, period_on

COLOURS: dict[str, str] = {  # code → Chinese word; a programme uses three of them, or five
    "green": "绿",
    "blue": "蓝",
    "yellow": "黄",
    "orange": "橙",
    "red": "红",
    "grey": "灰",
}
_COLOUR_ALIASES = {word: code for code, word in COLOURS.items()}
_COLOUR_ALIASES |= {f"{word}灯": code for code, word in COLOURS.items()} | {c: c for c in COLOURS}
_COLOUR_ALIASES |= {"绿色": "green", "蓝色": "blue", "黄色": "yellow", "橙色": "orange", "红色": "red"}

# The default (默认灯色) follows Shishi's default statuses: on or ahead of 序时 green; behind 序时 (慢序时, which
# the default statuses give whatever the gap), 未开工, 未启动 or 暂停 yellow; a planned stage date or milestone
# missed (滞后) or beyond the programme's last band (严重滞后) red; 终止 grey (no longer counted).
DEFAULT_LIGHTS: Mapping[str, str] = {
    Health.done.name: "green",
    Health.exceeded.name: "green",
    Health.early.name: "green",
    Health.on_track.name: "green",
    Health.slow.name: "yellow",
    Health.unstarted.name: "yellow",
    Health.not_started.name: "yellow",
    Health.suspended.name: "yellow",
    Health.late.name: "red",
    Health.severe.name: "red",
    Health.cancelled.name: "grey",
}
DEFAULT_LISTED_AFTER = 3  # periods red in a row: 挂牌督办
LISTED = "挂牌督办"


@dataclass(frozen=True)
class Light:
    """One light: its colour, its words (红灯) and the rule that set it."""

    colour: str
    rule: str

    @property
    def label(self) -> str:
        """红灯, 绿灯 …"""
        return f"{COLOURS[self.colour]}灯"

    def as_dict(self, red_periods: int = 0, listed_after: int = DEFAULT_LISTED_AFTER) -> dict[str, object]:
        """The light as the views, the API and the reports carry it, with how long a red has lasted."""
        listed = self.colour == "red" and red_periods >= listed_after
        return {
            "colour": self.colour,
            "label": self.label,
            "rule": self.rule,
            "red_periods": red_periods if self.colour == "red" else 0,
            "listed": listed,
            "listed_label": LISTED if listed else None,
        }


def parse_colour(text: str) -> str:
    """A colour from its word (红, 红灯, 红色) or code (red); ValueError names the choices."""
    code = _COLOUR_ALIASES.get(str(text).strip())
    if code is None:
        known = "、".join(f"{w}（{c}）" for c, w in COLOURS.items())
        raise ValueError(f"未知灯色“{text}”；可用：{known}")
    return code


def colour_of(status: str, own: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """The colour of a status code under a programme's own mapping (merged over the default), and whether
    the programme's mapping set it."""
    if own and status in own:
        return own[status], True
    return DEFAULT_LIGHTS.get(status, "grey"), False


def light_of(
    status: str,
    label: str,
    own: Mapping[str, str] | None = None,
    why: str | None = None,
    judged: bool = False,
) -> Light:
    """The light of a status (its code and the programme's word for it), with the rule in words: 状态“严重滞后”
    （精品小区建设完成 0%，序时 75%）→ 红灯（本计划灯色）; a verdict says 认定状态."""
    colour, programme_rule = colour_of(status, own)
    source = "本计划灯色" if programme_rule else "默认灯色"
    kind = "认定状态" if judged else "状态"
    reason = f"（{why}）" if why else ""
    return Light(colour, f"{kind}“{label}”{reason}→ {COLOURS[colour]}灯（{source}）")


def red_periods(colours: Sequence[str]) -> int:
    """How many periods in a row, ending with the last, are red (colours oldest first)."""
    run = 0
    for colour in colours:
        run = run + 1 if colour == "red" else 0
    return run


def earlier_ends(kind: PeriodKind, day: date, count: int, first: date) -> list[date]:
    """The ends of the `count` periods before the one `day` falls in, oldest first, none before `first`."""
    if day < first or count < 1:
        return []
    period = parse_period(period_on(kind, day), kind)
    ends: list[date] = []
    for _ in range(count):
        period = period.previous()
        if period.end < first:
            break
        ends.append(period.end)
    return sorted(ends)


def make_lights(
    words: Mapping[str, str] | None, parse: Callable[[str], Health] = parse_health
) -> dict[str, str]:
    """A file's `lights` (status word → colour word) as codes; ValueError names what is wrong."""
    return {parse(status).name: parse_colour(colour) for status, colour in (words or {}).items()}
