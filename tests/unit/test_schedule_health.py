"""Schedule-health arithmetic: the share of the year, a target's status word, and roll-ups."""

from __future__ import annotations

from datetime import date

import pytest

from states.health import Health, TargetFacts, rollup, target_health, target_progress, time_share


@pytest.mark.parametrize(
    ("day", "share"),
    [
        (date(2020, 9, 30), 0.75),
        (date(2020, 12, 31), 1.0),
        (date(2019, 12, 31), 0.0),
        (date(2021, 1, 1), 1.0),
    ],
)
def test_time_share_is_the_elapsed_part_of_the_programme_year(day: date, share: float) -> None:
    assert time_share(2020, day) == pytest.approx(share)


def test_time_share_grows_within_a_month() -> None:
    assert (
        time_share(2020, date(2020, 9, 1))
        < time_share(2020, date(2020, 9, 15))
        < time_share(2020, date(2020, 9, 30))
    )


def facts(**kw: object) -> TargetFacts:
    base = {"planned": 100.0, "achieved": 50.0, "reported_ratio": None, "expected": 0.5}
    return TargetFacts(**{**base, **kw})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "health"),
    [
        ({"achieved": 100.0}, Health.done),
        ({"achieved": 120.0}, Health.exceeded),
        ({"achieved": 40.0, "expected": 0.75}, Health.slow),
        ({"achieved": 80.0, "expected": 0.75}, Health.on_track),
        ({"achieved": 80.0, "late": 1, "projects": 3, "started": 2}, Health.late),
        ({"achieved": 0.0, "projects": 2}, Health.not_started),
        ({"achieved": 0.0, "projects": 2, "suspended": 2}, Health.suspended),
        ({"achieved": 0.0, "projects": 2, "suspended": 1, "cancelled": 1}, Health.suspended),
        ({"achieved": 0.0, "projects": 2, "cancelled": 2}, Health.cancelled),
        ({"achieved": None, "planned": None, "reported_ratio": 0.4, "expected": 0.75}, Health.slow),
    ],
)
def test_target_health_words(kw: dict, health: Health) -> None:
    assert target_health(facts(**kw)) is health


def test_progress_prefers_achieved_over_planned_and_falls_back_to_the_reported_ratio() -> None:
    assert target_progress(facts(achieved=30.0)) == pytest.approx(0.3)
    assert target_progress(facts(achieved=None, reported_ratio=0.4)) == pytest.approx(0.4)
    assert target_progress(facts(achieved=None, planned=None)) is None


def test_rollup_takes_the_most_severe_status() -> None:
    assert rollup([Health.exceeded, Health.slow, Health.done]) is Health.slow
    assert rollup([Health.suspended, Health.done, Health.done]) is Health.suspended
    assert rollup([Health.late, Health.slow]) is Health.late
    assert rollup([Health.exceeded, Health.exceeded]) is Health.exceeded
    assert rollup([Health.exceeded, Health.done]) is Health.done
    assert rollup([Health.cancelled, Health.cancelled]) is Health.cancelled
    assert rollup([Health.cancelled, Health.on_track]) is Health.on_track


@pytest.mark.parametrize(
    ("achieved", "health"),
    [(27.0, Health.on_track), (20.0, Health.on_track), (12.0, Health.slow), (None, Health.not_started)],
)
def test_a_target_without_a_years_quantity_is_judged_by_its_milestones_amount(
    achieved: float | None, health: Health
) -> None:
    facts = TargetFacts(
        planned=None, achieved=achieved, reported_ratio=None, expected=0.5, milestone_quantity=20
    )
    assert target_health(facts) is health
