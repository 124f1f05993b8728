"""`shishi supervise`: a notice walks every state on the command line; bad input exits 2, refusals 1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from models.db import Database
from models.settings import get_settings
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE
from tests.helpers import cli, snapshot

TODAY = date(2020, 12, 31)


@pytest.fixture
def loaded(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The example loaded, and the CLI pointed at it (no Prefect: no supervise command orchestrates)."""
    monkeypatch.setenv("SHISHI_DATABASE_URL", db_url)
    monkeypatch.setenv("SHISHI_DATA_DIR", str(tmp_path / "data"))
    db = Database(db_url)
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)
    yield db
    db.dispose()
    get_settings.cache_clear()


def ok(*args: str) -> str:
    result = cli("supervise", *args)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_notice_walks_every_state_on_the_command_line(loaded: Database) -> None:
    out = ok("issue", "2.3", "--finding", "助餐点装修滞后", "--requirement", "十日内开工", "--by", "督查科",
             "--days", "3", "--at", "2020-09-29")  # fmt: skip
    assert "督办第 1 号" in out and "区民政局" in out and "反馈期限 2020-10-10" in out
    assert "已签收" in ok("sign", "1", "--by", "民政科", "--at", "2020-09-30")
    ok(
        "reply",
        "1",
        "--by",
        "民政科",
        "--measures",
        "增派施工队",
        "--committed",
        "2020-11-30",
        "--at",
        "2020-10-09",
    )
    out = ok("return", "1", "--by", "督查科", "--reason", "措施不具体", "--at", "2020-10-10")
    assert (
        "退回重报" in out and "反馈期限 2020-10-14" in out
    )  # 3 working days after the working Saturday: 12, 13, 14
    ok(
        "reply",
        "1",
        "--by",
        "民政科",
        "--measures",
        "两班倒施工",
        "--committed",
        "2020-11-20",
        "--at",
        "2020-10-12",
    )
    assert "已办结" in ok("close", "1", "--by", "督查科", "--at", "2020-10-13")
    shown = ok("show", "1")
    for word in ("子项目 2.3", "下发", "签收", "反馈", "退回重报", "办结", "措施不具体", "两班倒施工"):
        assert word in shown
    listed = json.loads(ok("list", "--json"))
    assert [(n["id"], n["state"], n["committed_on"]) for n in listed] == [(1, "closed", "2020-11-20")]
    assert ok("list", "--state", "open").strip() == "没有督办单"


BAD = [
    (
        ("issue", "2", "--finding", "x", "--requirement", "y", "--by", "k", "--days", "0"),
        2,
        "1 至 60 个工作日",
    ),
    (("issue", "99", "--finding", "x", "--requirement", "y", "--by", "k"), 2, "没有第99项"),
    (("issue", "2", "--finding", " ", "--requirement", "y", "--by", "k"), 2, "请填写发现问题"),
    (
        ("issue", "2", "--finding", "x", "--requirement", "y", "--by", "k", "--at", "2099-01-01"),
        2,
        "晚于今天",
    ),
    (("reply", "1", "--by", "k", "--measures", "m", "--committed", "2020-12-01"), 1, "尚未签收"),
    (("close", "1", "--by", "k"), 1, "尚未反馈"),
    (("sign", "7", "--by", "k"), 2, "没有督办单 7"),
    (("reply", "1", "--by", "k", "--measures", "m", "--committed", "12/01"), 2, "承诺完成日期格式"),
    (("list", "--state", "待定"), 2, "未知的督办单状态"),
]


def test_bad_input_exits_2_and_refusals_exit_1_with_nothing_written(loaded: Database) -> None:
    ok("issue", "2", "--finding", "x", "--requirement", "y", "--by", "督查科", "--at", "2020-12-01")
    before = snapshot(loaded)
    for args, code, message in BAD:
        result = cli("supervise", *args)
        assert (result.exit_code, message in result.output) == (code, True), (args, result.output)
    assert snapshot(loaded) == before
