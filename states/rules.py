"""A programme's status rules: the 序时 basis, the bands, 未开工 after N months and its words; rules in, status out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from states.health import Health, parse_health, time_share
from states.lights import DEFAULT_LISTED_AFTER, Light, light_of, make_lights

BASES: dict[str, str] = {"milestone": "milestone", "节点": "milestone", "year": "year", "年度": "year"}
BASES |= {"month": "month", "月度": "month"}
# the statuses a band may give: the schedule words
BAND_WORDS = frozenset({Health.on_track, Health.slow, Health.severe, Health.late})


@dataclass(frozen=True)
class Band:
    """Up to `behind` points behind 序时 (None: any number), a target's status is `status`."""

    behind: float | None
    status: Health


DEFAULT_BANDS = (Band(0.0, Health.on_track), Band(None, Health.slow))


@dataclass(frozen=True)
class StatusRules:
    """How a programme words its statuses; the default is what Shishi says without rules."""

    basis: str = "milestone"  # milestone: a target's share plan, else the year; year; month (month ends)
    bands: tuple[Band, ...] = DEFAULT_BANDS
    unstarted_after: int | None = (
        None  # months after the planned 开工 date that a target not started is 未开工
    )
    early: bool = False  # done before the target's due date is 提前完成
    words: Mapping[str, str] = field(default_factory=dict)  # Health name → the programme's word
    lights: Mapping[str, str] = field(default_factory=dict)  # Health name → colour (states.lights), own only
    listed_after: int = DEFAULT_LISTED_AFTER  # periods red in a row before an item is 挂牌督办

    def label(self, code: str) -> str:
        """The programme's word for a status code."""
        return self.words.get(code) or Health[code].label

    def light(self, code: str, why: str | None = None, judged: bool = False) -> Light:
        """The light of a status code under this programme's colours, with the rule that set it."""
        return light_of(code, self.label(code), self.lights, why, judged)

    def parse(self, text: str) -> Health:
        """A status from the programme's word, a default word or a code."""
        own = {word: Health[code] for code, word in self.words.items()}
        return own.get(str(text).strip()) or parse_health(text)

    def expected(self, year: int, as_of: date, plan: float | None, planned: bool) -> float:
        """序时: the milestone's share when the target has a share plan (basis milestone), else the year's."""
        if self.basis == "milestone" and planned:
            return plan or 0.0
        if self.basis == "month" and as_of.year == year:
            return round(as_of.month / 12, 6)
        return time_share(year, as_of)

    def band(self, progress: float | None, expected: float) -> Health:
        """The band of a target `progress` behind `expected` (shares 0–1; bands in points)."""
        behind = round((expected - (progress or 0)) * 100, 6)
        for b in self.bands:
            if b.behind is None or behind <= b.behind:
                return b.status
        return self.bands[-1].status

    def unstarted(self, planned_start: date | None, as_of: date) -> bool:
        """Not started on `as_of` although its planned 开工 date is `unstarted_after` months or more behind."""
        if self.unstarted_after is None or planned_start is None or as_of <= planned_start:
            return False
        months = (as_of.year - planned_start.year) * 12 + as_of.month - planned_start.month
        if as_of.day < planned_start.day:
            months -= 1
        return months >= self.unstarted_after

    def as_json(self) -> dict[str, Any] | None:
        """The stored form (None for the default rules)."""
        if self == DEFAULT_RULES:
            return None
        stored: dict[str, Any] = {
            "basis": self.basis,
            "bands": [{"behind": b.behind, "status": b.status.name} for b in self.bands],
            "unstarted_after": self.unstarted_after,
            "early": self.early,
            "words": dict(self.words),
        }
        if self.lights:  # only when set, so that rules stored before lights existed compare equal
            stored["lights"] = dict(self.lights)
        if self.listed_after != DEFAULT_LISTED_AFTER:
            stored["listed_after"] = self.listed_after
        return stored

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> StatusRules:
        """The rules stored with a programme (None: the default)."""
        if not data:
            return DEFAULT_RULES
        return cls(
            basis=data["basis"],
            bands=tuple(Band(b["behind"], Health[b["status"]]) for b in data["bands"]),
            unstarted_after=data.get("unstarted_after"),
            early=bool(data.get("early")),
            words=dict(data.get("words") or {}),
            lights=dict(data.get("lights") or {}),
            listed_after=int(data.get("listed_after") or DEFAULT_LISTED_AFTER),
        )


DEFAULT_RULES = StatusRules()


def make_rules(
    basis: str = "milestone",
    bands: list[tuple[float | None, str]] | None = None,
    unstarted_after: int | None = None,
    early: bool = False,
    words: Mapping[str, str] | None = None,
    lights: Mapping[str, str] | None = None,
    listed_after: int = DEFAULT_LISTED_AFTER,
) -> StatusRules:
    """Rules from a file's words (Chinese or codes); ValueError names what is wrong."""
    if basis not in BASES:
        raise ValueError(f"序时口径应为 节点、年度 或 月度：{basis}")
    parsed = tuple(Band(behind, parse_health(word)) for behind, word in bands or ()) or DEFAULT_BANDS
    if any(b.status not in BAND_WORDS for b in parsed):
        raise ValueError("档位只能是 按序时推进、慢序时、严重滞后 或 滞后")
    limits = [b.behind for b in parsed]
    if None in limits[:-1] or limits != sorted(limits, key=lambda x: float("inf") if x is None else x):
        raise ValueError("档位应按落后点数从小到大排列，只有最后一档可不写上限")
    own = {parse_health(k).name: v.strip() for k, v in (words or {}).items()}
    if len(set(own.values())) != len(own) or any(not v for v in own.values()):
        raise ValueError("状态用词不可为空或重复")
    taken = {h.label: h.name for h in Health}
    for code, word in own.items():
        if taken.get(word, code) != code:
            raise ValueError(f"用词“{word}”已是状态“{word}”本身，不能用于另一状态")
    parse = StatusRules(words=own).parse  # a light may name a status by the programme's own word
    colours = make_lights(lights, parse)
    if listed_after < 1:
        raise ValueError("连续红灯期数（listed_after）至少为 1")
    return StatusRules(BASES[basis], parsed, unstarted_after, early, own, colours, listed_after)
