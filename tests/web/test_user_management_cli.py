"""`shishi user list|disable|enable|set-role|reset-password` and `shishi progress --by`: exits, messages, audit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from models import ProgressReport, User, UserChange
from services.people.users import authenticate
from services.unit_of_work import UnitOfWork
from tests.helpers import cli, snapshot
from tests.web.conftest import USERS, Site


def _user(site: Site, name: str) -> User:
    with site.db.read() as session:
        return session.scalars(select(User).where(User.name == name)).one()


def _changes(site: Site) -> list[tuple[str, str, str, str, str]]:
    with site.db.read() as session:
        rows = session.scalars(select(UserChange).where(UserChange.action != "add").order_by(UserChange.id))
        return [(c.user_name, c.action, c.detail, c.changed_by, c.source) for c in rows]


def test_user_list_prints_a_chinese_table_with_department_and_state(site: Site) -> None:
    result = cli("user", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["用户名", "邮箱", "角色", "部门", "状态", "创建时间"]
    civil = next(line for line in lines if line.startswith("民政科"))
    assert "部门" in civil and "长宁区/区民政局" in civil and "正常" in civil
    assert "管理员（区实事项目办）" in next(line for line in lines if line.startswith("办公室"))
    assert lines[-1] == "共 4 个用户，在用 4 个，停用 0 个"


def test_user_list_json_gives_codes_labels_and_district(site: Site) -> None:
    result = cli("user", "list", "--json")
    assert result.exit_code == 0
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert rows["民政科"]["role"] == "department" and rows["民政科"]["district"] == "长宁区"
    assert rows["督查室"]["role_label"] == "只读" and rows["督查室"]["active"] is True


def test_disable_and_enable_are_recorded_and_a_disabled_user_cannot_log_in(site: Site) -> None:
    version = _user(site, "民政科").session_version
    result = cli("user", "disable", "民政科", "--by", "王主任")
    assert result.exit_code == 0 and "已停用用户 民政科" in result.output
    assert "已停用" in next(ln for ln in cli("user", "list").output.splitlines() if ln.startswith("民政科"))
    with UnitOfWork(site.db) as uow:
        assert authenticate(uow, "民政科", USERS["civil"].password) is None
    assert _user(site, "民政科").session_version == version + 1
    again = cli("user", "disable", "民政科", "--by", "王主任")
    assert again.exit_code == 0 and "无变化" in again.output
    assert cli("user", "enable", "mz@cn.example", "--by", "王主任").exit_code == 0
    with UnitOfWork(site.db) as uow:
        assert authenticate(uow, "民政科", USERS["civil"].password) is not None
    assert _changes(site) == [
        ("民政科", "disable", "", "王主任", "cli"),
        ("民政科", "enable", "", "王主任", "cli"),
    ]


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["disable", "无此人", "--by", "王主任"], 2, "未找到用户"),
        (["disable", "民政科"], 2, "--by"),
        (["disable", "民政科", "--by", " "], 2, "操作人不能为空"),
        (["disable", "办公室", "--by", "王主任"], 1, "唯一的在用管理员"),
        (["set-role", "办公室", "--by", "王主任", "--role", "viewer"], 1, "唯一的在用管理员"),
        (["set-role", "督查室", "--by", "王主任", "--role", "boss"], 2, "未知角色"),
        (["set-role", "督查室", "--by", "王主任", "--role", "department"], 2, "须指定部门"),
        (
            ["set-role", "督查室", "--by", "王主任", "--role", "department", "--department", "区月球局"],
            2,
            "未找到部门",
        ),
        (
            ["set-role", "民政科", "--by", "王主任", "--role", "viewer", "--department", "区民政局"],
            2,
            "只有部门用户",
        ),
        (["reset-password", "民政科", "--by", "王主任", "--password", "short"], 2, "密码须为"),
        (["reset-password", "无此人", "--by", "王主任", "--password", "long-secret-9"], 2, "未找到用户"),
        (["enable", "民政科", "--by", "名" * 101], 2, "操作人不能为空且不超过 100 字"),
    ],
)
def test_bad_user_commands_exit_with_a_reason_and_write_nothing(
    site: Site, args: list[str], code: int, words: str
) -> None:
    before = snapshot(site.db)
    result = cli("user", *args)
    assert result.exit_code == code, result.output
    assert words in result.output
    assert snapshot(site.db) == before


def test_set_role_changes_role_and_department_and_records_before_and_after(site: Site) -> None:
    result = cli(
        "user", "set-role", "督查室", "--by", "王主任", "--role", "department", "--department", "区体育局"
    )
    assert result.exit_code == 0, result.output
    assert "用户 督查室 的角色已改为 部门（长宁区/区体育局）" in result.output
    row = _user(site, "督查室")
    assert row.role == "department" and row.department is not None and row.department.name == "区体育局"
    assert _changes(site) == [("督查室", "set_role", "只读 → 部门（长宁区/区体育局）", "王主任", "cli")]


def test_reset_password_at_the_prompt_replaces_the_old_one_and_is_recorded(site: Site) -> None:
    from typer.testing import CliRunner

    from admin.cli.app import app

    result = CliRunner().invoke(
        app,
        ["user", "reset-password", "体育科", "--by", "王主任"],
        input="new-secret-77\nnew-secret-78\nnew-secret-77\nnew-secret-77\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("两次输入的密码不一致，请重新输入。") == 1
    assert "已重置用户 体育科 的密码" in result.output
    with UnitOfWork(site.db) as uow:
        assert authenticate(uow, "体育科", "new-secret-77") is not None
        assert authenticate(uow, "体育科", USERS["sport"].password) is None
    assert _changes(site) == [("体育科", "reset_password", "", "王主任", "cli")]


def test_progress_records_who_reported_it_and_requires_by(site: Site) -> None:
    before = snapshot(site.db)
    missing = cli("progress", "2", "--target", "1", "--done", "5", "--as-of", "2020-10-01")
    assert missing.exit_code == 2 and "--by" in missing.output
    assert snapshot(site.db) == before
    done = cli(
        "progress", "2", "--target", "1", "--done", "5", "--as-of", "2020-10-01", "--by", "民政科 李明"
    )
    assert done.exit_code == 0, done.output
    with site.db.read() as session:
        report = session.scalars(select(ProgressReport).where(ProgressReport.as_of.is_not(None))).all()
        assert [r.reported_by for r in report if str(r.as_of) == "2020-10-01"] == ["民政科 李明"]
