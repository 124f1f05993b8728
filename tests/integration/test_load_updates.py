"""Reloading a programme file updates what changed, keeps what the system recorded, and says so."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, func, select

from models import Project, Transition
from models.db import Database
from services.loading.reader import read_programme_file
from tests.conftest import EXAMPLE
from tests.helpers import cli, snapshot

TITLE = "实施 100 万平方米精品小区建设"
FIRST_BATCH = "          - name: 2020 年精品小区第一批\n            quantity: 46\n"


def edited(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """A copy of the example with each `old` text (found exactly once) replaced by `new`."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    path = tmp_path / "changning-2020-edited.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rows(db: Database) -> dict[tuple[str, Any], dict[str, Any]]:
    """Every row of every table, keyed by (table, primary key), as column → value."""
    meta = MetaData()
    meta.reflect(db.engine)
    out: dict[tuple[str, Any], dict[str, Any]] = {}
    with db.engine.connect() as conn:
        for name, table in meta.tables.items():
            key = [c.name for c in table.primary_key.columns] or [c.name for c in table.columns]
            for row in conn.execute(select(table)).mappings():
                out[(name, tuple(row[k] for k in key))] = dict(row)
    return out


def changes(before: dict, after: dict) -> set[tuple[str, str]]:
    """(table, column) of every value that differs; ('table', '+') / ('table', '-') for added/removed rows."""
    out = {(key[0], "+") for key in after.keys() - before.keys()}
    out |= {(key[0], "-") for key in before.keys() - after.keys()}
    for key in before.keys() & after.keys():
        out |= {(key[0], col) for col, value in before[key].items() if after[key][col] != value}
    return out


