"""Lights on the example programme as of 2020-09-30: they follow the programme's bands and colours, a run
of red periods is 挂牌督办, and the report data, the dashboard, the item page and the digests carry them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from admin.cli.render import item as render_item
from models import OutboxMessage
from models.db import Database
from notifications.render import render
from reports.html import render_html
from reports.narrative import table_markdown
from reports.service import gather_report
from services.health.recompute import recompute
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.people.users import UserView
from services.refs import resolve_programme
from services.reporting.data import gather
from services.unit_of_work import UnitOfWork
from services.views.dashboard import dashboard
from services.views.programme import show_item, show_project
from tests.conftest import EXAMPLE, _backends, shared_database_url

AS_OF = date(2020, 9, 30)
TODAY = date(2020, 10, 20)
ADMIN = UserView(1, "办公室", "office@cn.example", "admin", None, None)
HEAD = "  office_email: shishi-office@changning.example\n"
BANDS = """\
  status:
    bands:
      - {behind: 10, status: 按序时推进}
      - {behind: 30, status: 慢序时}
      - {status: 严重滞后}
"""
FIVE = (
    BANDS
    + """\
    lights: {按序时推进: 蓝, 滞后: 橙, 严重滞后: 红}
    listed_after: 2
"""
)
BEHIND_40 = ("            achieved: 459\n", "            achieved: 350\n")  # item 6: 35% against 75%


def _load(db: Database, folder: Path, code: str, status: str = "") -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace("code: changning-2020", f"code: {code}")
    for old, new in (BEHIND_40, (HEAD, HEAD + status)):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = folder / f"{code}.yaml"
    path.write_text(text, encoding="utf-8")
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)


@pytest.fixture(scope="module", params=_backends())
def loaded_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> str:
    """Once per database kind: the example three times (default rules, bands, bands in five colours), item 6
    40 points behind in each."""
    folder = tmp_path_factory.mktemp("lights")
    url = shared_database_url(request, folder, sqlite_template)
    db = Database(url)
    _load(db, folder, "default-2020")
    _load(db, folder, "bands-2020", BANDS)
    _load(db, folder, "five-2020", FIVE)
    db.dispose()
    return url


@pytest.fixture
def loaded(loaded_url: str) -> Iterator[Database]:
    """The shared database (tests that run the nightly store what reads would compute: the same statuses)."""
    db = Database(loaded_url)
    yield db
    db.dispose()


def _table(db: Database, code: str, period: str = "2020-09") -> dict[int, dict]:
    with db.read() as session:
        return {row["number"]: row["light"] for row in gather(session, code, period)["table"]}


def test_a_40_points_behind_item_is_red_under_bands_and_yellow_under_the_default(loaded: Database) -> None:
    default, bands = _table(loaded, "default-2020"), _table(loaded, "bands-2020")
    assert default[6]["colour"] == "yellow" and bands[6]["colour"] == "red"
    assert default[6]["rule"] == "状态“慢序时”（改造残疾人家庭无障碍设施完成35%，序时75%）→ 黄灯（默认灯色）"
    assert bands[6]["rule"].startswith("状态“严重滞后”（改造残疾人家庭无障碍设施完成35%")
    # within 30 points (item 5's worst target is 2%: red; item 3 on time: green under both)
    assert default[3]["colour"] == bands[3]["colour"] == "green"
    assert {n for n, light in bands.items() if light["colour"] == "red"} >= {1, 6, 7, 10}
    assert all(
        light["colour"] != "red" for light in default.values()
    )  # nothing overdue: the default has no red


def test_a_programme_colours_its_lights_itself(loaded: Database) -> None:
    five = _table(loaded, "five-2020")
    assert five[3]["colour"] == "blue" and five[3]["rule"].endswith("→ 蓝灯（本计划灯色）")
    assert five[6]["colour"] == "red" and five[9]["colour"] == "green"


def test_a_red_that_lasts_listed_after_periods_is_listed_for_supervision(loaded: Database) -> None:
    bands, five = _table(loaded, "bands-2020"), _table(loaded, "five-2020")
    # item 1 (精品小区, 0%) is red on 31 July, 31 August and 30 September: 挂牌督办 after 3 (and after 2)
    assert bands[1]["red_periods"] == 3 and bands[1]["listed"] and bands[1]["listed_label"] == "挂牌督办"
    assert five[1]["listed"]
    # item 6 reports its figure for September only: before it, not red, so no run yet
    assert bands[6]["red_periods"] == 1 and not bands[6]["listed"]
    assert _table(loaded, "bands-2020", "2020-01")[1]["red_periods"] <= 1  # no period before January
    with loaded.read() as session:
        lagging = {e["ref"]: e["light"] for e in gather(session, "bands-2020", "2020-09")["lagging"]}
    assert lagging["1"]["listed"] and lagging["6"]["colour"] == "red"  # the 滞后项目 list carries them too


def test_the_printed_lagging_lists_show_each_light(loaded: Database) -> None:
    with loaded.read() as session:
        data = gather_report(session, "bands-2020", "2020-09")
    text = table_markdown(data)
    line = next(x for x in text.splitlines() if x.startswith("- 第1项"))
    assert "：严重滞后，红灯（挂牌督办），自2" in line, line
    page = render_html(data, data["expected"])
    assert "<th>灯色</th>" in page and 'class="short light-red">红灯（挂牌督办）</td>' in page


def test_the_dashboard_item_and_project_views_show_lights(loaded: Database) -> None:
    for day in (date(2020, 7, 31), date(2020, 8, 31), AS_OF):
        with UnitOfWork(loaded) as uow:
            recompute(uow, resolve_programme(uow.session, "bands-2020"), day)
    with loaded.read() as session:
        board = {r["number"]: r["light"] for r in dashboard(session, ADMIN, "bands-2020")["items"]}
        programme = resolve_programme(session, "bands-2020")
        item = show_item(session, programme, 1, AS_OF)
        project = show_project(session, programme, "2.8", AS_OF)
    assert board[6]["colour"] == "red" and board[3]["colour"] == "green"
    assert board[1]["listed"]  # the stored nights of 31 July and 31 August, and this one
    assert item["health"]["light"]["listed"] and item["health"]["light"]["label"] == "红灯"
    assert "灯色：红灯，挂牌督办（连续 3 期红灯）" in render_item(item)  # shishi show 1
    assert all(p["light"]["colour"] in {"green", "yellow", "red"} for p in item["projects"])
    assert project["light"]["label"] in {"绿灯", "黄灯", "红灯"}


def test_a_digest_names_each_lagging_items_light(loaded: Database) -> None:
    with UnitOfWork(loaded) as uow:
        recompute(uow, resolve_programme(uow.session, "bands-2020"), AS_OF)
    with loaded.read() as session:
        rows = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == "digest", OutboxMessage.recipient == "cl-shishi@changning.example"
            )
        ).all()
        payload = next(r.payload for r in rows if r.payload["as_of"] == AS_OF.isoformat())
    entry = next(e for e in payload["entries"] if e["ref"] == "6")
    assert entry["light"] == "red" and entry["light_label"] == "红灯"
    mail = render("digest", payload, "残联项目负责人")
    assert "【红灯】第6项" in mail.text and "红灯" in mail.html
