"""`shishi report`: regenerate the progress reports, or list the files already generated."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from admin.cli.runtime import database, emit_json, fail, handles_errors, settings, today


def register(app: typer.Typer) -> None:
    """Add the report command to the app."""
    app.command("report")(report)


@handles_errors
def report(
    period: Annotated[
        str | None, typer.Option("--period", help="报告期 YYYY-MM（默认本月，往年计划为 12 月）")
    ] = None,
    formats: Annotated[
        str, typer.Option("--format", help="格式，逗号分隔：md,html,docx,xlsx")
    ] = "md,html,docx,xlsx",
    out: Annotated[Path | None, typer.Option("--out", help="输出目录（默认 数据目录/reports）")] = None,
    list_: Annotated[bool, typer.Option("--list", help="列出已生成的报告文件")] = False,
    programme: Annotated[str | None, typer.Option("--programme", "-p", help="计划代码")] = None,
    json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """生成进展报告（文字报告、序时进度表、滞后项目情况），打印文件路径。"""
    from reports.service import FORMATS, generate
    from services.refs import resolve_programme
    from services.report_files import list_files

    db = database()
    if list_:
        with db.read() as session:
            files = list_files(session, programme)
        if json:
            emit_json(files)
        for f in [] if json else files:
            typer.echo(
                f"{f['period']}  {f['format']:<5} {f['created_at']}  {f['checksum'][:12]}  {f['path']}"
            )
        return
    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        fail(f"未知格式：{'、'.join(unknown) or '（空）'}；可用：{','.join(FORMATS)}")
    if period is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
        fail(f"报告期格式应为 YYYY-MM：{period}")
    with db.read() as session:
        year = resolve_programme(session, programme).year
    day = today()
    chosen = period or (f"{day.year}-{day.month:02d}" if year == day.year else f"{year}-12")
    files = generate(db, programme, chosen, wanted, out or settings().data_dir / "reports")
    if json:
        emit_json(files)
        return
    for f in files:
        typer.echo(f["path"])
