"""A programme file says which periods it publishes: report titles follow it, and reports are filed by it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from models.db import Database
from reports.service import publish
from services.errors import BadInput
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.progress.record import ProgressInput, record_progress
from services.publishing.diff import diff_periods
from services.reporting.data import gather
from services.unit_of_work import UnitOfWork
from tests.helpers import programme_copy

TODAY = date(2020, 11, 20)


def _load(db: Database, folder: Path, periods: str) -> str:
    path = programme_copy(folder, f"p-{periods}", "长宁区")
    text = path.read_text(encoding="utf-8").replace(
        "  year: 2020\n", f"  year: 2020\n  periods: {periods}\n", 1
    )
    path.write_text(text, encoding="utf-8")
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)
    return f"p-{periods}"


@pytest.mark.parametrize(
    ("periods", "period", "title", "since"),
    [
        ("cumulative", "2020-09", "关于区政府实事项目1-9月推进情况", "截至9月底，"),
        ("month", "2020-09", "关于区政府实事项目9月推进情况", "截至9月底，"),
        ("quarter", "2020-Q3", "关于区政府实事项目三季度推进情况", "截至9月底，"),
        ("snapshot", "2020-10-31", "关于区政府实事项目推进情况（截至10月31日）", "截至10月底，"),
        ("snapshot", "2020-10-15", "关于区政府实事项目推进情况（截至10月15日）", "截至10月15日，"),
    ],
)
def test_the_report_title_follows_the_periods_the_programme_publishes(
    db: Database, tmp_path: Path, periods: str, period: str, title: str, since: str
) -> None:
    code = _load(db, tmp_path, periods)
    with db.read() as session:
        data = gather(session, code, period)
    assert data["title"] == title
    assert since in data["summary"]


def test_a_programme_publishing_quarters_files_reports_by_quarter(db: Database, tmp_path: Path) -> None:
    code = _load(db, tmp_path, "quarter")
    # item 5's training target was reported on 2020-09-30: an August report is a second one of 三季度
    data = ProgressInput(
        ref="5", reported_by="区文旅局", as_of=date(2020, 8, 15), done=Decimal(40), target=5, programme=code
    )
    with UnitOfWork(db) as uow:
        recorded = record_progress(uow, data, TODAY)
    assert (recorded.period, recorded.version) == ("2020-Q3", 2)
    assert "2020 年三季度第 2 版" in recorded.message()
    assert "已替换 区文旅局 截至 2020-09-30 的报送（第 1 版）" in recorded.message()


def test_a_quarter_or_snapshot_programme_publishes_and_compares_its_own_periods(
    db: Database, tmp_path: Path
) -> None:
    for periods, period in (("quarter", "2020-Q3"), ("snapshot", "2020-09-15"), ("snapshot", "2020-10-31")):
        code = _load(db, tmp_path, periods) if period != "2020-10-31" else "p-snapshot"
        version, _ = publish(db, code, period, "区府办", None, False, TODAY, tmp_path / "published" / period)
        assert (version["period"], version["version"]) == (period, 1)
    with db.read() as session:
        quarters = diff_periods(session, "p-quarter", "2020-Q3", None)
        days = diff_periods(session, "p-snapshot", "2020-10-31", "2020-09-15")
    assert quarters["against"] == "2020-Q2" and quarters["sources"]["2020-Q3"]["published"]
    assert days["sources"]["2020-09-15"]["published"] and days["sources"]["2020-10-31"]["published"]
    with pytest.raises(BadInput, match="尚未结束"):
        publish(db, "p-quarter", "2020-Q4", "区府办", None, False, TODAY, tmp_path / "published" / "Q4")
    with pytest.raises(BadInput, match="YYYY-Qn"):
        publish(db, "p-quarter", "2020-Q5", "区府办", None, False, TODAY, tmp_path / "published" / "Q5")
