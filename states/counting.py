"""What counts toward a target: the stage rule (ranks are Stage.rank on MAIN_LINE) and a target's achieved figure."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from states.stages import MAIN_LINE, Stage


def counts(stage: Stage, counting_stage: Stage) -> bool:
    """A project at `stage` counts toward a target counted at `counting_stage`: main line, reached or past."""
    return stage.is_main and counting_stage.is_main and stage.rank >= counting_stage.rank


def short(stage: Stage, goal: Stage) -> bool:
    """A project at `stage` is on the main line and has not reached `goal` (a milestone's stage)."""
    return stage.is_main and goal.is_main and not counts(stage, goal)


def counting_codes(counting_stage: Stage) -> tuple[str, ...]:
    """The codes of every stage that counts toward a target counted at `counting_stage`."""
    return tuple(s.code for s in Stage if counts(s, counting_stage))


def short_codes(goal: Stage) -> tuple[str, ...]:
    """The codes of the main-line stages that have not reached `goal`."""
    return tuple(s.code for s in MAIN_LINE if not counts(s, goal))


Number = TypeVar("Number", Decimal, float)


def target_achieved(counted: Number | None, measured: bool, reported: Number | None) -> Number | None:
    """A target's achieved figure: its counted projects' sum once any project has a quantity, else the report's.

    `counted` sums the quantities of the projects that count; `reported` is the achieved figure of the
    target's latest progress report that gives a figure (achieved or ratio), None when it gives none.
    """
    return counted if measured else reported


def target_ratio(achieved: float | None, planned: float | None, reported_ratio: float | None) -> float | None:
    """Achieved over planned, else the latest report's ratio, else None."""
    if achieved is not None and planned:
        return achieved / planned
    return reported_ratio
