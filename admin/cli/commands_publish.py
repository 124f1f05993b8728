"""`shishi report publish` and `shishi report diff`: freeze a period's report; compare two periods."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from admin.cli.render_publish import diff_lines, published_lines
from admin.cli.runtime import database, emit_json, handles_errors, settings, today, writable_folder

Period = Annotated[
    str, typer.Option("--period", help="报告期：月 YYYY-MM、季度 YYYY-Qn 或截至日 YYYY-MM-DD，按计划的报告期")
]
Programme = Annotated[str | None, typer.Option("--programme", "-p", help="计划代码")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def register(group: typer.Typer) -> None:
    """Add publish and diff to the report group."""
    group.command("publish")(publish)
    group.command("diff")(diff)


@handles_errors
def publish(
    period: Period,
    by: Annotated[str, typer.Option("--by", help="发布人")],
    reason: Annotated[str | None, typer.Option("--reason", help="原因（重新发布时必填）")] = None,
    new_version: Annotated[
        bool, typer.Option("--new-version", help="已发布的期间再发布为新版本（保留旧版本，须写明原因）")
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", help="输出目录（默认 数据目录/报告目录）")] = None,
    programme: Programme = None,
    json: Json = False,
) -> None:
    """发布某期报告：保存该期全部格式的报告内容与各项数据（不可修改），记录校验和、发布人与时间。"""
    from reports.service import publish as publish_period

    folder = writable_folder(out) if out is not None else settings().reports_folder
    version, files = publish_period(database(), programme, period, by, reason, new_version, today(), folder)
    if json:
        emit_json({"published": version, "files": files})
        return
    for line in published_lines(version, files):
        typer.echo(line)


@handles_errors
def diff(
    period: Period,
    against: Annotated[
        str | None, typer.Option("--against", help="与哪一期比较 YYYY-MM（默认上一期）")
    ] = None,
    programme: Programme = None,
    json: Json = False,
) -> None:
    """逐项列出两期之间的变化：各阶段项目数与推进的子项目、完成数量、状态与是否达序。"""
    from services.publishing.diff import diff_periods

    with database().read() as session:
        result = diff_periods(session, programme, period, against)
    if json:
        emit_json(result)
        return
    for line in diff_lines(result):
        typer.echo(line)
