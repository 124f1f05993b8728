"""The city roll-up: several programmes in two districts of one city, summed from their latest snapshots."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event

from models.db import Database
from services.errors import NotFound
from services.health.judgements import set_override
from services.health.recompute import recompute
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.refs import resolve_programme
from services.reporting.city import city_rollup
from services.unit_of_work import UnitOfWork
from tests.conftest import _backends, shared_database_url
from tests.helpers import cli, cli_on, programme_copy, shared_unchanged

TODAY = date(2020, 10, 1)
SEPTEMBER = date(2020, 9, 30)
DECEMBER = date(2020, 12, 31)
ROOT = Path(__file__).resolve().parents[2]


def _recompute(db: Database, code: str, day: date) -> None:
    with UnitOfWork(db) as uow:
        recompute(uow, resolve_programme(uow.session, code), day)


def build_city(db: Database, folder: Path) -> None:
    """上海市: 长宁区 two programmes, 徐汇区 two (one never recomputed); 杭州市 one, which must not count."""
    for code, district, city in (
        ("changning-2020", "长宁区", "上海市"),
        ("changning-b-2020", "长宁区", "上海市"),
        ("xuhui-2020", "徐汇区", "上海市"),
        ("xuhui-b-2020", "徐汇区", "上海市"),
        ("xihu-2020", "西湖区", "杭州市"),
    ):
        with UnitOfWork(db) as uow:
            file = read_programme_file(programme_copy(folder, code, district, city), TODAY)
            load_programme(uow, file, "测试", TODAY)
    # the example on 2020-09-30: 12 items, 3 done or exceeded (8, 9, 11), 7 slow; on 2020-12-31: 8 lagging
    _recompute(db, "changning-2020", SEPTEMBER)
    _recompute(db, "changning-b-2020", SEPTEMBER)
    _recompute(db, "changning-b-2020", DECEMBER)
    with UnitOfWork(db) as uow:  # an administrator's judgement counts: item 1 becomes done
        set_override(uow, "1", "已完成", "已全部交付", "管理员", "xuhui-2020", on=SEPTEMBER)
    _recompute(db, "xuhui-2020", SEPTEMBER)
    _recompute(db, "xihu-2020", SEPTEMBER)


@pytest.fixture(scope="module", params=_backends())
def city_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[str]:
    """Once per database kind: the city built by `build_city`, shared by this module's tests, which only
    read it; at the end the database must still be exactly as built, or the sharing was unsound."""
    folder = tmp_path_factory.mktemp("city")
    url = shared_database_url(request, folder, sqlite_template)
    db = Database(url)
    build_city(db, folder)
    db.dispose()
    with shared_unchanged(url, "test_city.py"):
        yield url


@pytest.fixture
def city(city_url: str) -> Iterator[Database]:
    db = Database(city_url)
    yield db
    db.dispose()


@pytest.fixture
def env(city_url: str, tmp_path: Path, prefect_server: None) -> Iterator[dict[str, str]]:
    """The conftest's `env`, pointing the CLI at the shared city database (and a data directory of the test)."""
    with cli_on(city_url, tmp_path / "data"):
        yield {"SHISHI_DATABASE_URL": city_url, "SHISHI_DATA_DIR": str(tmp_path / "data")}


def _counts(row: dict) -> tuple:
    return tuple(row[k] for k in ("district", "programmes", "items", "done", "lagging", "uncomputed"))


def test_the_city_sums_its_programmes_by_district_from_their_latest_snapshots(city: Database) -> None:
    statements: list[str] = []

    def count(*args: object) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):
            statements.append(str(args[2]))

    event.listen(city.engine, "before_cursor_execute", count)
    try:
        with city.read() as session:
            data = city_rollup(session, "上海市")
    finally:
        event.remove(city.engine, "before_cursor_execute", count)
    assert len(statements) == 2  # the year, then one grouped query for every programme
    assert data["year"] == 2020
    assert [_counts(d) for d in data["districts"]] == [
        ("徐汇区", 2, 24, 4, 6, 1),
        ("长宁区", 2, 24, 6, 15, 0),
    ]
    assert _counts(data["total"]) == ("合计", 4, 48, 10, 21, 1)
    changning = next(d for d in data["districts"] if d["district"] == "长宁区")
    assert (changning["first_snapshot"], changning["last_snapshot"]) == ("2020-09-30", "2020-12-31")
    by_code = {p["code"]: p for p in data["programmes"]}
    assert set(by_code) == {"changning-2020", "changning-b-2020", "xuhui-2020", "xuhui-b-2020"}
    assert by_code["xuhui-b-2020"]["snapshot"] is None and by_code["xuhui-b-2020"]["status"] is None
    assert by_code["changning-b-2020"]["status_label"] == "滞后"


