"""`shishi supervise`: supervision notices (督办单) — issue, sign, reply, return, close, list, show."""

from __future__ import annotations

from typing import Annotated

import typer

from admin.cli.parse import parse_date
from admin.cli.render_notices import notice_lines, notice_row
from admin.cli.runtime import database, emit_json, handles_errors, today
from services.supervision.facts import NoticeFacts, number_of
from services.supervision.requests import DEFAULT_DAYS, Actor, IssueInput, StepInput
from services.supervision.use_case import act_on_notice, issue_notice
from services.supervision.views import list_notices, show_notice
from services.unit_of_work import UnitOfWork

NoticeId = Annotated[
    int, typer.Argument(metavar="督办单编号", help="督办单编号（shishi supervise list 所列）", min=1)
]
By = Annotated[str, typer.Option("--by", help="操作人（记入审计记录）")]
At = Annotated[str | None, typer.Option("--at", help="发生日期 YYYY-MM-DD（默认今天）")]
Programme = Annotated[str | None, typer.Option("--programme", "-p", help="计划代码")]
Json = Annotated[bool, typer.Option("--json", help="输出 JSON")]


def register(app: typer.Typer) -> None:
    """Add the `supervise` group to the app."""
    group = typer.Typer(
        help="督办单：办公室下发、牵头部门签收和反馈、办公室退回重报或办结；期限按工作日（含调休）计算。",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    for name, func in (
        ("issue", issue),
        ("sign", sign),
        ("reply", reply),
        ("return", send_back),
        ("close", close),
        ("list", list_),
        ("show", show),
    ):
        group.command(name)(func)
    app.add_typer(group, name="supervise")


def _done(facts: NoticeFacts, what: str) -> None:
    n = facts.notice
    typer.echo(
        f"{number_of(n.id)}（{facts.about}）{what}；现为“{facts.as_dict()['state_label']}”，反馈期限 {n.due_on}"
    )


def _step(
    notice_id: int, event: str, by: str, at: str | None, programme: str | None, **kw: object
) -> NoticeFacts:
    data = StepInput(notice_id, event, parse_date(at), programme=programme, **kw)  # type: ignore[arg-type]
    with UnitOfWork(database()) as uow:
        return act_on_notice(uow, data, Actor.office(by), today())


@handles_errors
def issue(
    ref: Annotated[str, typer.Argument(metavar="编号", help="项目编号 N 或子项目编号 N.M")],
    finding: Annotated[str, typer.Option("--finding", help="发现问题")],
    requirement: Annotated[str, typer.Option("--requirement", help="整改要求")],
    by: By,
    days: Annotated[
        int, typer.Option("--days", help="反馈期限：工作日数（节假日不计，调休上班日计入）")
    ] = DEFAULT_DAYS,
    at: At = None,
    programme: Programme = None,
) -> None:
    """下发督办单给牵头部门（抄送分管领导和配合部门），反馈期限按工作日计算。"""
    data = IssueInput(ref, finding, requirement, days, parse_date(at), programme)
    with UnitOfWork(database()) as uow:
        facts = issue_notice(uow, data, Actor.office(by), today())
    _done(facts, f"已下发给 {facts.department}")


@handles_errors
def sign(notice: NoticeId, by: By, at: At = None, programme: Programme = None) -> None:
    """牵头部门签收督办单。"""
    _done(_step(notice, "sign", by, at, programme), f"已由{by}签收")


@handles_errors
def reply(
    notice: NoticeId,
    by: By,
    measures: Annotated[str, typer.Option("--measures", help="整改措施")],
    committed: Annotated[str, typer.Option("--committed", help="承诺完成日期 YYYY-MM-DD")],
    at: At = None,
    programme: Programme = None,
) -> None:
    """牵头部门反馈：整改措施和承诺完成日期。"""
    day = parse_date(committed, "承诺完成日期")
    _done(_step(notice, "reply", by, at, programme, measures=measures, committed_on=day), f"已由{by}反馈")


@handles_errors
def send_back(
    notice: NoticeId,
    by: By,
    reason: Annotated[str, typer.Option("--reason", help="退回原因")],
    days: Annotated[int | None, typer.Option("--days", help="重新反馈的工作日数（默认同原期限）")] = None,
    at: At = None,
    programme: Programme = None,
) -> None:
    """办公室退回重报（须写明原因），牵头部门重新反馈。"""
    _done(_step(notice, "send_back", by, at, programme, reason=reason, days=days), "已退回重报")


@handles_errors
def close(
    notice: NoticeId,
    by: By,
    note: Annotated[str | None, typer.Option("--note", help="办结说明")] = None,
    at: At = None,
    programme: Programme = None,
) -> None:
    """办公室审核反馈后办结督办单。"""
    _done(_step(notice, "close", by, at, programme, reason=note), "已办结")


@handles_errors
def list_(
    state: Annotated[
        str | None,
        typer.Option(
            "--state", help="只列某状态：已下发、已签收、已反馈、退回重报、已办结，或 open（待反馈）"
        ),
    ] = None,
    programme: Programme = None,
    json: Json = False,
) -> None:
    """列出督办单：编号、事项、牵头部门、状态、反馈期限与预警。"""
    with database().read() as session:
        rows = list_notices(session, programme, Actor.office("命令行"), state)
    if json:
        emit_json(rows)
        return
    if not rows:
        typer.echo("没有督办单")
    for row in rows:
        typer.echo(notice_row(row))


@handles_errors
def show(notice: NoticeId, programme: Programme = None, json: Json = False) -> None:
    """显示督办单全文与每一步的审计记录。"""
    with database().read() as session:
        view = show_notice(session, programme, notice, Actor.office("命令行"))
    if json:
        emit_json(view)
        return
    for line in notice_lines(view):
        typer.echo(line)
