"""The SQL forms of the counting rule give, on each database, what the Python rule gives, for every stage pair."""

from __future__ import annotations

from itertools import product

from sqlalchemy import String, case, literal, select, union_all

from models.db import Database
from services.sql_rules import counts as counts_sql
from services.sql_rules import reached, short_of
from services.sql_rules import short as short_sql
from states.counting import counts, short
from states.stages import MAIN_LINE, Stage

PAIRS = list(product(Stage, Stage))


def _pairs_table():
    """Every (stage, other stage) pair as a table of two text columns."""
    rows = [
        select(literal(a.code, String).label("stage"), literal(b.code, String).label("other"))
        for a, b in PAIRS
    ]
    return union_all(*rows).subquery("pairs")


def _evaluate(db: Database, predicate) -> dict[tuple[str, str], bool]:
    pairs = _pairs_table()
    query = select(pairs.c.stage, pairs.c.other, case((predicate(pairs.c), 1), else_=0))
    with db.read() as session:
        return {(s, o): bool(v) for s, o, v in session.execute(query)}


def test_the_sql_counting_rule_equals_the_python_rule_for_every_pair(db: Database) -> None:
    got = _evaluate(db, lambda c: counts_sql(c.stage, c.other))
    assert got == {(a.code, b.code): counts(a, b) for a, b in PAIRS}
    assert sum(got.values()) == 15  # the 5 + 4 + 3 + 2 + 1 main-line pairs: the check sees both answers


def test_the_in_lists_equal_the_python_rule_for_every_stage_and_goal(db: Database) -> None:
    for goal in MAIN_LINE:
        got = _evaluate(db, lambda c, g=goal: reached(c.stage, g))
        assert {s: v for (s, _), v in got.items()} == {s.code: counts(s, goal) for s in Stage}
        got = _evaluate(db, lambda c, g=goal: short_of(c.stage, g))
        expected = {s.code: s.is_main and not counts(s, goal) for s in Stage}
        assert {s: v for (s, _), v in got.items()} == expected


def test_the_sql_milestone_rule_equals_the_python_rule_for_every_pair(db: Database) -> None:
    got = _evaluate(db, lambda c: short_sql(c.stage, c.other))
    assert got == {(a.code, b.code): short(a, b) for a, b in PAIRS}
    assert sum(got.values()) == 10  # 4 + 3 + 2 + 1 main-line pairs short of their goal
