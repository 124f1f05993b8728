"""`shishi report`: regenerate the progress reports, or list the files already generated."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from admin.cli.runtime import database, emit_json, fail, handles_errors, settings, today
from models.db import Database
from states.periods import PeriodKind, parse_period, period_on


def register(app: typer.Typer) -> None:
    """Add the report command to the app."""
    app.command("report")(report)


@handles_errors
def report(
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
    """生成进展报告（文字报告、序时进度表、滞后项目情况），打印文件路径；--city 生成城市汇总。"""
    from reports.service import FORMATS, generate
    from services.refs import resolve_programme
    from services.reporting.files import list_files

    if period is not None:
        try:
            parse_period(period)
        except ValueError as exc:
            fail(f"报告期{str(exc).removeprefix('期间')}（--period）")
    if out is not None:
        out = _writable_folder(out)
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


def _writable_folder(out: Path) -> Path:
    """The --out folder, checked before anything is generated: a folder we may write, or one we may create."""
    folder = out.expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        fail(f"输出位置不是文件夹：{folder}（--out）")
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        fail(f"无法在 {existing} 下创建输出文件夹：它不是文件夹（--out）")
    if not os.access(existing, os.W_OK | os.X_OK):
        fail(f"输出文件夹不可写：{existing}（--out）")
    return folder


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
