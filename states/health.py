"""Schedule health (序时进度) words and the status of one project on a date."""

from __future__ import annotations

import calendar
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from states.counting import counts, target_ratio
from states.stages import MAIN_LINE, Stage

if TYPE_CHECKING:
    from states.rules import StatusRules


class Health(enum.Enum):
    """Status words published by district offices."""

    done = "已完成"
    exceeded = "超额完成"
    early = "提前完成"  # only under a programme's rules (states.rules): done before the target's due date
    on_track = "按序时推进"
    slow = "慢序时"
    severe = "严重滞后"  # only under a programme's bands
    late = "滞后"
    not_started = "未启动"
    unstarted = "未开工"  # only under a programme's rule: not started N months after its planned start
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
    if counts(stage, counting_stage):
        return Health.done
    overdue = [
        s for s in MAIN_LINE if s.rank > stage.rank and (d := planned.get(s)) is not None and d < as_of
    ]
    if overdue:
        return Health.late
    return Health.not_started if stage is Stage.approved else Health.on_track


def late_reason(stage_code: str, planned: date) -> str:
    """逾期未到达“完工”（计划2020-09-15）: the first stage not reached by its planned date."""
    return f"逾期未到达“{Stage[stage_code].label}”（计划{planned.isoformat()}）"


SEVERITY: tuple[Health, ...] = (
    Health.severe,
    Health.late,
    Health.unstarted,
    Health.slow,
    Health.suspended,
    Health.not_started,
    Health.on_track,
    Health.done,
    Health.early,
    Health.exceeded,
    Health.cancelled,
)
DONE: frozenset[Health] = frozenset({Health.done, Health.exceeded, Health.early})
LAGGING: frozenset[Health] = frozenset({Health.slow, Health.severe, Health.late, Health.unstarted})


def time_share(year: int, as_of: date) -> float:
    """Share of the programme year elapsed on a date: 9/12 on 30 September, 0 before, 1 after."""
    if as_of.year < year:
        return 0.0
    if as_of.year > year:
        return 1.0
    days = calendar.monthrange(as_of.year, as_of.month)[1]
    return round((as_of.month - 1 + as_of.day / days) / 12, 6)


@dataclass(frozen=True)
class TargetFacts:
    """What the nightly aggregate knows about one target on one date."""

    planned: float | None
    achieved: float | None
    reported_ratio: float | None
    expected: float
    projects: int = 0
    suspended: int = 0
    cancelled: int = 0
    late: int = 0
    started: int = 0
    short_of_milestone: int = 0  # projects that have not reached the stage of the milestone due
    stage_plan: bool = False  # it has milestones with a stage (开工, 竣工 …)
    planned_start: date | None = None  # the earliest planned 开工 of its projects
    due_on: date | None = None
    as_of: date | None = None
    milestone_quantity: float | None = None  # the amount due by the latest milestone (节点目标 20 场)


def target_progress(facts: TargetFacts) -> float | None:
    """Achieved over planned, else the reported ratio, else None (states.counting.target_ratio)."""
    return target_ratio(facts.achieved, facts.planned, facts.reported_ratio)


def target_health(facts: TargetFacts, rules: StatusRules | None = None) -> Health:
    """The status word of a target (see DESIGN, schedule health), under a programme's rules if given."""
    if facts.projects and facts.cancelled == facts.projects:
        return Health.cancelled
    if facts.projects and facts.suspended and facts.suspended + facts.cancelled == facts.projects:
        return Health.suspended
    progress = target_progress(facts)
    if progress is not None and progress >= 1:
        exceeded = facts.achieved is not None and facts.planned is not None and facts.achieved > facts.planned
        if exceeded or progress > 1:
            return Health.exceeded
        early = (
            rules is not None and rules.early and facts.due_on and facts.as_of and facts.as_of < facts.due_on
        )
        return Health.early if early else Health.done
    if facts.late or facts.short_of_milestone:
        return Health.late
    if progress is None and facts.milestone_quantity and facts.achieved is not None:
        return _against_amount(facts.achieved, facts.milestone_quantity, rules)
    if not progress and not facts.started:
        unstarted = rules is not None and facts.as_of and rules.unstarted(facts.planned_start, facts.as_of)
        return Health.unstarted if unstarted else Health.not_started
    if progress is None and facts.stage_plan:
        return Health.on_track  # no figure: the milestones' stages are its schedule, and they are met
    if rules is None:
        return Health.on_track if (progress or 0) >= facts.expected else Health.slow
    return rules.band(progress, facts.expected)


def _against_amount(achieved: float, due: float, rules: StatusRules | None) -> Health:
    """A target without a year's quantity against its milestone's amount: 按序时 once reached, else its band."""
    if achieved >= due:
        return Health.on_track
    return Health.slow if rules is None else rules.band(achieved / due, 1.0)


def rollup(statuses: list[Health]) -> Health:
    """The status of a group: its most severe member (all 终止 → 终止; all done → 已完成/超额完成)."""
    if not statuses:
        return Health.not_started
    live = [s for s in statuses if s is not Health.cancelled]
    if not live:
        return Health.cancelled
    if all(s in DONE for s in live):
        for word in (Health.exceeded, Health.early):
            if all(s is word for s in live):
                return word
        return Health.done
    return min(live, key=SEVERITY.index)
