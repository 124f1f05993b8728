"""`shishi report publish`, `shishi report diff` and the notices of the terminal, in-process."""

from __future__ import annotations

import json
from datetime import date

import pytest

from models.db import Database
from services.stage_change.request import EvidenceInput, StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE
from tests.helpers import cli, snapshot


@pytest.fixture
def loaded(env: dict[str, str], db_url: str) -> Database:
    assert cli("load", str(EXAMPLE)).exit_code == 0
    return Database(db_url)


def _published(db: Database) -> None:
    result = cli("report", "publish", "--period", "2020-09", "--by", "区府办")
    assert result.exit_code == 0, result.output
    assert "已发布 2020-09 第 1 版（区府办" in result.output and "校验和（sha256）" in result.output


def test_republishing_without_new_version_exits_2_in_chinese_and_writes_nothing(loaded: Database) -> None:
    _published(loaded)
    before = snapshot(loaded)
    result = cli("report", "publish", "--period", "2020-09", "--by", "区府办")
    assert result.exit_code == 2
    assert "2020-09 已发布（第 1 版）" in result.output and "--new-version" in result.output
    assert snapshot(loaded) == before
    again = cli(
        "report", "publish", "--period", "2020-09", "--by", "区府办", "--new-version", "--reason", "更正"
    )
    assert again.exit_code == 0 and "第 2 版" in again.output and "原因：更正" in again.output


def test_regenerating_a_published_period_says_it_writes_the_published_report(loaded: Database) -> None:
    _published(loaded)
    result = cli("report", "--period", "2020-09")
    assert result.exit_code == 0
    assert "本期报告已发布（第 1 版）：写出的是已发布的报告" in result.output


def test_a_progress_report_dated_inside_a_published_period_prints_the_notice(loaded: Database) -> None:
    _published(loaded)
    inside = cli("progress", "2", "--by", "区民政局", "--target", "3", "--done", "3", "--as-of", "2020-09-20")
    assert inside.exit_code == 0
    assert "注意：2020-09 已发布，已发布的报告不受影响" in inside.output
    after = cli("progress", "2", "--by", "区民政局", "--target", "3", "--done", "3", "--as-of", "2020-10-12")
    assert after.exit_code == 0 and "注意" not in after.output


def test_a_judgement_dated_inside_a_published_period_prints_the_notice(loaded: Database) -> None:
    _published(loaded)
    result = cli("status", "3", "慢序时", "--reason", "进度偏慢", "--at", "2020-09-15")
    assert result.exit_code == 0 and "注意：2020-09 已发布" in result.output


def test_diff_names_item_2s_meal_point_after_the_demos_october_change(loaded: Database) -> None:
    _published(loaded)
    with UnitOfWork(loaded) as uow:
        evidence = (EvidenceInput("acceptance", "长民验〔2020〕3号", date(2020, 10, 9)),)
        request = StageChange(
            ref="2.8", event="advance", actor="张三", at=date(2020, 10, 10), evidence=evidence
        )
        change_stage(uow, request, date(2020, 10, 20))
    text = cli("report", "diff", "--period", "2020-10")
    assert text.exit_code == 0, text.output
    assert "2020-10 与 2020-09 相比（2020-09：已发布第 1 版" in text.output
    assert "2.8 第 5 个老年助餐点：开工 → 完工" in text.output
    data = json.loads(cli("report", "diff", "--period", "2020-10", "--against", "2020-09", "--json").output)
    item = next(i for i in data["items"] if i["number"] == 2)
    assert [m["ref"] for m in item["moved"]] == ["2.8"]


def test_diff_of_a_malformed_period_exits_2(loaded: Database) -> None:
    result = cli("report", "diff", "--period", "2020-13")
    assert result.exit_code == 2 and "YYYY-MM" in result.output
