"""A group department's member offices are loaded from the file; a reload that changes them lists the
change, refuses a removal unless accepted, and logs it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from models import Department, ProgrammeChange
from models.db import Database
from services.loading.members import held_members
from tests.conftest import EXAMPLE
from tests.helpers import cli, snapshot

STREETS = [
    "华阳路街道",
    "江苏路街道",
    "新华路街道",
    "周家桥街道",
    "天山路街道",
    "仙霞新村街道",
    "虹桥街道",
    "程家桥街道",
    "北新泾街道",
    "新泾镇",
]
MEMBERS = "    members: [" + ", ".join(STREETS) + "]\n"


@pytest.fixture
def loaded(env: dict[str, str]) -> dict[str, str]:
    result = cli("load", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    return env


def members(db: Database) -> dict[str, list[str]]:
    """Each group of 长宁区 with its members' names."""
    with db.read() as session:
        groups = list(
            session.scalars(select(Department).where(Department.district == "长宁区", Department.is_group))
        )
        return held_members(session, groups)


def without_xinjing(tmp_path: Path) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(MEMBERS) == 1
    path = tmp_path / "fewer.yaml"
    path.write_text(text.replace(MEMBERS, MEMBERS.replace(", 新泾镇]", "]")), encoding="utf-8")
    return path


def test_the_example_loads_the_ten_street_offices_as_members_of_their_group(
    db: Database, loaded: dict
) -> None:
    assert members(db) == {"各街镇": sorted(STREETS), "相关街镇": []}


def test_a_reload_dropping_a_member_is_refused_with_its_line_and_writes_nothing(
    db: Database, loaded: dict, tmp_path: Path
) -> None:
    before = snapshot(db)
    result = cli("load", str(without_xinjing(tmp_path)))
    assert result.exit_code == 2, result.output
    line = next(x for x in result.output.splitlines() if "部门“各街镇”：成员" in x)
    assert line.endswith("（删去 新泾镇）")
    assert snapshot(db) == before


def test_an_accepted_member_change_is_applied_and_logged(db: Database, loaded: dict, tmp_path: Path) -> None:
    result = cli("load", str(without_xinjing(tmp_path)), "--accept-changes", "--by", "王五")
    assert result.exit_code == 0, result.output
    assert members(db)["各街镇"] == sorted(s for s in STREETS if s != "新泾镇")
    with db.read() as session:
        rows = list(session.scalars(select(ProgrammeChange).where(ProgrammeChange.actor == "王五")))
    assert [(r.place, r.field, r.destructive) for r in rows] == [("部门“各街镇”", "members", True)]
    again = cli("load", str(EXAMPLE), "--by", "王五")
    assert again.exit_code == 0, again.output
    assert members(db)["各街镇"] == sorted(STREETS)
