"""Changing: `advance`, `suspend`, `resume`, `cancel`, `revert`, `evidence`, `progress`."""

from __future__ import annotations

import sys
import uuid
from datetime import date
from typing import Annotated

import typer

from admin import orchestrate
from admin.cli import render
from admin.cli.parse import evidence_kind, evidence_option, parse_date, quantity, stage_option
from admin.cli.runtime import FLAGS, database, fail, handles_errors, refusal, today
from models.db import Database
from services.errors import ServiceError
from services.progress.record import ProgressInput, record_progress
from services.publishing.notice import notice_for
from services.stage_change.evidence import describe_evidence, record_evidence
from services.stage_change.outcomes import refused
from services.stage_change.preview import check_change
from services.stage_change.request import EvidenceInput, StageChange
from services.unit_of_work import UnitOfWork

Ref = Annotated[str, typer.Argument(metavar="子项目编号", help="子项目编号 N.M（如 2.3）")]
By = Annotated[str, typer.Option("--by", help="操作人（记入审计记录）")]
Reason = Annotated[str, typer.Option("--reason", help="原因（记入审计记录）")]
At = Annotated[str | None, typer.Option("--at", help="实际发生日期 YYYY-MM-DD（默认今天）")]
Programme = Annotated[str | None, typer.Option("--programme", "-p", help="计划代码")]
# a stage change's documents come as --evidence 类型=文号@日期, not as `shishi evidence --ref`
STAGE_FLAGS = {**FLAGS, "doc_no": "--evidence"}


def register(app: typer.Typer) -> None:
    """Add the commands that change records to the app."""
    for name, func in (
        ("advance", advance),
        ("suspend", suspend),
        ("resume", resume),
        ("cancel", cancel),
        ("revert", revert),
        ("evidence", evidence),
        ("progress", progress),
    ):
        app.command(name)(func)


def _run(ref: str, event: str, by: str, programme: str | None, **kw: object) -> None:
    """Check the request without Prefect; only one that can be applied runs the flow, which decides again."""
    db, day = database(), today()
    request = StageChange(
        ref=ref, event=event, actor=by, programme=programme, request_id=uuid.uuid4().hex, **kw
    )  # type: ignore[arg-type]
    try:
        request = check_change(db, request, day)  # the stage and version seen now are the ones expected
    except ServiceError as exc:
        result = refused(request, exc)
    else:
        results, after = orchestrate.advance_at_terminal([request], day)
        result = results[0]
    if not result["ok"]:
        text = refusal(result["message"], result["reasons"], result.get("fields", ()), STAGE_FLAGS)
        fail(text, result["exit_code"])
    typer.echo(render.stage_changed(result))
    sys.stdout.flush()
    after()  # the person has the answer already: the touched report is rewritten now


@handles_errors
def advance(
    ref: Ref,
    by: By,
    to: Annotated[str | None, typer.Option("--to", help="目标阶段（只能是下一阶段；默认下一阶段）")] = None,
    evidence: Annotated[
        list[str] | None, typer.Option("--evidence", help="要件 类型=文号@日期，可多次")
    ] = None,
    at: At = None,
    programme: Programme = None,
) -> None:
    """推进到下一阶段；先检查全部前置条件，不满足时列出每一条，不作任何变更。"""
    items = tuple(evidence_option(e) for e in evidence or [])
    _run(ref, "advance", by, programme, to=stage_option(to), evidence=items, at=parse_date(at))


@handles_errors
def suspend(ref: Ref, by: By, reason: Reason, at: At = None, programme: Programme = None) -> None:
    """暂停子项目（记住暂停前的阶段）。"""
    _run(ref, "suspend", by, programme, reason=reason, at=parse_date(at))


@handles_errors
def resume(
    ref: Ref,
    by: By,
    at: At = None,
    programme: Programme = None,
    reason: Annotated[str | None, typer.Option("--reason", help="说明")] = None,
) -> None:
    """恢复暂停的子项目，回到暂停前的阶段。"""
    _run(ref, "resume", by, programme, reason=reason, at=parse_date(at))


@handles_errors
def cancel(ref: Ref, by: By, reason: Reason, at: At = None, programme: Programme = None) -> None:
    """终止子项目（不可恢复）。"""
    _run(ref, "cancel", by, programme, reason=reason, at=parse_date(at))


@handles_errors
def revert(ref: Ref, by: By, reason: Reason, at: At = None, programme: Programme = None) -> None:
    """退回上一阶段（管理员操作，须写明原因）。"""
    _run(ref, "revert", by, programme, reason=reason, at=parse_date(at))


@handles_errors
def evidence(
    ref: Ref,
    kind: Annotated[
        str, typer.Argument(metavar="要件类型", help="要件类型，如 立项批复、施工许可、竣工验收")
    ],
    doc_no: Annotated[str, typer.Option("--ref", help="文号")],
    date: Annotated[str, typer.Option("--date", help="要件日期 YYYY-MM-DD")],
    by: Annotated[str, typer.Option("--by", help="登记人")] = "管理员",
    programme: Programme = None,
) -> None:
    """登记一份要件（批复、许可、验收等）。"""
    item = EvidenceInput(evidence_kind(kind), doc_no.strip(), parse_date(date, "要件日期"))  # type: ignore[arg-type]
    with UnitOfWork(database()) as uow:
        added = record_evidence(uow, ref, item, by, today(), programme)
    typer.echo(f"{ref} 已登记要件：{describe_evidence(item)}" if added else f"{ref} 已有此要件，无变化")


@handles_errors
def progress(
    ref: Annotated[str, typer.Argument(metavar="编号", help="项目编号 N")],
    by: Annotated[str, typer.Option("--by", help="报送人或部门（记入进展报送）")],
    done: Annotated[str | None, typer.Option("--done", help="累计完成数量")] = None,
    target: Annotated[int | None, typer.Option("--target", help="指标序号（项目有多个指标时必填）")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="截至日期 YYYY-MM-DD（默认今天）")] = None,
    note: Annotated[str | None, typer.Option("--note", help="完成情况说明")] = None,
    problems: Annotated[str | None, typer.Option("--problems", help="存在问题")] = None,
    next_steps: Annotated[str | None, typer.Option("--next", help="下一步打算")] = None,
    approximate: Annotated[bool, typer.Option("--approximate", help="数量为约数（余）")] = False,
    programme: Programme = None,
) -> None:
    """报送进展：完成数量、说明、存在问题、下一步打算。"""
    day = today()
    data = ProgressInput(
        ref=ref,
        reported_by=by,
        as_of=parse_date(as_of) or day,
        done=quantity(done),
        target=target,
        note=note,
        problems=problems,
        next_steps=next_steps,
        approximate=approximate,
        programme=programme,
    )
    db = database()
    with UnitOfWork(db) as uow:
        recorded = record_progress(uow, data, day)
        message, when = recorded.message(), recorded.as_of
    typer.echo(message)
    _published_notice(db, programme, when)


def _published_notice(db: Database, programme: str | None, day: date) -> None:
    """Print the warning when the day lies inside a published period."""
    with db.read() as session:
        notice = notice_for(session, programme, day)
    if notice:
        typer.echo(notice)
