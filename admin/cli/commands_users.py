"""`shishi user add | list | disable | enable | set-role | reset-password`: the web admin's logins."""

from __future__ import annotations

from typing import Annotated

import typer

from admin.cli.render_users import users_table
from admin.cli.runtime import database, emit_json, handles_errors, settings
from services.errors import require_name
from services.people.management import Actor, find_user, list_users, reset_password, set_active, set_role
from services.people.users import UserInput, add_user, department_label
from services.unit_of_work import UnitOfWork

users = typer.Typer(help="网页管理后台的登录用户。", no_args_is_help=True)
Name = Annotated[str, typer.Argument(metavar="用户名或邮箱", help="用户名或邮箱")]
By = Annotated[str, typer.Option("--by", help="操作人（记入用户变更记录）")]
Department = Annotated[
    str | None, typer.Option("--department", help="部门名称（department 角色必填）；可写作“长宁区/区民政局”")
]
District = Annotated[str | None, typer.Option("--district", help="部门所在区（同名部门在多个区时必填）")]
Password = Annotated[
    str | None, typer.Option("--password", help="密码（不填则提示输入两次；勿在共享终端中使用）")
]
ROLE_HELP = "admin（区实事项目办）| department（部门）| viewer（只读）"


def _password(given: str | None) -> str:
    """The password given, or typed twice at a hidden prompt."""
    if given is not None:
        return given
    while True:
        first = str(typer.prompt("密码", hide_input=True))
        if first == str(typer.prompt("再次输入密码", hide_input=True)):
            return first
        typer.echo("两次输入的密码不一致，请重新输入。", err=True)


@users.command("add")
@handles_errors
def user_add(
    name: Annotated[str, typer.Argument(metavar="用户名", help="用户名（登录用，也记入审计记录）")],
    email: Annotated[str, typer.Option("--email", help="邮箱（也可用于登录）")],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    department: Department = None,
    district: District = None,
    password: Password = None,
    by: Annotated[str, typer.Option("--by", help="操作人（记入用户变更记录）")] = "命令行",
) -> None:
    """新增一个网页登录用户；密码以 Argon2id 哈希保存。"""
    db = database()
    data = UserInput(
        name=name,
        email=email,
        role=role,
        department=department,
        district=district,
        password=_password(password),
        changed_by=by,
    )
    with UnitOfWork(db) as uow:
        user = add_user(uow, data)
    where = f"，部门：{department_label(user.district, user.department)}" if user.department else ""
    typer.echo(f"已新增用户 {user.name}（{user.role_label}{where}）")


@users.command("list")
@handles_errors
def user_list(
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（供脚本使用）")] = False,
) -> None:
    """列出全部登录用户：用户名、邮箱、角色、部门（含区）、状态、创建时间。"""
    with database().read() as session:
        rows = list_users(session)
    if as_json:
        emit_json(rows)
    else:
        typer.echo(users_table(rows, settings().timezone))


@users.command("disable")
@handles_errors
def user_disable(name: Name, by: By) -> None:
    """停用用户：其网页会话和接口凭据立即失效。"""
    with UnitOfWork(database()) as uow:
        who, changed = set_active(uow, name, False, Actor(by))
    typer.echo(f"已停用用户 {who}；其已登录的会话立即失效" if changed else f"用户 {who} 已是停用状态，无变化")


@users.command("enable")
@handles_errors
def user_enable(name: Name, by: By) -> None:
    """重新启用被停用的用户。"""
    with UnitOfWork(database()) as uow:
        who, changed = set_active(uow, name, True, Actor(by))
    typer.echo(f"已启用用户 {who}" if changed else f"用户 {who} 已是启用状态，无变化")


@users.command("set-role")
@handles_errors
def user_set_role(
    name: Name,
    by: By,
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    department: Department = None,
    district: District = None,
) -> None:
    """更改用户的角色（部门用户须指明部门）。"""
    with UnitOfWork(database()) as uow:
        who, label, changed = set_role(uow, name, role, department, district, Actor(by))
    typer.echo(f"用户 {who} 的角色已改为 {label}" if changed else f"用户 {who} 已是 {label}，无变化")


@users.command("reset-password")
@handles_errors
def user_reset_password(name: Name, by: By, password: Password = None) -> None:
    """重置用户的密码（提示输入两次）；其已登录的会话立即失效。"""
    db = database()
    require_name(by, "操作人")
    with db.read() as session:  # an unknown name is refused before the prompt
        find_user(session, name)
    with UnitOfWork(db) as uow:
        who = reset_password(uow, name, _password(password), Actor(by))
    typer.echo(f"已重置用户 {who} 的密码；其已登录的会话立即失效")
