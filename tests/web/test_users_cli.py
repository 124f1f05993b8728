"""`shishi user add`: a login with a hashed password, asked for at a prompt; bad input writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from admin.cli.app import app
from models import User
from models.db import Database
from models.settings import get_settings
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.people.users import authenticate
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE
from tests.helpers import cli, snapshot


@pytest.fixture
def loaded(env: dict[str, str], db: Database) -> Database:
    today = date(2020, 10, 20)
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, today), "测试", today)
    return db


def test_a_user_added_at_the_prompt_can_log_in_and_the_password_is_not_stored(loaded: Database) -> None:
    get_settings.cache_clear()
    result = CliRunner().invoke(
        app,
        [
            "user",
            "add",
            "王芳",
            "--email",
            "WF@cn.example",
            "--role",
            "department",
            "--department",
            "区民政局",
        ],
        input="long-secret-1\nlong-secret-1\n",
    )
    assert result.exit_code == 0, result.output
    assert "已新增用户 王芳（部门，部门：长宁区/区民政局）" in result.output
    with UnitOfWork(loaded) as uow:
        row = uow.session.scalars(select(User)).one()
        assert (row.email, row.role) == ("wf@cn.example", "department")
        assert "long-secret-1" not in row.password_hash and row.password_hash.startswith("$argon2id$")
        assert authenticate(uow, "wf@cn.example", "long-secret-1") is not None
        assert authenticate(uow, "王芳", "long-secret-2") is None


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--email", "a@cn.example", "--role", "boss", "--password", "long-secret-1"], "未知角色"),
        (["--email", "not-an-email", "--role", "admin", "--password", "long-secret-1"], "邮箱地址"),
        (["--email", "a@cn.example", "--role", "admin", "--password", "short"], "密码须为"),
        (["--email", "a@cn.example", "--role", "department", "--password", "long-secret-1"], "须指定部门"),
        (
            [
                "--email",
                "a@cn.example",
                "--role",
                "department",
                "--department",
                "区月球局",
                "--password",
                "long-secret-1",
            ],
            "未找到部门",
        ),
        (
            [
                "--email",
                "a@cn.example",
                "--role",
                "viewer",
                "--department",
                "区民政局",
                "--password",
                "long-secret-1",
            ],
            "只有部门用户",
        ),
    ],
)
def test_bad_user_input_exits_2_with_a_reason_and_writes_nothing(
    loaded: Database, args: list[str], words: str
) -> None:
    before = snapshot(loaded)
    result = cli("user", "add", "张三", *args)
    assert result.exit_code == 2
    assert words in result.output
    assert snapshot(loaded) == before


def test_a_second_user_with_the_same_name_or_email_is_refused(loaded: Database) -> None:
    assert (
        cli(
            "user",
            "add",
            "张三",
            "--email",
            "zs@cn.example",
            "--role",
            "admin",
            "--password",
            "long-secret-1",
        ).exit_code
        == 0
    )
    before = snapshot(loaded)
    again = cli(
        "user",
        "add",
        "张三",
        "--email",
        "other@cn.example",
        "--role",
        "viewer",
        "--password",
        "long-secret-1",
    )
    assert again.exit_code == 2 and "已被使用" in again.output
    assert snapshot(loaded) == before
