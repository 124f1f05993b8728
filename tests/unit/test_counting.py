"""The one counting rule (states.counting): which stages count toward a target, and a target's achieved figure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from states.counting import (
    counting_codes,
    counts,
    short_codes,
    target_achieved,
    target_ratio,
)
from states.stages import Stage


def test_a_project_counts_once_it_reaches_the_counting_stage() -> None:
    assert counts(Stage.completed, Stage.completed)
    assert counts(Stage.operating, Stage.completed)
    assert not counts(Stage.construction, Stage.completed)
    assert counts(Stage.approved, Stage.approved)


@pytest.mark.parametrize("counting_stage", list(Stage))
def test_a_suspended_or_cancelled_project_never_counts(counting_stage: Stage) -> None:
    assert not counts(Stage.suspended, counting_stage)
    assert not counts(Stage.cancelled, counting_stage)


@pytest.mark.parametrize("counting_stage", [Stage.suspended, Stage.cancelled])
def test_a_counting_stage_off_the_main_line_counts_nothing(counting_stage: Stage) -> None:
    assert [s for s in Stage if counts(s, counting_stage)] == []


def test_the_code_lists_split_the_main_line_at_the_goal() -> None:
    assert counting_codes(Stage.completed) == ("completed", "operating")
    assert short_codes(Stage.completed) == ("approved", "preparation", "construction")
    assert short_codes(Stage.approved) == ()


def test_achieved_is_the_counted_sum_once_any_project_has_a_quantity_even_beside_a_report() -> None:
    assert target_achieved(Decimal(3), True, Decimal(120)) == Decimal(3)
    assert target_achieved(Decimal(0), True, Decimal(120)) == Decimal(0)


def test_achieved_is_the_reported_figure_when_no_project_has_a_quantity() -> None:
    assert target_achieved(Decimal(0), False, Decimal(120)) == Decimal(120)
    assert target_achieved(0.0, False, None) is None


def test_the_ratio_is_achieved_over_planned_else_the_reported_ratio() -> None:
    assert target_ratio(30.0, 100.0, 0.9) == pytest.approx(0.3)
    assert target_ratio(None, 100.0, 0.4) == 0.4
    assert target_ratio(30.0, None, 0.4) == 0.4
    assert target_ratio(None, None, None) is None
