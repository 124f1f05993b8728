"""Programmes transcribed from other places' published bulletins load, and their reports state the figures.

眉山市 2019 is a numeric completion table (目标任务, 进度, 完成比例); 大连市 2021 states each project's
节点目标 (N月 or 二季度) against what was done, in two periods (截至 6 月底, 截至 9 月底).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Milestone, Target
from models.db import Database
from reports.narrative import markdown, table_markdown
from reports.service import gather_report, generate
from services.health.compute import compute_health
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.refs import resolve_programme
from services.reporting.data import gather
from services.unit_of_work import UnitOfWork
from tests.conftest import ROOT

MEISHAN = ROOT / "examples" / "meishan-2019.yaml"
DALIAN = ROOT / "examples" / "dalian-2021.yaml"

# 全市 row of the table: 指标 → (目标任务, 进度, 完成比例 as published)
MEISHAN_TABLE = {
    "城镇新增就业": ("27800", "52242", "187.9"),
    "城镇失业人员再就业": ("4400", "5358", "121.8"),
    "就业困难人员就业": ("2000", "2464", "123.2"),
    "下岗失业人员再就业": ("400", "1089", "272.3"),
    "劳务品牌培训": ("1100", "1140", "103.64"),
    "青年劳动者技能培训": ("3000", "3314", None),
}
MEISHAN_DEPARTMENTS = ("市人力资源社会保障局", "市总工会", "市妇联", "团市委", "市农业农村局")

# 截至 6 月底: (节点目标 words, achieved); 截至 9 月底 likewise
DALIAN_JUNE = {
    "铸铁管网改造": ("6月目标：完成7公里", "22.12公里"),
    "人行过街天桥工程量": ("6月目标：完成5%", "6%"),
    "公益惠民演出活动": ("6月目标：完成20场", "27场"),
    "“阅见南山”活动": ("6月目标：完成9场", "11场"),
    "为学生和家长开展心理健康讲座50场": (None, "60场"),
}
DALIAN_SEPTEMBER = {
    "老旧小区改造总工程量": ("9月目标：完成30%", "70.8%"),
    "供热管网改造40公里": ("9月目标：完成20公里", "23.4公里"),
    "维修改造锅炉146台": (None, "118台"),
    "为学生和家长开展心理健康讲座50场": (None, "90场"),
    "公共场所安装自动体外除颤器100台": (None, "100台"),
}
DALIAN_SEPTEMBER_FIGURES = (
    "6.22",
    "23520.84",
    "13822.04",
    "48987",
    "6449",
    "13.1",
    "180%",
    "24500",
    "80.8%",
    "58.5%",
    "1100",
    "8.65",
)


def _load(db: Database, path: Path, today: date) -> None:
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, today), "测试", today)


def _report(db: Database, code: str, period: str) -> tuple[str, str]:
    with db.read() as session:
        data = gather(session, code, period)
    return markdown(data), table_markdown(data)


def _sentence(report: str, head: str) -> str:
    """The sentence of the narrative that starts with a target's name (and planned quantity)."""
    found = re.search(re.escape(head) + r"[^。]*。", report)
    assert found, f"no sentence for {head!r} in the report"
    return found.group(0)


@pytest.fixture
def meishan(db: Database) -> Database:
    _load(db, MEISHAN, date(2020, 1, 22))
    return db


@pytest.fixture
def dalian(db: Database) -> Database:
    _load(db, DALIAN, date(2021, 10, 31))
    return db


def test_meishan_states_each_published_target_achievement_and_rate(meishan: Database) -> None:
    narrative, table = _report(meishan, "meishan-2019", "2019-12")
    for name, (target, done, rate) in MEISHAN_TABLE.items():
        sentence = _sentence(narrative, f"{name}{target}人")
        assert done in sentence, sentence
        if rate is not None:
            assert rate in sentence, sentence
            assert sentence.count("%") == 1, sentence  # the published rate, not a computed one beside it
    assert "3.57" in narrative and "4.3%" in narrative  # 城镇登记失业率, an upper bound
    for name in MEISHAN_DEPARTMENTS:
        assert name in narrative and name in table


def test_meishan_reports_as_a_completed_year(meishan: Database) -> None:
    narrative, table = _report(meishan, "meishan-2019", "2019-12")
    assert "1-12月" in narrative.splitlines()[0]
    assert "已完成（含超额完成）2项" in table


