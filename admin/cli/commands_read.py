"""Reading: `list`, `show`, `history`."""

from __future__ import annotations

from typing import Annotated

import typer

from admin.cli import render, render_city
from admin.cli.parse import parse_date
from admin.cli.runtime import database, emit_json, fail, handles_errors, today
from services.views import history as audit
from services.views import programme as queries

Programme = Annotated[
    str | None, typer.Option("--programme", "-p", help="计划代码（默认：唯一或最新的计划）")
]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON（供脚本使用的稳定格式）")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="按此日期判断状态（YYYY-MM-DD，默认今天）")]


def register(app: typer.Typer) -> None:
    """Add the reading commands to the app."""
    app.command("list")(list_)
    app.command("show")(show)
    app.command("history")(history)
    app.command("due")(due)


@handles_errors
def list_(
    programme: Programme = None,
    stage: Annotated[str | None, typer.Option("--stage", help="只列出此阶段的子项目（中文或代码）")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="只列出此状态的子项目（如 滞后、暂停）")
    ] = None,
    as_of: AsOf = None,
    city: Annotated[
        str | None, typer.Option("--city", help="按区汇总此城市各计划的最新快照（项目数、已完成、滞后）")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="与 --city 同用：年度（默认该市最新年度）")
    ] = None,
    json: Json = False,
) -> None:
    """列出计划中的项目和子项目；--city 按区汇总一个城市的各计划。"""
    if city is not None:
        return _city(city, year, as_of, json, programme or stage or status)
    if year is not None:
        fail("--year 只能与 --city 同用")
    day = parse_date(as_of) or today()
    with database().read() as session:
        data = queries.list_projects(session, programme, day, stage=stage, status=status)
    emit_json(data) if json else typer.echo(render.overview(data))


def _city(city: str, year: int | None, as_of: str | None, json: bool, other: str | None) -> None:
    from services.reporting.city import city_rollup

    if other:
        fail("--city 不能与 --programme、--stage、--status 同用")
    with database().read() as session:
        data = city_rollup(session, city, year, parse_date(as_of))
    emit_json(data) if json else typer.echo(render_city.city(data), nl=False)


@handles_errors
def show(
    ref: Annotated[str, typer.Argument(metavar="编号", help="项目 N 或子项目 N.M")],
    programme: Programme = None,
    as_of: AsOf = None,
    json: Json = False,
) -> None:
    """显示一个项目（指标、各阶段数量）或子项目（阶段、要件、下一阶段前置条件、最近变更）。"""
    day = parse_date(as_of) or today()
    with database().read() as session:
        data = queries.show(session, ref, programme, day)
    if json:
        emit_json(data)
    else:
        typer.echo(render.project(data) if "." in data["ref"] else render.item(data))


@handles_errors
def history(
    ref: Annotated[str, typer.Argument(metavar="编号", help="项目 N 或子项目 N.M")],
    programme: Programme = None,
    json: Json = False,
) -> None:
    """显示阶段变更审计记录。"""
    with database().read() as session:
        data = audit.history(session, ref, programme)
    emit_json(data) if json else typer.echo(render.history(data))


@handles_errors
def due(
    programme: Programme = None,
    month: Annotated[str | None, typer.Option("--month", help="月份 YYYY-MM（默认本月）")] = None,
    json: Json = False,
) -> None:
    """列出本月（或 --month 指定月份）到期和已逾期的子项目阶段与指标节点，及其牵头部门、分管领导和联系人。"""
    from services.views.due import due_in_month

    with database().read() as session:
        data = due_in_month(session, programme, month, today())
    emit_json(data) if json else typer.echo(render.due(data), nl=False)
