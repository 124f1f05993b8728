"""`shishi report`: regenerate the progress reports, or list the files already generated."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from admin.cli.runtime import database, emit_json, fail, handles_errors, settings, today, writable_folder
from models.db import Database
from states.periods import PeriodKind, parse_period, period_on


def register(app: typer.Typer) -> None:
    """Add the report command, with its publish and diff subcommands, to the app."""
    from admin.cli import commands_publish

    group = typer.Typer(rich_markup_mode=None)
    group.callback(invoke_without_command=True)(report)
    commands_publish.register(group)
    app.add_typer(group, name="report")


@handles_errors
def report(
    ctx: typer.Context,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="报告期 YYYY-MM、YYYY-Qn 或截至日 YYYY-MM-DD（默认按计划的发布期间取本期，往年计划取年末）",
        ),
    ] = None,
    formats: Annotated[
        str | None, typer.Option("--format", help="格式，逗号分隔：md,html,docx,xlsx（城市汇总：md,html）")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="输出目录（默认 数据目录/reports）")] = None,
    list_: Annotated[bool, typer.Option("--list", help="列出已生成的报告文件")] = False,
    programme: Annotated[str | None, typer.Option("--programme", "-p", help="计划代码")] = None,
    city: Annotated[str | None, typer.Option("--city", help="生成此城市按区汇总的报告（md、html）")] = None,
    json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """生成进展报告（文字报告、序时进度表、滞后项目情况），打印文件路径；--city 生成城市汇总。

    子命令：publish 发布某期报告（此后重新生成该期，内容与发布时相同）；diff 比较两期的变化。
    """
    if ctx.invoked_subcommand is not None:
        return
    from reports.service import FORMATS, generate
    from services.refs import resolve_programme
    from services.reporting.files import list_files

    if period is not None:
        try:
            parse_period(period)
        except ValueError as exc:
            fail(f"报告期{str(exc).removeprefix('期间')}（--period）")
    if out is not None:
        out = writable_folder(out)
    db = database()
    if city is not None:
        if list_ or programme:
            fail("--city 不能与 --list、--programme 同用")
        return _city(db, city, period, formats, out, json)
    if list_:
        with db.read() as session:
            files = list_files(session, programme)
        if json:
            emit_json(files)
        for f in [] if json else files:
            typer.echo(
                f"{f['period']}  {f['format']:<5} {f['updated_at']}  {f['checksum'][:12]}  {f['path']}"
            )
        return
    wanted = _formats(formats, FORMATS)
    with db.read() as session:
        found = resolve_programme(session, programme)
        code, year, kind = found.code, found.year, found.periods
    if period is not None and int(period[:4]) != year:
        fail(f"报告期 {period} 不在计划 {code} 的年度（{year} 年）内（--period）")
    period = period or _default_period(year, kind)  # type: ignore[arg-type]
    files = generate(db, programme, period, wanted, out or settings().reports_folder)
    _print(files, json)


def _formats(text: str | None, known: tuple[str, ...]) -> tuple[str, ...]:
    wanted = tuple(f.strip() for f in (",".join(known) if text is None else text).split(",") if f.strip())
    unknown = [f for f in wanted if f not in known]
    if unknown or not wanted:
        fail(f"未知格式：{'、'.join(unknown) or '（空）'}；可用：{','.join(known)}")
    return wanted


def _default_period(year: int, kind: PeriodKind = "cumulative") -> str:
    """The programme's period of today for this year's programmes, of 31 December for an earlier year's."""
    day = today()
    return period_on(kind, day if year == day.year else date(year, 12, 31))


def _city(
    db: Database, city: str, period: str | None, formats: str | None, out: Path | None, json: bool
) -> None:
    from reports.city import CITY_FORMATS, generate_city
    from services.reporting.city import city_year

    wanted = _formats(formats, CITY_FORMATS)
    with db.read() as session:
        year = city_year(session, city.strip(), int(period[:4]) if period else None)
    files = generate_city(db, city, period or _default_period(year), wanted, out or settings().reports_folder)
    _print(files, json)


def _print(files: list[dict[str, str]], json: bool) -> None:
    if json:
        emit_json(files)
        return
    for f in files:
        typer.echo(f["path"])
    published = next((f["published_version"] for f in files if "published_version" in f), None)
    if published:
        typer.echo(
            f"本期报告已发布（第 {published} 版）：写出的是已发布的报告，与发布时逐字节相同；"
            "此后的变更不影响本期报告（查看变化：shishi report diff）"
        )
