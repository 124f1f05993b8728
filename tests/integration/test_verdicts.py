"""The district's own rules and verdicts, and milestones without a share, on the example programme."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from models import HealthSnapshot, Programme, StatusOverride
from models.db import Database
from models.settings import get_settings
from reports.narrative import markdown, table_markdown
from services.health.judgements import set_override
from services.health.recompute import recompute
from services.loading.apply import load_programme
from services.loading.errors import ChangesRefused
from services.loading.reader import ProgrammeFileError, read_programme_file
from services.people.users import UserView
from services.refs import resolve_programme
from services.reporting.data import gather
from services.unit_of_work import UnitOfWork
from services.views.dashboard import dashboard
from tests.conftest import EXAMPLE
from tests.helpers import cli, snapshot

AS_OF = date(2020, 9, 30)
TODAY = date(2020, 10, 20)
HEAD = "  office_email: shishi-office@changning.example\n"
RULES = """\
  status:
    basis: 年度
    bands:
      - {behind: 10, status: 按序时推进}
      - {behind: 30, status: 慢序时}
      - {status: 严重滞后}
    unstarted_after: 2
    words: {已完成: 已达标完成}
"""
WALKWAY = "        due: 2020-12-31\n        projects:\n          - name: 苏州河健身步道二期"
STEPS = """\
        due: 2020-12-31
        milestones:
          - {period: 2020-03, name: 方案制定}
          - {period: 2020-06, name: 开工}
          - {period: 2020-09, name: 竣工}
        projects:
          - name: 苏州河健身步道二期"""


def _file(folder: Path, *edits: tuple[str, str]) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / "changning-2020.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(db: Database, path: Path) -> None:
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY, accept_changes=True)


def _statuses(db: Database, as_of: date = AS_OF) -> dict[tuple[str, str], HealthSnapshot]:
    with UnitOfWork(db) as uow:
        recompute(uow, resolve_programme(uow.session, None), as_of)
    with db.read() as session:
        rows = session.scalars(select(HealthSnapshot).where(HealthSnapshot.as_of == as_of)).all()
    return {(r.scope, r.ref): r for r in rows}


@pytest.fixture
def district(db: Database, tmp_path: Path) -> Database:
    _load(db, _file(tmp_path, (HEAD, HEAD + RULES)))
    return db


def test_the_districts_bands_make_item_1_severely_late_where_the_default_says_slow(
    db: Database, tmp_path: Path
) -> None:
    _load(db, EXAMPLE)
    default = _statuses(db)
    assert default[("item", "1")].status == "slow"  # 精品小区 0% against 9/12
    _load(db, _file(tmp_path, (HEAD, HEAD + RULES)))
    own = _statuses(db)
    assert own[("item", "1")].status == "severe"
    assert own[("item", "6")].status == "slow"  # 46% against 75%: 29 points, within the second band
    assert own[("target", "2#2")].status == "on_track"  # 70% against 75%: 5 points
    assert default[("target", "2#2")].status == "slow"
    assert own[("item", "5")].status == "severe"  # 5#1: 35% against 75%
    assert "序时75%" in (own[("item", "1")].reason or "")


def test_the_rules_are_stored_with_the_programme_and_removed_only_when_confirmed(
    db: Database, tmp_path: Path
) -> None:
    _load(db, _file(tmp_path, (HEAD, HEAD + RULES)))
    with db.read() as session:
        rules = session.scalars(select(Programme.status_rules)).one()
    assert rules["bands"][-1] == {"behind": None, "status": "severe"}
    assert rules["words"] == {"done": "已达标完成"}
    with pytest.raises(ChangesRefused) as refused, UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)
    assert any("状态规则" in line for line in refused.value.reasons)
    _load(db, EXAMPLE)
    with db.read() as session:
        assert session.scalars(select(Programme.status_rules)).one() is None


def test_the_report_prints_the_programmes_words(district: Database) -> None:
    _statuses(district)
    with district.read() as session:
        data = gather(session, None, "2020-09")
    rows = {r["number"]: r for r in data["table"]}
    assert rows[1]["status"] == "严重滞后" and rows[1]["on_schedule"] == "否"
    assert rows[9]["status"] == "已达标完成"
    lagging = table_markdown(data)
    assert "第1项" in lagging and "：严重滞后，" in lagging
    assert "已达标完成" in markdown(data)  # item 9's targets, in the narrative


def test_a_period_verdict_with_its_reason_is_in_that_periods_remark_and_not_the_next(db: Database) -> None:
    _load(db, EXAMPLE)
    _statuses(db)  # the nightly has stored 2020-09-30 before the office judges
    with UnitOfWork(db) as uow:
        set_override(uow, "3", "慢序时", "社区食堂选址未定", "区实事办", on=TODAY, period="2020-09")
    with db.read() as session:
        september = gather(session, None, "2020-09")
        october = gather(session, None, "2020-10")
    row = next(r for r in september["table"] if r["number"] == 3)
    assert row["remark"] == "慢序时：社区食堂选址未定（计算结果：按序时推进）"
    assert row["on_schedule"] == "否"
    assert "慢序时：社区食堂选址未定" in table_markdown(september)
    later = next(r for r in october["table"] if r["number"] == 3)
    assert later["remark"] == "家门口工程完成80%，序时83%"  # October's own, computed reason only


def test_a_period_verdict_and_the_computed_status_are_both_kept(db: Database) -> None:
    _load(db, EXAMPLE)
    with UnitOfWork(db) as uow:
        set_override(uow, "3", "慢序时", "社区食堂选址未定", "区实事办", on=TODAY, period="2020-09")
    snaps = _statuses(db)
    assert (snaps[("item", "3")].status, snaps[("item", "3")].computed_status) == ("slow", "on_track")
    with db.read() as session:
        row = session.scalars(select(StatusOverride)).one()
    assert (row.effective_on, row.ends_on) == (date(2020, 9, 1), AS_OF)
    october = _statuses(db, date(2020, 10, 31))[("item", "3")]
    assert october.override_reason is None and october.status == october.computed_status


def test_a_milestone_stage_not_reached_by_its_date_makes_the_target_late(
    db: Database, tmp_path: Path
) -> None:
    _load(db, _file(tmp_path, (WALKWAY, STEPS)))
    september = _statuses(db)[("target", "7#1")]
    assert september.status == "late"
    assert september.reason == "苏州河长宁段健身步道基本贯通：2个子项目未达到“竣工”节点（计划2020-09-30）"
    august = _statuses(db, date(2020, 8, 31))[("target", "7#1")]
    assert august.status == "slow"  # 开工 is reached: the figure against the year decides


def test_the_report_prints_the_months_target_from_the_milestone_due(db: Database, tmp_path: Path) -> None:
    _load(db, _file(tmp_path, (WALKWAY, STEPS)))
    with db.read() as session:
        august = markdown(gather(session, None, "2020-08"))
        september = markdown(gather(session, None, "2020-09"))
    # in August the milestone in force is June's 开工: it is named by its own month, not the report's
    assert "苏州河长宁段健身步道基本贯通11公里，6月目标：开工" in august
    assert "9月目标：竣工" in september


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            (
                HEAD,
                HEAD
                + "  status: {bands: [{behind: 30, status: 慢序时}, {behind: 10, status: 按序时推进}]}\n",
            ),
            "从小到大",
        ),
        ((HEAD, HEAD + "  status: {bands: [{status: 已完成}]}\n"), "档位只能是"),
        (
            (WALKWAY, WALKWAY.replace("projects:", "milestones: [{period: 2020-06}]\n        projects:")),
            "节点须写明",
        ),
        (
            (
                WALKWAY,
                WALKWAY.replace(
                    "projects:", "milestones: [{period: 2020-06, stage: 暂停}]\n        projects:"
                ),
            ),
            "stage",
        ),
    ],
)
def test_rules_or_milestones_that_make_no_sense_refuse_the_file(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    with pytest.raises(ProgrammeFileError) as caught:
        read_programme_file(_file(tmp_path, edit), TODAY)
    assert message in str(caught.value) or any(message in str(p) for p in caught.value.problems)


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SHISHI_DATABASE_URL", db_url)
    monkeypatch.setenv("SHISHI_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_shishi_status_records_a_periods_verdict_in_the_programmes_words(
    district: Database, cli_env: None
) -> None:
    result = cli(
        "status", "6", "--status", "严重滞后", "--reason", "入户改造集中在四季度", "--period", "2020-09"
    )
    assert result.exit_code == 0, result.output
    assert "6 认定为“严重滞后”" in result.output and "2020-09 期（2020-09-01 至 2020-09-30）" in result.output
    done = cli("status", "9", "--status", "已达标完成", "--reason", "已验收", "--period", "2020-09")
    assert done.exit_code == 0 and "认定为“已达标完成”" in done.output
    with district.read() as session:
        row = next(r for r in gather(session, None, "2020-09")["table"] if r["number"] == 6)
    assert row["remark"] == "严重滞后：入户改造集中在四季度（计算结果：慢序时）"
    _statuses(district)
    shown = cli("show", "6", "--as-of", "2020-09-30").output
    assert "序时进度（2020-09-30）：严重滞后" in shown
    assert "人工认定：入户改造集中在四季度；计算结果：慢序时" in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "2020-13"), "期间格式"),
        (("--period", "2020-09", "--at", "2020-09-30"), "只能用其一"),
        (("--period", "2999-01"), "晚于今天"),
    ],
)
def test_a_bad_period_is_refused_and_nothing_is_written(
    district: Database, cli_env: None, args: tuple[str, ...], message: str
) -> None:
    before = snapshot(district)
    result = cli("status", "6", "--status", "慢序时", "--reason", "原因", *args)
    assert result.exit_code == 2 and message in result.output
    assert snapshot(district) == before


def test_the_dashboard_labels_and_filters_by_the_programmes_words(district: Database) -> None:
    admin = UserView(1, "办公室", "office@example.invalid", "admin", None, None)
    with district.read() as session:
        severe = dashboard(session, admin, None, status="严重滞后", as_of=AS_OF)
        done = dashboard(session, admin, None, status="已达标完成", as_of=AS_OF)
    assert [r["number"] for r in severe["items"]] == [1, 2, 4, 5, 7, 10]
    assert {r["status_label"] for r in severe["items"]} == {"严重滞后"}
    assert [r["number"] for r in done["items"]] == [9]
