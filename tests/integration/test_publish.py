"""Published periods: stored once with a checksum, frozen against later-dated changes, compared by `diff`."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import selectinload

from models import Programme, PublishedFile, PublishedReport
from models.db import Database
from reports.narrative import markdown
from reports.service import FORMATS, generate, publish
from services.errors import BadInput
from services.health.recompute import recompute
from services.progress.record import ProgressInput, record_progress
from services.publishing.diff import diff_periods
from services.publishing.store import version_checksum
from services.refs import resolve_programme
from services.reporting.data import gather
from services.reporting.statuses import stored_statuses
from services.stage_change.request import EvidenceInput, StageChange, StageChanged
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from tests.helpers import snapshot
from tests.templates import Filled, load_example

TODAY = date(2020, 10, 20)


@pytest.fixture
def loaded(db: Database, filled: Filled) -> Database:
    return load_example(db, filled, TODAY)


def _publish(db: Database, out: Path, new_version: bool = False, reason: str | None = None) -> dict[str, Any]:
    version, _ = publish(db, None, "2020-09", "区府办", reason, new_version, TODAY, out)
    return version


def _advance_2_8(db: Database, on: date) -> StageChanged:
    with UnitOfWork(db) as uow:
        return change_stage(
            uow,
            StageChange(
                ref="2.8",
                event="advance",
                actor="张三",
                at=on,
                evidence=(EvidenceInput("acceptance", "长民验〔2020〕3号", on - timedelta(days=1)),),
            ),
            TODAY,
        )


def _recompute(db: Database, day: date) -> None:
    with UnitOfWork(db) as uow:
        recompute(uow, resolve_programme(uow.session, None), day)


def _stored(db: Database) -> list[PublishedReport]:
    with db.read() as session:
        query = (
            select(PublishedReport)
            .order_by(PublishedReport.version)
            .options(selectinload(PublishedReport.files))
        )
        return list(session.scalars(query))


def test_publishing_stores_every_format_its_figures_a_checksum_who_and_when(
    loaded: Database, tmp_path: Path
) -> None:
    version = _publish(loaded, tmp_path)
    [row] = _stored(loaded)
    assert (row.period, row.version, row.published_by, row.reason) == ("2020-09", 1, "区府办", None)
    assert row.published_at is not None and row.period_end == date(2020, 9, 30)
    assert sorted(f.format for f in row.files) == sorted(["md", "md", "html", "docx", "xlsx"])
    for f in row.files:
        assert f.checksum == hashlib.sha256(f.content).hexdigest()
    files = [{"kind": f.kind, "format": f.format, "checksum": f.checksum} for f in row.files]
    assert row.checksum == version_checksum(row.figures, files) == version["checksum"]
    meals = row.figures["items"]["2"]["targets"]["3"]
    assert meals["stages"]["completed"] == 2
    assert row.figures["items"]["2"]["projects"]["2.8"]["stage"] == "construction"


def test_publishing_a_published_period_again_is_refused_without_a_new_version(
    loaded: Database, tmp_path: Path
) -> None:
    _publish(loaded, tmp_path)
    before = snapshot(loaded)
    with pytest.raises(BadInput, match="已发布（第 1 版）"):
        _publish(loaded, tmp_path)
    with pytest.raises(BadInput, match="须写明原因"):
        _publish(loaded, tmp_path, new_version=True)
    assert snapshot(loaded) == before
    second = _publish(loaded, tmp_path, new_version=True, reason="更正第 2 项数字")
    assert second["version"] == 2
    assert [(r.version, r.reason) for r in _stored(loaded)] == [(1, None), (2, "更正第 2 项数字")]


def test_a_period_not_yet_ended_is_not_published(loaded: Database, tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="尚未结束"):
        publish(loaded, None, "2020-10", "区府办", None, False, date(2020, 10, 20), tmp_path)


def test_regenerating_a_published_period_after_later_dated_changes_gives_the_published_bytes(
    loaded: Database, tmp_path: Path
) -> None:
    _publish(loaded, tmp_path)
    [row] = _stored(loaded)
    published = {f.name: f.content for f in row.files}
    _advance_2_8(loaded, date(2020, 9, 28))  # inside the period: the live report changes
    with UnitOfWork(loaded) as uow:
        record_progress(
            uow,
            ProgressInput(ref="1", reported_by="区住房保障局", as_of=date(2020, 9, 29), note="新说明"),
            TODAY,
        )
    with loaded.read() as session:
        live = markdown(gather(session, None, "2020-09"))
    assert live.encode("utf-8") not in published.values(), "the change must show in a fresh computation"
    files = generate(loaded, None, "2020-09", FORMATS, tmp_path / "again")
    assert {Path(f["path"]).name: Path(f["path"]).read_bytes() for f in files} == published
    assert {f["published_version"] for f in files} == {"1"}


def test_a_change_dated_inside_a_published_period_is_recorded_with_a_notice(
    loaded: Database, tmp_path: Path
) -> None:
    _publish(loaded, tmp_path)
    inside = _advance_2_8(loaded, date(2020, 9, 28))
    assert inside.transition_id and inside.notice is not None
    assert inside.notice.startswith("注意：2020-09 已发布，已发布的报告不受影响")


def test_a_change_dated_after_every_published_period_has_no_notice(loaded: Database, tmp_path: Path) -> None:
    _publish(loaded, tmp_path)
    assert _advance_2_8(loaded, date(2020, 10, 10)).notice is None


def test_diff_between_september_and_october_names_the_meal_point_finished(
    loaded: Database, tmp_path: Path
) -> None:
    _publish(loaded, tmp_path)
    _advance_2_8(loaded, date(2020, 10, 10))  # what `make demo` records
    with loaded.read() as session:
        result = diff_periods(session, None, "2020-10", None)
    assert result["against"] == "2020-09"
    assert result["sources"]["2020-09"]["published"] and not result["sources"]["2020-10"]["published"]
    item = next(i for i in result["items"] if i["number"] == 2)
    assert {
        "ref": "2.8",
        "name": item["moved"][0]["name"],
        "from": "construction",
        "to": "completed",
    } in item["moved"]
    meals = next(t for t in item["targets"] if t["position"] == 3)
    assert {"stage": "completed", "label": "完工", "from": 2, "to": 3} in meals["stages"]


def test_the_next_reports_last_period_column_is_what_the_published_report_printed(
    loaded: Database, tmp_path: Path
) -> None:
    _recompute(loaded, date(2020, 9, 30))
    _publish(loaded, tmp_path)
    [row] = _stored(loaded)
    printed = row.figures["items"]["5"]["progress"]
    with UnitOfWork(loaded) as uow:  # recorded after publication, for September: a new version of its figure
        record_progress(
            uow, ProgressInput("5", "区文旅局", date(2020, 9, 30), Decimal(9000), target=1), TODAY
        )
    _recompute(loaded, date(2020, 9, 30))  # the nightly rerun for September's last day
    with loaded.read() as session:
        stored_now = stored_statuses(session, session.scalars(select(Programme.id)).one(), date(2020, 9, 30))
        october = {row["number"]: row for row in gather(session, None, "2020-10")["table"]}
    assert stored_now[("item", "5")].progress != printed  # the stored status moved
    assert october[5]["last"] == printed  # 上期 stays as published


def test_diff_of_a_period_with_itself_is_refused(loaded: Database) -> None:
    with loaded.read() as session, pytest.raises(BadInput, match="相同"):
        diff_periods(session, None, "2020-09", "2020-09")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE published_reports SET checksum = 'x'",
        "DELETE FROM published_reports",
        "UPDATE published_report_files SET content = content",
        "DELETE FROM published_report_files",
    ],
)
def test_the_database_refuses_to_change_a_published_row(
    loaded: Database, tmp_path: Path, statement: str
) -> None:
    _publish(loaded, tmp_path)
    before = snapshot(loaded)
    with pytest.raises(DBAPIError, match="不可修改或删除"), loaded.engine.begin() as conn:
        conn.execute(text(statement))
    assert snapshot(loaded) == before
    with loaded.read() as session:
        assert session.scalar(select(func.count()).select_from(PublishedFile)) == 5
