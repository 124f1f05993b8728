"""The three questions on the terminal: which items lag, who answers for them, what falls due this month."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.helpers import cli


@pytest.fixture
def loaded(env: dict[str, str]) -> dict[str, str]:
    assert cli("load", str(EXAMPLE)).exit_code == 0
    return env


def test_list_shows_each_items_status_on_the_day(loaded: dict[str, str]) -> None:
    data = json.loads(cli("list", "--as-of", "2020-09-30", "--json").output)
    statuses = {i["ref"]: i["status_label"] for i in data["items"]}
    assert statuses["1"] == "慢序时" and statuses["3"] == "按序时推进" and statuses["9"] == "已完成"
    text = cli("list", "--as-of", "2020-09-30").output
    assert "状态：慢序时  灯色：黄灯  主责：区房管局" in text


def test_list_shows_each_items_and_projects_light_beside_its_status(loaded: dict[str, str]) -> None:
    data = json.loads(cli("list", "--as-of", "2020-09-30", "--json").output)
    items = {i["ref"]: i for i in data["items"]}
    assert items["1"]["status"] == "slow" and items["1"]["light"]["colour"] == "yellow"
    assert items["9"]["light"]["colour"] == "green" and items["9"]["light"]["rule"]
    assert set(items["1"]["light"]) >= {"colour", "label", "rule", "red_periods", "listed"}
    project = items["1"]["projects"][0]
    assert project["status"] and project["light"]["label"] in {"绿灯", "黄灯", "红灯"}
    filtered = json.loads(cli("list", "--status", "慢序时", "--as-of", "2020-09-30", "--json").output)
    assert all(i["light"]["colour"] == "yellow" for i in filtered["items"] if i["status"] == "slow")
    text = cli("list", "--as-of", "2020-09-30").output
    assert f"{project['ref']:<6} " in text and f"{project['light']['label']}  {project['name']}" in text


def test_status_filter_finds_the_projects_of_a_lagging_item(loaded: dict[str, str]) -> None:
    result = cli("list", "--status", "慢序时", "--as-of", "2020-09-30", "--json")
    assert result.exit_code == 0
    items = json.loads(result.output)["items"]
    assert {i["ref"] for i in items} == {"1", "2", "4", "5", "6", "7", "10"}
    item1 = next(i for i in items if i["ref"] == "1")
    assert [p["ref"] for p in item1["projects"]] == ["1.1", "1.2"]  # on time each, listed through the item
    assert "没有符合条件" not in cli("list", "--status", "慢序时", "--as-of", "2020-09-30").output


def test_status_filter_also_finds_a_late_project_under_an_item_of_another_status(
    loaded: dict[str, str],
) -> None:
    items = json.loads(cli("list", "--status", "late", "--as-of", "2020-10-20", "--json").output)["items"]
    for item in items:
        if item["status"] != "late":
            assert item["projects"] and all(p["status"] == "late" for p in item["projects"])
    refs = {p["ref"] for i in items for p in i["projects"]}
    assert {"4.6", "4.10"} <= refs


def test_status_filter_with_stage_keeps_only_that_stage(loaded: dict[str, str]) -> None:
    items = json.loads(
        cli("list", "--status", "慢序时", "--stage", "完工", "--as-of", "2020-09-30", "--json").output
    )["items"]
    assert items and all(p["stage"] == "completed" for i in items for p in i["projects"])
    assert all(i["projects"] for i in items)


def test_due_lists_the_months_stages_with_lead_department_and_state(loaded: dict[str, str]) -> None:
    result = cli("due", "--month", "2020-10", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["month"] == "2020-10" and data["as_of"] == "2020-10-31"
    rows = {r["ref"]: r for r in data["rows"]}
    assert {"4.6", "4.7", "4.8", "4.9", "4.10", "7.1"} <= set(rows)
    assert rows["4.6"]["stage"] == "completed" and rows["4.6"]["due_on"] == "2020-10-15"
    assert rows["4.6"]["lead"] == ["区体育局"] and rows["4.6"]["state"] == "overdue"
    assert [r["ref"] for r in data["rows"]][:5] == ["4.6", "4.7", "4.8", "4.9", "4.10"]
    text = cli("due", "--month", "2020-10").output
    assert "【已逾期】子项目 4.6 第 6 个益智健身点：计划 2020-10-15 达到“完工”，目前“开工”" in text
    assert "牵头部门：区体育局  分管领导：—" in text


def test_due_leaves_out_a_stage_reached_by_then(loaded: dict[str, str]) -> None:
    before = json.loads(cli("due", "--month", "2020-10", "--json").output)["rows"]
    assert "4.6" in {r["ref"] for r in before}
    advanced = cli(
        "advance", "4.6", "--by", "张三", "--to", "完工", "--at", "2020-10-12",
        "--evidence", "竣工验收=长体验〔2020〕6号@2020-10-11",
    )  # fmt: skip
    assert advanced.exit_code == 0, advanced.output
    after = json.loads(cli("due", "--month", "2020-10", "--json").output)["rows"]
    assert "4.6" not in {r["ref"] for r in after}
    assert len(after) == len(before) - 1


def test_due_in_a_month_before_the_plans_dates_is_empty_and_says_so(loaded: dict[str, str]) -> None:
    assert json.loads(cli("due", "--month", "2020-03", "--json").output)["rows"] == []
    assert "本月没有到期或逾期的事项" in cli("due", "--month", "2020-03").output


def test_due_refuses_a_malformed_month(loaded: dict[str, str]) -> None:
    result = cli("due", "--month", "2020-13")
    assert result.exit_code == 2
    assert "月份格式应为 YYYY-MM" in result.output


def test_due_lists_a_milestone_of_the_month_and_an_earlier_one_still_unmet(
    env: dict[str, str], tmp_path: Path
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    first_due = "        due: 2020-12-31\n"
    assert first_due in text  # item 1's target, nothing counted yet
    milestones = "        milestones: [{period: 2020-09, ratio: 0.3}, {period: 2020-10, ratio: 0.6}, {period: 2020-12, ratio: 1}]\n"
    path = tmp_path / "with-milestones.yaml"
    path.write_text(text.replace(first_due, first_due + milestones, 1), encoding="utf-8")
    assert cli("load", str(path)).exit_code == 0
    rows = [
        r
        for r in json.loads(cli("due", "--month", "2020-10", "--json").output)["rows"]
        if r["kind"] == "milestone"
    ]
    assert [(r["ref"], r["period"], r["state"]) for r in rows] == [
        ("1#1", "2020-09", "overdue"),
        ("1#1", "2020-10", "due"),
    ]
    assert rows[1]["expected"] == 0.6 and rows[1]["progress"] == 0 and rows[1]["lead"] == ["区房管局"]
    assert (
        "【本月到期】指标 1#1 精品小区建设：节点 2020-10-31 应完成 60%，目前 0%"
        in cli("due", "--month", "2020-10").output
    )


def test_show_prints_each_stages_planned_and_actual_dates_in_chinese(loaded: dict[str, str]) -> None:
    advanced = cli(
        "advance", "4.6", "--by", "张三", "--to", "完工", "--at", "2020-10-12",
        "--evidence", "竣工验收=长体验〔2020〕6号@2020-10-11",
    )  # fmt: skip
    assert advanced.exit_code == 0, advanced.output
    project = cli("show", "4.6").output
    assert "各阶段日期：\n  完工  计划 2020-10-15  实际 2020-10-12" in project
    assert "completed" not in project
    item = cli("show", "4").output
    assert "4.7    开工    第 7 个益智健身点（正在安装）  完工 计划 2020-10-15 实际 —" in item
    data = json.loads(cli("show", "4.6", "--json").output)
    assert data["dates"]["completed"] == {
        "planned": "2020-10-15",
        "actual": "2020-10-12",
    }  # the old key stays
    assert data["stage_dates"] == [
        {"stage": "completed", "stage_label": "完工", "planned": "2020-10-15", "actual": "2020-10-12"}
    ]