def test_each_example_reports_in_its_published_family(meishan: Database) -> None:
    _load(meishan, DALIAN, date(2021, 10, 31))
    completion, _ = _report(meishan, "meishan-2019", "2019-12")
    assert completion.splitlines()[0] == "# 眉山市2019年十大民生工程1-12月完成情况"
    assert (
        "1-12月实际完成52242人" in completion and "备注：" in completion
    )  # B: 目标任务、实际完成、完成率、备注
    progress, _ = _report(meishan, "dalian-2021", "2021-09")
    assert "进展情况：" in progress and "存在问题及下步打算：" in progress  # C: 节点目标对进展
    assert "目标完成情况：按序时推进。" in progress


def test_dalian_reports_in_every_format(dalian: Database, tmp_path: Path) -> None:
    files = generate(dalian, "dalian-2021", "2021-09", ("md", "html", "docx", "xlsx"), tmp_path)
    assert {f["format"] for f in files} == {"md", "html", "docx", "xlsx"}
    assert all(Path(f["path"]).stat().st_size > 0 for f in files)


@pytest.mark.parametrize("path", [MEISHAN, DALIAN], ids=["meishan", "dalian"])
def test_each_example_cites_its_published_source_and_what_it_left_out(path: Path) -> None:
    header = path.read_text(encoding="utf-8").split("\nprogramme:")[0]
    assert "来源" in header and re.search(r"https?://\S+", header)
    assert "未能转录" in header


def test_dalian_states_each_june_milestone_against_what_was_done(dalian: Database) -> None:
    narrative, table = _report(dalian, "dalian-2021", "2021-06")
    for head, (due, done) in DALIAN_JUNE.items():
        sentence = _sentence(narrative, head)
        assert done in sentence, sentence
        if due is not None:
            assert due in sentence, sentence
    assert "提前完成8月份节点任务" in narrative and "提前一个月完成6月份节点任务" in narrative
    for due in (due for due, _ in DALIAN_JUNE.values() if due):
        assert narrative.count(due) == 1, due  # each 节点目标 once, beside what was done
    assert "大连市人民政府" in table
    with dalian.read() as session:
        programme = resolve_programme(session, "dalian-2021")
        items = compute_health(session, programme, date(2021, 6, 30)).summary.items
    assert all(items[n] == "on_track" for n in ("10", "11", "12", "13")), items  # each beat its 节点目标


def test_dalian_states_each_september_milestone_and_figure(dalian: Database) -> None:
    narrative, _ = _report(dalian, "dalian-2021", "2021-09")
    for head, (due, done) in DALIAN_SEPTEMBER.items():
        sentence = _sentence(narrative, head)
        assert done in sentence, sentence
        if due is not None:
            assert due in sentence, sentence
    missing = [n for n in DALIAN_SEPTEMBER_FIGURES if n not in narrative]
    assert not missing, f"published figures missing from the 1-9 月 report: {missing}"
    assert "1-9月" in narrative.splitlines()[0]
    assert "存在问题及下步打算：惠及" not in narrative  # reported figures are progress, not problems


def test_dalian_milestone_amounts_give_the_planned_share_only_where_the_year_total_is_known(
    dalian: Database,
) -> None:
    with dalian.read() as session:
        rows = session.execute(
            select(Target.name, Milestone.expected_quantity, Milestone.expected_ratio).join(Milestone)
        ).all()
    shares = {name: (qty, ratio) for name, qty, ratio in rows}
    assert shares["供热管网改造"] == (Decimal(20), Decimal("0.5"))  # 20 of 40 公里
    assert shares["铸铁管网改造"] == (Decimal(7), None)  # the year's total was not published
    assert shares["老旧小区改造总工程量"] == (None, Decimal("0.3"))


def test_reloading_each_example_changes_nothing(meishan: Database) -> None:
    _load(meishan, DALIAN, date(2021, 10, 31))
    for path, today in ((MEISHAN, date(2020, 1, 22)), (DALIAN, date(2021, 10, 31))):
        with UnitOfWork(meishan) as uow:
            summary = load_programme(uow, read_programme_file(path, today), "测试", today)
        assert not summary.created and not summary.updated, summary


def test_a_milestone_of_an_earlier_month_is_named_by_its_own_month(dalian: Database) -> None:
    with dalian.read() as session:
        data = gather_report(session, "dalian-2021", "2021-09")
    targets = {t["name"]: t for i in data["items"] for t in i["targets"]}
    # due in June, shown at September's end
    assert targets["铸铁管网改造"]["month_target"] == "6月目标：完成7公里"
    assert targets["供热管网改造"]["month_target"] == "9月目标：完成20公里"
    rows = {r["annual_target"]: r for r in data["tables"]["rows"]}
    cells = {r["month_target"] for r in rows.values()}
    assert "完成20公里" in cells  # the 9月目标 column names no month for its own month's milestone
    assert any(c.startswith("6月目标：完成7公里") for c in cells)
    assert "9月目标：完成7公里" not in markdown(data)
