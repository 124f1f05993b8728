"""Stages of a practical project and their Chinese labels."""

from __future__ import annotations

import enum


class Stage(enum.Enum):
    """A project's stage; the main line runs approved → operating."""

    approved = "立项"
    preparation = "前期手续"
    construction = "开工"
    completed = "完工"
    operating = "运营"
    suspended = "暂停"
    cancelled = "终止"

    @property
    def code(self) -> str:
        """The stable code used in files, JSON and the database."""
        return self.name

    @property
    def label(self) -> str:
        """The Chinese label shown to users."""
        return self.value

    @property
    def is_main(self) -> bool:
        """True for the five stages of the main line."""
        return self in MAIN_LINE

    @property
    def rank(self) -> int:
        """Position on the main line (0 for 立项); side states have no rank."""
        return MAIN_LINE.index(self)

    def next(self) -> Stage | None:
        """The stage after this one on the main line, or None at the end."""
        i = self.rank + 1
        return MAIN_LINE[i] if i < len(MAIN_LINE) else None

    def previous(self) -> Stage | None:
        """The stage before this one on the main line, or None at the start."""
        i = self.rank - 1
        return MAIN_LINE[i] if i >= 0 else None


MAIN_LINE: tuple[Stage, ...] = (
    Stage.approved,
    Stage.preparation,
    Stage.construction,
    Stage.completed,
    Stage.operating,
)

_ALIASES: dict[str, Stage] = {}
for _s in Stage:
    _ALIASES[_s.code] = _s
    _ALIASES[_s.label] = _s
_ALIASES.update(
    {
        "前期": Stage.preparation,
        "施工": Stage.construction,
        "在建": Stage.construction,
        "竣工": Stage.completed,
        "已完工": Stage.completed,
        "投用": Stage.operating,
        "运行": Stage.operating,
        "中止": Stage.suspended,
        "取消": Stage.cancelled,
    }
)


class UnknownStage(ValueError):
    """Raised when a text names no stage."""

    def __init__(self, text: str) -> None:
        known = "、".join(f"{s.label}({s.code})" for s in Stage)
        super().__init__(f"未知阶段“{text}”；可用阶段：{known}")
        self.text = text


def parse_stage(text: str) -> Stage:
    """Accept a Chinese label, a code or a common synonym and return the Stage."""
    key = str(text).strip()
    stage = _ALIASES.get(key) or _ALIASES.get(key.lower())
    if stage is None:
        raise UnknownStage(key)
    return stage


class StageCodes:
    """For anything holding a project's stored `stage` and `suspended_from` codes: read them as Stage members."""

    @property
    def stage_enum(self) -> Stage:
        """The stage as an enum member."""
        return Stage[self.stage]  # type: ignore[attr-defined]

    @property
    def suspended_from_enum(self) -> Stage | None:
        """The stage left when suspended, if suspended."""
        suspended_from = self.suspended_from  # type: ignore[attr-defined]
        return Stage[suspended_from] if suspended_from else None
