"""The example programme through the CLI, as a district administrator would use it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.helpers import cli


@pytest.fixture
def loaded(env: dict[str, str]) -> dict[str, str]:
    assert cli("load", str(EXAMPLE)).exit_code == 0
    return env


def test_loading_the_example_twice_changes_nothing(loaded: dict[str, str]) -> None:
    again = cli("load", str(EXAMPLE))
    assert again.exit_code == 0
    assert "无变化" in again.output


def test_show_item_2_reports_the_meal_points_per_stage_as_the_seed_does(loaded: dict[str, str]) -> None:
    result = cli("show", "2", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    meals = next(t for t in data["targets"] if "助餐点" in t["name"])
    texts = [s["text"] for s in meals["stages"]]
    assert texts[:4] == ["2个点位已正式运营", "2个点位已完成装修", "3个点位正在装修", "2个点位已开工装修"]
    assert texts[4].startswith("1个点位") and "管网铺设" in texts[4]
    assert sum(s["count"] for s in meals["stages"]) == 10
    text = cli("show", "2").output
    assert "2个点位已正式运营；2个点位已完成装修；3个点位正在装修" in text
    centres = next(t for t in data["targets"] if "日间服务中心" in t["name"])  # 家 counted in 个: one each
    assert centres["stages"][0]["text"] == "1家已竣工", centres["stages"]


def test_show_writes_numbers_beside_their_units_as_the_reports_do(loaded: dict[str, str]) -> None:
    text = cli("show", "2").output
    assert "指标3：新增老年人助餐点  目标 10个  完成 2个（20%）" in text
    assert "  250张已完成，正式运营" in text and "140张已完成；60张正在走流程" in text
    assert "1家已竣工；1家正在装修" in text
    stage_lines = [line for line in text.splitlines() if line.startswith("  ") and "；" in line]
    assert stage_lines and not any(re.search(r"\d [个张家]", line) for line in stage_lines), stage_lines
    first = cli("show", "1").output
    assert "目标 100万平方米  完成 0万平方米（0%）" in first and "46万平方米已开工" in first


def test_advance_refuses_without_evidence_and_lists_every_unmet_prerequisite(loaded: dict[str, str]) -> None:
    before = json.loads(cli("show", "2.8", "--json").output)
    result = cli("advance", "2.8", "--by", "张三")
    assert result.exit_code == 1
    assert "缺少要件：竣工验收" in result.output
    after = json.loads(cli("show", "2.8", "--json").output)
    assert after["stage"] == before["stage"] == "construction"
    assert after["version"] == before["version"]


def test_advance_with_evidence_moves_the_stage_and_records_history(loaded: dict[str, str]) -> None:
    result = cli(
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
    assert result.exit_code == 0, result.output
    assert "开工 → 完工" in result.output
    shown = json.loads(cli("show", "2.8", "--json").output)
    assert shown["stage"] == "completed" and shown["stage_label"] == "完工"
    assert shown["dates"]["completed"]["actual"] == "2020-10-10"
    history = json.loads(cli("history", "2.8", "--json").output)["transitions"]
    assert [t["event"] for t in history] == ["load", "advance"]
    assert history[-1]["actor"] == "张三"
    assert history[-1]["evidence"][0]["doc_no"] == "长民验〔2020〕3号"


def test_skipping_a_stage_is_refused_with_exit_1(loaded: dict[str, str]) -> None:
    result = cli("advance", "2.14", "--by", "张三", "--to", "运营")
    assert result.exit_code == 1
    assert "不能跳过阶段" in result.output


def test_list_json_is_a_stable_contract(loaded: dict[str, str]) -> None:
    data = json.loads(cli("list", "--json").output)
    assert [i["ref"] for i in data["items"]] == [str(n) for n in range(1, 13)]
    project = data["items"][1]["projects"][0]
    assert {"ref", "name", "stage", "stage_label"} <= set(project)
    assert project["ref"] == "2.1"
    suspended = json.loads(cli("list", "--stage", "暂停", "--json").output)["items"]
    assert [p["ref"] for i in suspended for p in i["projects"]] == ["12.1"]


def test_suspend_and_resume_return_to_the_stage_left(loaded: dict[str, str]) -> None:
    assert cli("suspend", "2.9", "--by", "李四", "--reason", "消防整改").exit_code == 0
    assert json.loads(cli("show", "2.9", "--json").output)["stage"] == "suspended"
    refused = cli("advance", "2.9", "--by", "李四")
    assert refused.exit_code == 1 and "请先恢复" in refused.output
    assert cli("resume", "2.9", "--by", "李四").exit_code == 0
    assert json.loads(cli("show", "2.9", "--json").output)["stage"] == "construction"


def test_unknown_reference_is_bad_input(loaded: dict[str, str]) -> None:
    result = cli("show", "99.1")
    assert result.exit_code == 2
    assert "没有" in result.output


def test_commands_before_init_ask_for_init(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHISHI_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    result = cli("list")
    assert result.exit_code == 2
    assert "shishi init" in result.output


def test_a_judgement_on_a_project_says_the_report_applies_it_at_once(loaded: dict[str, str]) -> None:
    project = cli("status", "4.6", "按序时推进", "--reason", "场地移交推迟", "--by", "王科长")
    assert project.exit_code == 0
    assert "4.6 认定为“按序时推进”" in project.output and "报告的滞后清单即刻采用" in project.output
    item = cli("status", "6", "按序时推进", "--reason", "入户改造集中在四季度")
    assert item.exit_code == 0 and "自下一次夜间计算起生效" in item.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("suspend", "2.9", "--by", "李四", "--reason", " "), "暂停须写明原因（--reason）"),
        (("cancel", "2.9", "--by", " ", "--reason", "资金取消"), "操作人不能为空且不超过 100 字（--by）"),
        (
            ("evidence", "2.9", "施工许可", "--ref", " ", "--date", "2020-08-01"),
            "请写明文号，不超过 200 字（--ref）",
        ),
        (
            ("progress", "2", "--by", "民政局"),
            "请至少报送一项：完成数量、完成情况、存在问题或下一步打算（--done、--note、--problems、--next）",
        ),
        (("status", "4.6", "按序时推进", "--reason", " "), "请写明原因，不超过 2000 字（--reason）"),
    ],
)
def test_bad_input_names_the_command_line_flag_to_fix(
    loaded: dict[str, str], args: tuple[str, ...], message: str
) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == message  # after any Prefect start-up notice
