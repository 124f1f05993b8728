"""A reload shows its changes; one that empties, shortens or drops stored data is refused unless accepted,
and every applied change is logged with who and when."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from models import Item, ProgrammeChange, Target
from models.db import Database
from tests.conftest import EXAMPLE
from tests.helpers import cli, snapshot

NOTE = "在做好防疫防控基础上，全力推进精品小区建设。按照区委区政府工作部署统筹做好 2021 年精品小区修缮计划。"
QUANTITY_10000 = "第5项 指标1“配送并指导开展全区各类公共文化活动”：数量 10000 → （空）（清空）"


def half_of_the_example(tmp_path: Path) -> Path:
    """The example cut in the middle of item 5's first target name: it still parses, and lacks items 6 to 12."""
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / "half.yaml"
    cut = "      - name: 配送并指导开展全区各类公共文"
    path.write_text(text[: text.index(cut) + len(cut)], encoding="utf-8")
    return path


def edited(tmp_path: Path, old: str, new: str) -> Path:
    """The example with one text (found exactly once) replaced."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "edited.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def log(db: Database) -> list[ProgrammeChange]:
    """The change log, oldest first."""
    with db.read() as session:
        return list(session.scalars(select(ProgrammeChange).order_by(ProgrammeChange.id)))


@pytest.fixture
def loaded(env: dict[str, str]) -> dict[str, str]:
    result = cli("load", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    return env


def test_half_the_example_loaded_over_the_full_one_is_refused_with_its_list_and_writes_nothing(
    db: Database, loaded: dict, tmp_path: Path
) -> None:
    before = snapshot(db)
    result = cli("load", str(half_of_the_example(tmp_path)))
    assert result.exit_code == 2, result.output
    assert "会清空或减少已有数据，已拒绝，未写入任何内容" in result.output
    assert "（--accept-changes）" in result.output
    lines = result.output.splitlines()
    for expected in (
        QUANTITY_10000,
        "第5项 指标1“配送并指导开展全区各类公共文化活动”：单位 “场” → （空）（清空）",
        "第5项 指标1“配送并指导开展全区各类公共文化活动”：完成期限 2020-12-31 → （空）（清空）",
        "第5项 指标1“配送并指导开展全区各类公共文化活动”：计数阶段 运营 → 完工（计数方式改变）",
        "第5项 指标2“开展群众文化团队指导”：文件中没有（已有记录保留，不删除）",
    ):
        assert f"  - {expected}" in lines
    assert sum("第12项“" in line for line in lines) == 1
    assert snapshot(db) == before


def test_a_dry_run_prints_the_same_list_and_writes_nothing(
    db: Database, loaded: dict, tmp_path: Path
) -> None:
    path = half_of_the_example(tmp_path)
    refused = [line[4:] for line in cli("load", str(path)).output.splitlines() if line.startswith("  - 第")]
    before = snapshot(db)
    dry = cli("load", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("【试运行，未写入】")
    marked = [line[4:] for line in dry.output.splitlines() if line.startswith("  ！ ")]
    assert marked == refused and QUANTITY_10000 in marked
    assert f"其中 {len(marked)} 处（！）会清空或减少已有数据" in dry.output
    assert snapshot(db) == before


def test_accepted_changes_are_applied_and_logged_with_who(db: Database, loaded: dict, tmp_path: Path) -> None:
    path = half_of_the_example(tmp_path)
    result = cli("load", str(path), "--accept-changes", "--by", "王五")
    assert result.exit_code == 0, result.output
    assert "已按确认（--accept-changes）应用" in result.output
    with db.read() as session:
        target = session.scalars(
            select(Target).join(Item).where(Item.number == 5, Target.position == 1)
        ).one()
        assert (target.quantity, target.unit, target.due_on, target.counting_stage) == (
            None,
            None,
            None,
            "completed",
        )
    rows = [r for r in log(db) if r.actor == "王五"]
    assert rows and all(r.destructive for r in rows)
    quantity = next(r for r in rows if r.field == "quantity")
    assert (quantity.old_value, quantity.new_value, quantity.reason) == ("10000", None, "清空")
    assert quantity.file == str(path) and quantity.checksum
    assert {r.change for r in rows} == {"updated", "missing"}
    assert cli("show", "12.1").exit_code == 0  # an item missing from the file is kept
    again = cli("load", str(path), "--accept-changes", "--by", "王五")
    assert again.exit_code == 0 and "数量" not in again.output
    assert len(log(db)) > len(rows) + 1  # the log only grows


def test_a_report_note_cut_in_the_middle_is_refused(db: Database, loaded: dict, tmp_path: Path) -> None:
    path = edited(tmp_path, NOTE, NOTE[:30])
    before = snapshot(db)
    result = cli("load", str(path))
    assert result.exit_code == 2, result.output
    assert "第1项 2020-09-30 进展报送：说明" in result.output and "（文字变短）" in result.output
    assert snapshot(db) == before


def test_additions_and_harmless_updates_apply_at_once_and_are_logged(
    db: Database, loaded: dict, tmp_path: Path
) -> None:
    last = "            note: 抓紧进度尽早开工\n"
    extra = "          - name: 2020 年精品小区第三批\n            quantity: 5\n            stage: 立项\n"
    path = edited(tmp_path, last, last.replace("抓紧进度尽早开工", "抓紧进度，尽早开工") + extra)
    result = cli("load", str(path), "--by", "李四")
    assert result.exit_code == 0, result.output
    assert "  - 子项目 1.3“2020 年精品小区第三批”：新增" in result.output
    assert (
        "  - 子项目 1.2“2020 年精品小区第二批”：说明 “抓紧进度尽早开工” → “抓紧进度，尽早开工”"
        in result.output
    )
    rows = [(r.place, r.field, r.change, r.destructive) for r in log(db) if r.actor == "李四"]
    assert rows == [
        ("子项目 1.2“2020 年精品小区第二批”", "note", "updated", False),
        ("子项目 1.3“2020 年精品小区第三批”", "", "added", False),
    ]


def test_the_first_load_logs_one_row_and_an_unchanged_reload_none(db: Database, loaded: dict) -> None:
    assert [(r.place, r.change, r.new_value) for r in log(db)] == [("计划", "added", "changning-2020")]
    assert cli("load", str(EXAMPLE)).exit_code == 0
    assert len(log(db)) == 1
