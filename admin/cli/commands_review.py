"""`shishi review list|approve|return`: the office reviews what departments submitted (待审核).

On the command line the reviewer is named by `--by`, the login name of an administrator: a department's
login is refused, as on the web.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Any, NoReturn

import typer

from admin.cli.runtime import database, emit_json, fail, handles_errors, refusal, today
from models.db import Database
from models.settings import get_settings
from services.errors import ServiceError
from services.review.decide import approve, return_submission, reviewer_named, stage_approval
from services.review.queries import list_submissions
from services.stage_change.outcomes import refused
from services.stage_change.preview import check_change
from services.stage_change.request import StageChange
from services.unit_of_work import UnitOfWork
from states.stages import parse_stage

review_app = typer.Typer(help="报送审核：列出待审核的报送，审核通过或退回。", no_args_is_help=True)
Id = Annotated[int, typer.Argument(metavar="报送编号", help="报送编号", min=1)]
By = Annotated[str, typer.Option("--by", help="审核人（管理员的用户名，记入审计记录）")]
Programme = Annotated[str | None, typer.Option("--programme", "-p", help="计划代码")]
STATES = {"pending": ("pending",), "decided": ("approved", "returned"), "all": ()}
STATE_WORDS = {"待审核": "pending", "已审核": "decided", "全部": "all"}  # as an office writes them


def register(app: typer.Typer) -> None:
    """Add `shishi review …` to the app."""
    app.add_typer(review_app, name="review")


@review_app.command("list")
@handles_errors
def list_(
    programme: Programme = None,
    state: Annotated[str, typer.Option("--state", help="待审核（默认）、已审核或全部")] = "待审核",
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """列出报送（默认只列待审核的）。"""
    state = STATE_WORDS.get(state, state)
    if state not in STATES:
        fail(f"未知状态“{state[:20]}”；可用：待审核、已审核、全部（--state）")
    with database().read() as session:
        data = list_submissions(session, None, programme, STATES[state])
    if as_json:
        emit_json(data)
        return
    if not data["submissions"]:
        typer.echo("没有待审核的报送" if state == "pending" else "没有报送")
    for s in data["submissions"]:
        who = f"{s['submitted_by']}（{s['department']}）" if s["department"] else s["submitted_by"]
        line = f"#{s['id']}  {s['state_label']}  {s['kind_label']}  {s['summary']}  提交：{who} {s['submitted_on']}"
        if s["decided_by"]:
            line += f"  审核：{s['decided_by']}" + (f"  退回原因：{s['reason']}" if s["reason"] else "")
        typer.echo(line)


@review_app.command("approve")
@handles_errors
def approve_(submission_id: Id, by: By, programme: Programme = None) -> None:
    """审核通过：变更在审核的同一事务中按正常规则生效；已审核的不能再次审核。"""
    db, day = database(), today()
    with db.read() as session:
        reviewer = reviewer_named(session, by)
        request = stage_approval(session, submission_id, reviewer, programme)
    if request is None:
        with UnitOfWork(db) as uow:
            decided = approve(uow, submission_id, reviewer, day, get_settings().base_url, programme)
        typer.echo(decided.message())
        _deliver(db)
        return
    _approve_stage(db, request, submission_id, day)


def _approve_stage(db: Database, request: StageChange, submission_id: int, day: date) -> None:
    """Check without Prefect (a project moved since is a conflict), then run the advance-stage flow."""
    try:
        check_change(db, request, day)
    except ServiceError as exc:
        _refused(submission_id, refused(request, exc))
    from admin import orchestrate  # only a stage change orchestrates

    results, after = orchestrate.advance_at_terminal([request], day)
    if not results[0]["ok"]:
        _refused(submission_id, results[0])
    typer.echo(f"报送 #{submission_id} 已审核通过并生效：{results[0]['ref']} {_moved(results[0])}")
    sys.stdout.flush()
    after()  # the person has the answer already: the touched report is rewritten now


def _refused(submission_id: int, result: dict[str, Any]) -> NoReturn:
    message = f"报送 #{submission_id} 未能生效，仍待审核：{result['message']}"
    fail(refusal(message, result["reasons"], result.get("fields", ())), result["exit_code"])


@review_app.command("return")
@handles_errors
def return_(
    submission_id: Id,
    by: By,
    reason: Annotated[str, typer.Option("--reason", help="退回原因（通知报送部门）")],
    programme: Programme = None,
) -> None:
    """退回报送并写明原因：报送不生效，部门收到邮件。"""
    db = database()
    with db.read() as session:
        reviewer = reviewer_named(session, by)
    with UnitOfWork(db) as uow:
        decided = return_submission(uow, submission_id, reviewer, reason, get_settings().base_url, programme)
    typer.echo(decided.message())
    _deliver(db)


def _moved(result: dict[str, object]) -> str:
    """开工 → 完工（2020-10-10）."""
    before, after = parse_stage(str(result["from_stage"])), parse_stage(str(result["to_stage"]))
    return f"{before.label} → {after.label}（{result['at']}）"


def _deliver(db: Database) -> None:
    """Send the decision's emails now; one that fails stays in the outbox for `shishi notify`."""
    from notifications.service import deliver_configured

    deliver_configured(db)
