"""YAML reading guards: aliases are refused at once, so a small file cannot expand exponentially."""

from __future__ import annotations

import pytest

from services.loading.errors import ProgrammeFileError
from services.loading.source import parse_yaml

BOMB = "a: &x [1, 2, 3, 4, 5, 6, 7, 8]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 8)}]\n"
    for prev, name in zip("xbcdefg", "bcdefgh", strict=False)
)


def test_an_alias_chain_is_refused_at_once() -> None:
    with pytest.raises(ProgrammeFileError) as caught:
        parse_yaml(BOMB, "bomb.yaml")
    problems = caught.value.problems
    assert problems and all("别名" in p.message for p in problems)
    assert len(problems) == 8 * 7  # every alias reference, each reported once, none expanded
    assert all(1 <= p.line <= BOMB.count("\n") for p in problems)


def test_a_file_without_aliases_reads_with_its_lines() -> None:
    data, lines = parse_yaml("items:\n  - number: 1\n    title: 甲\n", "ok.yaml")
    assert data == {"items": [{"number": 1, "title": "甲"}]}
    assert lines[("items", 0, "title")] == 3