def test_an_as_of_date_takes_each_programme_s_latest_snapshot_up_to_that_day(city: Database) -> None:
    with city.read() as session:
        data = city_rollup(session, " 上海市 ", 2020, date(2020, 10, 31))
    assert _counts(data["total"]) == ("合计", 4, 48, 10, 20, 1)
    with city.read() as session:
        before = city_rollup(session, "上海市", as_of=date(2020, 9, 29))
    assert _counts(before["total"]) == ("合计", 4, 48, 0, 0, 4)


def test_an_unknown_city_or_year_is_refused_with_what_exists(city: Database) -> None:
    with (
        city.read() as session,
        pytest.raises(NotFound, match="未找到城市“北京市”的计划；已有城市：上海市、杭州市"),
    ):
        city_rollup(session, "北京市")
    with city.read() as session, pytest.raises(NotFound, match="没有 2019 年的计划；已有年份：2020"):
        city_rollup(session, "上海市", 2019)


def test_list_city_prints_one_row_per_district_and_the_total(env: dict[str, str], city: Database) -> None:
    result = cli("list", "--city", "上海市")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "上海市 2020 年区政府实事项目汇总（各计划最新快照）"
    assert lines[2].split() == ["区", "计划", "项目", "已完成", "滞后/慢序时", "未重算", "快照日期"]
    assert lines[3].split() == ["徐汇区", "2", "24", "4", "6", "1", "2020-09-30"]
    assert lines[4].split() == ["长宁区", "2", "24", "6", "15", "0", "2020-09-30～2020-12-31"]
    assert lines[5].split() == ["合计", "4", "48", "10", "21", "1", "2020-09-30～2020-12-31"]
    data = json.loads(cli("list", "--city", "上海市", "--year", "2020", "--json").output)
    assert data["total"]["done"] == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--city", "北京市"], "未找到城市“北京市”的计划"),
        (["--city", "上海市", "--year", "2019"], "没有 2019 年的计划"),
        (["--city", "上海市", "--programme", "changning-2020"], "--city 不能与"),
        (["--year", "2020"], "--year 只能与 --city 同用"),
        (["--city", " "], "请给出城市名称"),
    ],
)
def test_list_city_refuses_bad_input_in_chinese(
    env: dict[str, str], city: Database, args: list[str], message: str
) -> None:
    result = cli("list", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_the_city_commands_do_not_import_prefect(env: dict[str, str], city: Database) -> None:
    probe = (
        "import sys\nfrom admin.cli.app import app\n"
        "for args in (['list', '--city', '上海市'], ['report', '--city', '上海市', '--period', '2020-09']):\n"
        "    try:\n        app(args)\n    except SystemExit as exc:\n        assert not exc.code, exc.code\n"
        "print('prefect' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "合计" in result.stdout and "汇总.html" in result.stdout
    assert result.stdout.strip().endswith("False")


def test_report_city_writes_the_summary_as_markdown_and_html(
    env: dict[str, str], city: Database, tmp_path: Path
) -> None:
    result = cli("report", "--city", "上海市", "--period", "2020-10", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    md, html = (Path(line) for line in result.output.splitlines())
    assert md.parent == tmp_path / "out" / "city" / "上海市" / "2020-10"
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# 上海市区政府实事项目1-10月推进情况汇总")
    assert (
        "全市2个区4个计划共48个项目，已完成（含超额完成）10个，滞后或慢序时20个；1个计划尚无序时进度快照。"
        in text
    )
    assert "| 长宁区 | 2 | 24 | 6 | 14 | 0 | 2020-09-30 |" in text
    assert "| **合计** | 4 | 48 | 10 | 20 | 1 | 2020-09-30 |" in text
    assert "| 徐汇区 | 长宁区2020年区政府实事项目（xuhui-b-2020） | 12 | 0 | 0 | 未重算 | — |" in text
    page = html.read_text(encoding="utf-8")
    assert '<table id="districts">' in page and "<td>合计</td>" in page


def test_the_city_page_escapes_what_it_shows(city: Database) -> None:
    from reports.city import city_data, city_html

    data = city_data(city, "上海市", "2020-09")
    data["districts"][0]["district"] = "<script>alert(1)</script>"
    page = city_html(data)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--city", "北京市"], "未找到城市“北京市”的计划"),
        (["--city", "上海市", "--period", "2019-09"], "没有 2019 年的计划"),
        (["--city", "上海市", "--format", "docx"], "未知格式：docx；可用：md,html"),
        (["--city", "上海市", "--list"], "--city 不能与"),
    ],
)
def test_report_city_refuses_bad_input_in_chinese(
    env: dict[str, str], city: Database, args: list[str], message: str
) -> None:
    result = cli("report", *args)
    assert result.exit_code == 2
    assert message in result.output