@pytest.fixture
def loaded(env: dict[str, str]) -> dict[str, str]:
    result = cli("load", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    assert "新增计划 1" in result.output
    return env


def test_loading_the_example_again_prints_no_change_and_changes_no_row(db: Database, loaded: dict) -> None:
    before = snapshot(db)
    again = cli("load", str(EXAMPLE))
    assert again.exit_code == 0, again.output
    assert "无变化" in again.output
    assert "注意" not in again.output
    assert snapshot(db) == before


def test_an_edited_title_and_quantity_update_exactly_those_and_are_counted(
    db: Database, loaded: dict, tmp_path: Path
) -> None:
    path = edited(
        tmp_path,
        (TITLE, "实施 120 万平方米精品小区建设"),
        (FIRST_BATCH, FIRST_BATCH.replace("quantity: 46", "quantity: 50")),
    )
    before = rows(db)
    result = cli("load", str(path))
    assert result.exit_code == 0, result.output
    assert "更新项目 1" in result.output and "更新子项目 1" in result.output
    assert "新增" not in result.output and "更新指标" not in result.output
    after = rows(db)
    assert changes(before, after) == {
        ("items", "title"),
        ("projects", "quantity"),
        ("projects", "version"),
        ("projects", "updated_at"),
        ("programmes", "source_checksum"),
        ("programme_changes", "+"),
        ("revisions", "n"),  # the pages that show the programme are read afresh
    }
    logged = sorted(
        (r["field"], r["old_value"], r["new_value"], r["actor"], r["destructive"])
        for k, r in after.items()
        if k[0] == "programme_changes" and k not in before
    )
    assert logged == [
        ("quantity", "46", "50", "计划导入", False),
        ("title", TITLE, "实施 120 万平方米精品小区建设", "计划导入", False),
    ]
    assert "第1项“实施 100 万平方米精品小区建设”：标题" in result.output
    changed_items = [k for k in before if k[0] == "items" and before[k] != after[k]]
    assert [after[k]["title"] for k in changed_items] == ["实施 120 万平方米精品小区建设"]
    changed_projects = [k for k in before if k[0] == "projects" and before[k] != after[k]]
    assert len(changed_projects) == 1
    project = after[changed_projects[0]]
    assert project["name"] == "2020 年精品小区第一批"
    assert float(project["quantity"]) == 50
    assert project["version"] == before[changed_projects[0]]["version"] + 1
    shown = json.loads(cli("show", "1", "--json").output)
    assert shown["title"] == "实施 120 万平方米精品小区建设"

    again = cli("load", str(path))
    assert again.exit_code == 0 and "无变化" in again.output


def test_a_stage_changed_by_advance_is_kept_when_the_unchanged_file_is_reloaded(
    db: Database, loaded: dict
) -> None:
    advanced = cli(
        "advance",
        "2.8",
        "--by",
        "张三",
        "--to",
        "完工",
        "--at",
        "2020-10-10",
        "--evidence",
        "竣工验收=长民验〔2020〕3号@2020-10-09",
    )
    assert advanced.exit_code == 0, advanced.output
    before = snapshot(db)
    again = cli("load", str(EXAMPLE))
    assert again.exit_code == 0, again.output
    assert "2.8 阶段以系统记录“完工”为准（文件中为“开工”）" in again.output
    assert "无变化" in again.output
    assert snapshot(db) == before
    shown = json.loads(cli("show", "2.8", "--json").output)
    assert shown["stage"] == "completed"
    assert shown["dates"]["completed"]["actual"] == "2020-10-10"


def test_a_reload_updates_other_fields_of_an_advanced_project_but_not_its_stage(
    db: Database, loaded: dict, tmp_path: Path
) -> None:
    assert cli("suspend", "2.9", "--by", "李四", "--reason", "消防整改").exit_code == 0
    path = edited(tmp_path, ("- name: 第 6 个老年助餐点", "- name: 第 6 个老年助餐点（华阳路）"))
    result = cli("load", str(path))
    assert result.exit_code == 0, result.output
    assert "更新子项目 1" in result.output
    assert "2.9 阶段以系统记录“暂停”为准（文件中为“开工”）" in result.output
    shown = json.loads(cli("show", "2.9", "--json").output)
    assert shown["name"] == "第 6 个老年助餐点（华阳路）"
    assert shown["stage"] == "suspended"
    history = json.loads(cli("history", "2.9", "--json").output)["transitions"]
    assert [t["event"] for t in history] == ["load", "suspend"]


def test_items_missing_from_the_file_are_refused_and_kept_when_accepted(
    db: Database, loaded: dict, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    cut = text.index("  # 12 爱心暑托班与普惠性托育点")
    path = tmp_path / "without-item-12.yaml"
    path.write_text(text[:cut], encoding="utf-8")
    before = snapshot(db)
    refused = cli("load", str(path))
    assert refused.exit_code == 2, refused.output
    assert "第12项“开设爱心暑托班" in refused.output and "连同其 3 个指标、3 个子项目" in refused.output
    assert "第11项" not in refused.output
    assert snapshot(db) == before

    accepted = cli("load", str(path), "--accept-changes", "--by", "王五")
    assert accepted.exit_code == 0, accepted.output
    assert "无变化" in accepted.output and "已记入改动记录 1 条" in accepted.output
    after = rows(db)
    logged = [r for k, r in after.items() if k[0] == "programme_changes" and r["actor"] == "王五"]
    assert [(r["change"], r["destructive"]) for r in logged] == [("missing", True)]
    listed = json.loads(cli("list", "--json").output)
    assert [i["ref"] for i in listed["items"]][-1] == "12"
    assert cli("show", "12.1").exit_code == 0


@pytest.mark.parametrize("second", ["same-file", "file-with-a-new-project"])
def test_every_project_has_exactly_one_load_transition_after_two_loads(
    db: Database, loaded: dict, tmp_path: Path, second: str
) -> None:
    path = EXAMPLE
    if second == "file-with-a-new-project":
        last = "            note: 抓紧进度尽早开工\n"
        extra = "          - name: 2020 年精品小区第三批\n            quantity: 5\n            stage: 立项\n"
        path = edited(tmp_path, (last, last + extra))
    result = cli("load", str(path))
    assert result.exit_code == 0, result.output
    with db.read() as session:
        projects = session.scalar(select(func.count()).select_from(Project))
        loads = dict(
            session.execute(
                select(Transition.project_id, func.count())
                .where(Transition.event == "load")
                .group_by(Transition.project_id)
            ).all()
        )
        others = session.scalar(
            select(func.count()).select_from(Transition).where(Transition.event != "load")
        )
    spec = read_programme_file(path, date.today()).spec
    assert projects == sum(len(t.projects) for item in spec.items for t in item.targets)
    assert len(loads) == projects
    assert set(loads.values()) == {1}
    assert others == 0
