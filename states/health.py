"""Schedule health (序时进度) words and the status of one project on a date."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date

from states.stages import MAIN_LINE, Stage


class Health(enum.Enum):
    """Status words published by district offices."""

    done = "已完成"
    exceeded = "超额完成"
    on_track = "按序时推进"
    slow = "慢序时"
    late = "滞后"
    not_started = "未启动"
    suspended = "暂停"
    cancelled = "终止"

    @property
    def label(self) -> str:
        """The Chinese word."""
        return self.value


_HEALTH_ALIASES = {h.value: h for h in Health} | {h.name: h for h in Health}


def parse_health(text: str) -> Health:
    """Accept a status word in Chinese or its code."""
    health = _HEALTH_ALIASES.get(str(text).strip())
    if health is None:
        known = "、".join(f"{h.label}({h.name})" for h in Health)
        raise ValueError(f"未知状态“{text}”；可用状态：{known}")
    return health


def project_health(
    stage: Stage, counting_stage: Stage, planned: Mapping[Stage, date | None], as_of: date
) -> Health:
    """A project's status on a date from its stage, its target's counting stage and planned dates."""
    if stage is Stage.cancelled:
        return Health.cancelled
    if stage is Stage.suspended:
        return Health.suspended
    if stage.rank >= counting_stage.rank:
        return Health.done
    overdue = [
        s for s in MAIN_LINE if s.rank > stage.rank and (d := planned.get(s)) is not None and d < as_of
    ]
    if overdue:
        return Health.late
    return Health.not_started if stage is Stage.approved else Health.on_track
