"""Named milestones of a target (方案制定 … 竣工): the stage that shows each reached, and a month's target."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from states.stages import Stage, parse_stage

# the project stage that shows a milestone of this name reached; a file may name another with `stage:`
NAMED_STAGES: dict[str, Stage] = {
    "方案制定": Stage.preparation,
    "招标": Stage.preparation,
    "开工": Stage.construction,
    "主体完工": Stage.construction,  # no stage of its own: under construction at least (a file may say 完工)
    "完工": Stage.completed,
    "竣工": Stage.completed,
    "投用": Stage.operating,
    "运营": Stage.operating,
}


def milestone_stage(name: str | None, stage: str | None) -> Stage | None:
    """The stage a milestone checks: the one it names, else its name's, else none (UnknownStage if bad)."""
    if stage is not None:
        return parse_stage(stage)
    return NAMED_STAGES.get(name or "")


@dataclass(frozen=True)
class Step:
    """A milestone as the reports read it."""

    due_on: date
    name: str | None
    stage: str | None
    ratio: Decimal | float | None
    quantity: Decimal | float | None = None  # an amount due, in `unit` (累计完成 20 公里)
    unit: str | None = None


def month_target(steps: Iterable[Step], end: date) -> Step | None:
    """The month's target (N月目标): the milestone due latest on or before `end`, the period's last day."""
    return max((s for s in steps if s.due_on <= end), key=lambda s: s.due_on, default=None)


def step_text(step: Step) -> str:
    """主体完工 / 完成80% / 开工，完成30% / 完成20公里: the words of a milestone (an amount before a share)."""
    what = step.name or (Stage[step.stage].label if step.stage else "")
    if step.quantity is not None:
        share = f"完成{_amount(step.quantity)}{step.unit or ''}"
    elif step.ratio is not None:
        share = f"完成{float(step.ratio) * 100:.0f}%"
    else:
        share = ""
    return "，".join(p for p in (what, share) if p)


def _amount(value: Decimal | float) -> str:
    """20.0000 → 20, 22.1200 → 22.12."""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
