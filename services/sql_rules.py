"""The SQL forms of the counting rule, built from states.counting: plain IN lists of constants, no CASE, no binds."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, literal_column, or_

from states.counting import counting_codes, short_codes
from states.stages import MAIN_LINE, Stage


def _code(code: str) -> ColumnElement[str]:
    return literal_column(f"'{code}'")


def _among(column: Any, codes: tuple[str, ...]) -> ColumnElement[bool]:
    """`column IN ('a', 'b')` written out; an empty list is false."""
    return column.in_([_code(c) for c in codes]) if codes else false()


def reached(column: Any, goal: Stage) -> ColumnElement[bool]:
    """The stage in `column` is on the main line at or past `goal` (a plain IN list)."""
    return _among(column, counting_codes(goal))


def short_of(column: Any, goal: Stage) -> ColumnElement[bool]:
    """The stage in `column` is on the main line and has not reached `goal` (a plain IN list)."""
    return _among(column, short_codes(goal))


def counts(stage: Any, counting_stage: Any) -> ColumnElement[bool]:
    """A project at the stage in `stage` counts toward a target counted at `counting_stage` (IN lists, no CASE)."""
    return or_(*(and_(counting_stage == _code(c.code), reached(stage, c)) for c in MAIN_LINE))


def short(stage: Any, goal: Any) -> ColumnElement[bool]:
    """A project at the stage in `stage` is on the main line short of the stage in `goal` (IN lists, no CASE)."""
    return or_(*(and_(goal == _code(g.code), short_of(stage, g)) for g in MAIN_LINE))
