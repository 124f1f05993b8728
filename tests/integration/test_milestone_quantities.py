"""A milestone may state the amount due by its period (计划二季度完成 20 场), in its target's unit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Milestone, Programme
from models.db import Database
from services.loading.apply import load_programme
from services.loading.errors import ProgrammeFileError
from services.loading.reader import read_programme_file
from services.unit_of_work import UnitOfWork
from services.views.due import due_in_month

TODAY = date(2021, 10, 31)
FILE = """\
programme:
  code: q-2021
  name: 测试市2021年民生实事
  year: 2021
departments:
  - name: 市文旅局
items:
  - number: 1
    title: 开展公益演出
    lead: [市文旅局]
    targets:
      - name: 公益演出
{target}        counts_at: 运营
        milestones:
          - period: 2021-Q2
{milestone}"""


def _write(tmp_path: Path, target: str, milestone: str) -> Path:
    path = tmp_path / "q.yaml"
    path.write_text(FILE.format(target=target, milestone=milestone), encoding="utf-8")
    return path


def _load(db: Database, path: Path) -> None:
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)


def _milestone(db: Database) -> tuple[Decimal | None, Decimal | None]:
    with db.read() as session:
        row = session.execute(select(Milestone.expected_quantity, Milestone.expected_ratio)).one()
    return row[0], row[1]


def test_an_amount_due_gives_the_share_of_the_years_quantity(db: Database, tmp_path: Path) -> None:
    _load(db, _write(tmp_path, "        quantity: 80\n        unit: 场\n", "            quantity: 20\n"))
    assert _milestone(db) == (Decimal(20), Decimal("0.25"))


def test_an_amount_due_without_a_years_quantity_keeps_no_share(db: Database, tmp_path: Path) -> None:
    _load(db, _write(tmp_path, "        unit: 场\n", "            quantity: 20\n"))
    assert _milestone(db) == (Decimal(20), None)


def test_a_written_share_is_kept_beside_the_amount(db: Database, tmp_path: Path) -> None:
    _load(
        db,
        _write(
            tmp_path,
            "        quantity: 80\n        unit: 场\n",
            "            quantity: 20\n            ratio: 0.3\n",
        ),
    )
    assert _milestone(db) == (Decimal(20), Decimal("0.3"))


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "节点写明数量时，指标须写明单位（unit）"),
        ("        quantity: 10\n        unit: 场\n", "节点数量 20 超过指标数量 10"),
    ],
    ids=["no-unit", "more-than-the-year"],
)
def test_a_bad_amount_due_is_refused_in_chinese_and_nothing_is_written(
    db: Database, tmp_path: Path, target: str, message: str
) -> None:
    path = _write(tmp_path, target, "            quantity: 20\n")
    with pytest.raises(ProgrammeFileError) as refused:
        _load(db, path)
    problems = refused.value.problems
    assert [p.field for p in problems] == ["items[0].targets[0].milestones[0].quantity"]
    assert message in problems[0].message
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Programme)) == 0


@pytest.mark.parametrize(("achieved", "listed"), [(27, False), (12, True)], ids=["reached", "short"])
def test_the_due_list_names_a_milestone_only_while_its_amount_is_not_reached(
    db: Database, tmp_path: Path, achieved: int, listed: bool
) -> None:
    reported = f"        reports:\n          - as_of: 2021-06-30\n            achieved: {achieved}\n        milestones:\n"
    path = tmp_path / "q.yaml"
    text = FILE.replace("        milestones:\n", reported)
    path.write_text(
        text.format(target="        unit: 场\n", milestone="            quantity: 20\n"), encoding="utf-8"
    )
    _load(db, path)
    with db.read() as session:
        rows = due_in_month(session, "q-2021", "2021-06", TODAY)["rows"]
    assert [r["kind"] for r in rows] == (["milestone"] if listed else [])
