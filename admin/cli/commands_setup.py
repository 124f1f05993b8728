"""Setting up: `init`, `load`, `diagram`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from admin.cli import render
from admin.cli.runtime import database, handles_errors, today
from services.unit_of_work import UnitOfWork


def register(app: typer.Typer) -> None:
    """Add the set-up commands to the app."""
    app.command("init")(init)
    app.command("load")(load)
    app.command("diagram")(diagram)


@handles_errors
def init() -> None:
    """创建或升级数据库（Alembic 迁移）。"""
    from models.migrate import upgrade

    db = database(require_schema=False)
    before, after = upgrade(db)
    where = db.url.split("@")[-1] if "@" in db.url else db.url
    if before == after:
        typer.echo(f"数据库已是最新版本 {after}：{where}")
    else:
        typer.echo(f"数据库已升级 {before or '（空）'} → {after}：{where}")


@handles_errors
def load(
    file: Annotated[Path, typer.Argument(metavar="计划文件", help="实事项目计划文件（YAML）")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并报告将要做的变更，不写入")] = False,
    by: Annotated[str, typer.Option("--by", help="操作人（记入审计与改动记录）")] = "计划导入",
    accept_changes: Annotated[
        bool,
        typer.Option("--accept-changes", help="确认会清空或减少已有数据的变更（先用 --dry-run 查看）"),
    ] = False,
) -> None:
    """导入或更新一个年度实事项目计划；会清空或减少已有数据的变更须确认；同一文件再次导入不产生变化。"""
    from services.loading.apply import load_programme
    from services.loading.reader import read_programme_file

    day = today()
    checked = read_programme_file(file, day)
    db = database()
    with UnitOfWork(db) as uow:
        summary = load_programme(uow, checked, by, day, dry_run=dry_run, accept_changes=accept_changes)
    typer.echo(render.load_summary(summary, str(file)))


@handles_errors
def diagram() -> None:
    """以 Mermaid 格式输出阶段状态机。"""
    from states.machine import mermaid

    typer.echo(mermaid(), nl=False)
