"""Progress reports by period: a second report for the same target and period is a new version, the earlier
one stays in history; reports, pages and the nightly read the version in force on their day; a period's
report prints only the words filed in that period, while the achieved figure carries forward."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from models import ProgressReport, Target
from models.db import Database
from models.settings import get_settings
from reports.narrative import markdown
from reports.prose.filters import clause
from services.health.sql import target_rows
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.progress.in_force import in_force, in_force_sql
from services.progress.record import ProgressInput, Recorded, record_progress
from services.refs import resolve_programme
from services.reporting.data import gather
from services.unit_of_work import UnitOfWork
from services.views.programme import show_item
from tests.conftest import EXAMPLE
from tests.helpers import cli
from tests.templates import Filled, load_example

TODAY = date(2020, 11, 20)
TRAINING = 5  # item 5's fifth target: 开展公共文化培训 100 场, reported 70 on 2020-09-30
SEPTEMBER_NOTE = "已开展线上公共文化培训 70 场。"
ITEM_NOTE = "社区指导员工作于 9 月 15 日恢复。"  # item 5's own report of 2020-09-15


@pytest.fixture
def loaded(db: Database, filled: Filled) -> Database:
    return load_example(db, filled, TODAY)


@pytest.fixture
def terminal(
    loaded: Database, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    """The CLI pointed at the loaded database (the progress command needs no Prefect)."""
    monkeypatch.setenv("SHISHI_DATABASE_URL", db_url)
    monkeypatch.setenv("SHISHI_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield loaded
    get_settings.cache_clear()


def _file(db: Database, on: date, done: str | None = None, by: str = "区文旅局", **words: str) -> Recorded:
    data = ProgressInput(
        ref="5",
        reported_by=by,
        as_of=on,
        done=Decimal(done) if done is not None else None,
        target=TRAINING,
        **words,  # type: ignore[arg-type]
    )
    with UnitOfWork(db) as uow:
        return record_progress(uow, data, TODAY)


def _versions(db: Database) -> list[tuple[str, int, date, Decimal | None, str | None, str]]:
    with db.read() as session:
        target = session.scalars(select(Target).where(Target.name == "开展公共文化培训")).one()
        rows = session.scalars(
            select(ProgressReport)
            .where(ProgressReport.target_id == target.id)
            .order_by(ProgressReport.period, ProgressReport.version)
        ).all()
        return [(r.period, r.version, r.as_of, r.achieved, r.note, r.reported_by) for r in rows]


def _target(data: dict, item: int = 5, position: int = TRAINING) -> dict:
    return next(i for i in data["items"] if i["number"] == item)["targets"][position - 1]


def test_a_second_report_in_the_period_is_version_2_and_the_cli_says_what_it_replaced(
    terminal: Database,
) -> None:
    result = cli(
        "progress", "5", "--target", str(TRAINING), "--done", "75", "--as-of", "2020-09-30",
        "--by", "区文旅局（张三）", "--note", "已开展线上公共文化培训 75 场。",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2020 年 9 月第 2 版" in result.output
    assert "已替换 区文旅局 截至 2020-09-30 的报送（第 1 版）" in result.output
    assert [v[:5] for v in _versions(terminal)] == [
        ("2020-09", 1, date(2020, 9, 30), Decimal(70), SEPTEMBER_NOTE),
        ("2020-09", 2, date(2020, 9, 30), Decimal(75), "已开展线上公共文化培训 75 场。"),
    ]
    history = cli("history", "5")
    assert history.exit_code == 0, history.output
    assert "区文旅局 2020 年 9 月第 1 版，已被替换" in history.output
    assert "区文旅局（张三） 2020 年 9 月第 2 版" in history.output
    shown = cli("show", "5", "--as-of", "2020-09-30").output
    assert "75 场" in shown and "第 1 版，已被替换" in shown


def test_the_first_report_of_a_new_period_is_version_1_and_replaces_nothing(terminal: Database) -> None:
    result = cli(
        "progress",
        "5",
        "--target",
        str(TRAINING),
        "--done",
        "80",
        "--as-of",
        "2020-10-10",
        "--by",
        "区文旅局",
    )
    assert result.exit_code == 0, result.output
    assert "第5项 2020-10-10 进展已报送（2020 年 10 月第 1 版）" in result.output
    assert "替换" not in result.output
    assert [v[:2] for v in _versions(terminal)] == [("2020-09", 1), ("2020-10", 1)]


def test_a_new_version_keeps_what_it_does_not_restate(loaded: Database) -> None:
    recorded = _file(loaded, date(2020, 9, 30), problems="部分场地受限")
    assert (recorded.version, recorded.replaced is not None) == (2, True)
    with loaded.read() as session:
        latest = session.get(ProgressReport, recorded.report_id)
        assert latest is not None
        assert (latest.achieved, latest.note, latest.problems) == (
            Decimal(70),
            SEPTEMBER_NOTE,
            "部分场地受限",
        )


def test_resending_the_version_in_force_records_nothing(loaded: Database) -> None:
    _file(loaded, date(2020, 10, 10), done="80", note="80 场")
    again = _file(loaded, date(2020, 10, 10), done="80", note="80 场")
    assert not again.changed and "无变化" in again.message()
    assert [v[:2] for v in _versions(loaded)] == [("2020-09", 1), ("2020-10", 1)]


def test_a_report_prints_only_its_own_periods_words_and_carries_the_figure(loaded: Database) -> None:
    with loaded.read() as session:
        september, october = gather(session, None, "2020-09"), gather(session, None, "2020-10")
    assert _target(september)["note"] == SEPTEMBER_NOTE
    assert (_target(october)["note"], _target(october)["achieved"]) == (None, 70)
    item_notes = [n["note"] for n in next(i for i in october["items"] if i["number"] == 5)["notes"]]
    assert item_notes == []
    printed = (clause(SEPTEMBER_NOTE), clause(ITEM_NOTE))  # its words as printed, perhaps with a figure added
    assert all(note in markdown(september) for note in printed)
    assert not any(note in markdown(october) for note in printed)


def test_an_octobers_report_prints_octobers_words(loaded: Database) -> None:
    _file(loaded, date(2020, 10, 12), done="85", note="已开展线上公共文化培训 85 场。")
    with loaded.read() as session:
        october = gather(session, None, "2020-10")
    assert (_target(october)["note"], _target(october)["achieved"]) == ("已开展线上公共文化培训 85 场。", 85)


def test_reads_use_the_version_in_force_on_their_day(loaded: Database) -> None:
    _file(loaded, date(2020, 10, 5), done="80", note="80 场")
    _file(loaded, date(2020, 10, 25), done="90", note="90 场")
    with loaded.read() as session:
        programme = resolve_programme(session, None)
        for day, expected in ((date(2020, 9, 30), 70), (date(2020, 10, 20), 80), (date(2020, 10, 31), 90)):
            rows = session.execute(target_rows(programme.id, day)).mappings().all()
            nightly = next(r["reported"] for r in rows if r["item_number"] == 5 and r["position"] == TRAINING)
            page = show_item(session, programme, 5, day)["targets"][TRAINING - 1]["achieved"]
            assert (nightly, page) == (Decimal(expected), expected), day
        october = gather(session, None, "2020-10")
    assert (_target(october)["achieved"], _target(october)["note"]) == (90, "90 场")


def test_the_sql_and_the_python_rule_agree_on_every_day(loaded: Database) -> None:
    _file(loaded, date(2020, 9, 20), done="72", note="72 场")  # version 2 of September, dated earlier
    _file(loaded, date(2020, 10, 5), done="80")
    _file(loaded, date(2020, 10, 25), done="90")
    _file(loaded, date(2020, 10, 15), done="85")  # version 3 of October, dated between
    with loaded.read() as session:
        every = session.scalars(select(ProgressReport)).all()
        for day in (date(2020, 9, 15), date(2020, 9, 25), date(2020, 9, 30), date(2020, 10, 10),
                    date(2020, 10, 20), date(2020, 10, 31)):  # fmt: skip
            sql = {r.id for r in session.execute(select(in_force_sql(day))).all()}
            assert sql == {r.id for r in in_force(every, day)}, day
        september = session.execute(select(in_force_sql(date(2020, 9, 30)).c.achieved)).scalars().all()
    assert Decimal(72) in september and Decimal(70) not in september  # version 2 replaced version 1


def test_a_reload_that_changes_a_report_files_a_new_version(loaded: Database, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.count("achieved: 70\n") == 1
    changed = tmp_path / "changed.yaml"
    changed.write_text(text.replace("achieved: 70\n", "achieved: 72\n"), encoding="utf-8")
    for _ in range(2):  # the second load finds nothing to change
        with UnitOfWork(loaded) as uow:
            load_programme(uow, read_programme_file(changed, TODAY), "测试", TODAY, accept_changes=True)
    assert [v[:4] for v in _versions(loaded)] == [
        ("2020-09", 1, date(2020, 9, 30), Decimal(70)),
        ("2020-09", 2, date(2020, 9, 30), Decimal(72)),
    ]
