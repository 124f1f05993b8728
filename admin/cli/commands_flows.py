"""Orchestration and its neighbours: `nightly`, `serve`, `deploy`, the status override `status`,
`notify` and `subscribe`."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer

from admin import orchestrate
from admin.cli.parse import parse_date
from admin.cli.runtime import current_database, database, emit_json, fail, handles_errors, settings, today
from services.health.judgements import judged_label, period_days, set_override
from services.publishing.notice import notice_for
from services.unit_of_work import UnitOfWork
from states.health import Health

Programme = Annotated[str | None, typer.Option("--programme", "-p", help="计划代码")]
NEEDS_SERVER = "{what}需要常驻的 Prefect 服务及其 worker：请设置 PREFECT_API_URL（见 README 的“生产部署”）"


def register(app: typer.Typer) -> None:
    """Add the orchestration commands to the app."""
    app.command("nightly")(nightly)
    app.command("serve")(serve)
    app.command("deploy")(deploy)
    app.command("status")(status)
    app.command("notify")(notify)
    app.command("subscribe")(subscribe_command)


@handles_errors
def nightly(
    as_of: Annotated[str | None, typer.Option("--as-of", help="计算日期 YYYY-MM-DD（默认今天）")] = None,
    programme: Programme = None,
    pool: Annotated[
        str | None,
        typer.Option("--pool", help="分发到此工作池的 worker（默认 SHISHI_WORK_POOL；未设置则在本进程运行）"),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """立即运行一次夜间流程：重算序时进度并保存当日快照。"""
    if (pool or settings().work_pool) and not os.environ.get("PREFECT_API_URL"):
        fail(NEEDS_SERVER.format(what="分发到工作池"))
    day = parse_date(as_of)
    database()
    summaries = orchestrate.nightly(day, programme, pool, warm=True)
    if json:
        emit_json(summaries)
        return
    if not summaries:
        typer.echo("没有该年度的计划，未计算任何内容")
    for s in summaries:
        items = "，".join(f"第{ref}项 {Health[st].label}" for ref, st in s["items"].items())
        typer.echo(
            f"{s['programme']} {s['as_of']}：{Health[s['status']].label}；{items}；逾期子项目 {s['late_projects']} 个"
            + _notices_line(s.get("notices"))
        )


def _notices_line(check: dict[str, Any] | None) -> str:
    """；督办单新近即将到期 1 件、新近逾期 2 件 — what the night's notice check marked (nothing when none)."""
    if not check or not (check["due_soon"] or check["overdue"] or check["warning"]):
        return ""
    text = f"；督办单新近即将到期 {check['due_soon']} 件、新近逾期 {check['overdue']} 件"
    return text + (f"（{check['warning']}）" if check["warning"] else "")


@handles_errors
def serve() -> None:
    """运行各部署：每晚 02:00（Asia/Shanghai）夜间流程，每 5 分钟投递通知。"""
    current_database()
    orchestrate.serve()


@handles_errors
def deploy(
    pool: Annotated[str, typer.Option("--pool", help="工作池名称（process 类型，不存在则创建）")],
    schedule: Annotated[
        bool, typer.Option("--schedule/--no-schedule", help="nightly/池名 每晚 02:00 运行（默认）")
    ] = True,
) -> None:
    """创建工作池并注册 nightly-programme 与 nightly 部署，供 prefect worker start 运行。"""
    if not os.environ.get("PREFECT_API_URL"):
        fail(NEEDS_SERVER.format(what="shishi deploy "))
    created, names = orchestrate.deploy(pool, schedule)
    typer.echo(f"工作池 {pool}：{'已创建' if created else '已存在'}（process）")
    for name in names:
        typer.echo(f"已注册部署 {name}")
    typer.echo(f"启动 worker：prefect worker start --pool {pool} --type process --name 名称")


@handles_errors
def status(
    ref: Annotated[str, typer.Argument(metavar="编号", help="项目 N 或子项目 N.M")],
    value: Annotated[
        str | None,
        typer.Argument(
            metavar="状态",
            help="状态：已完成、超额完成、按序时推进、慢序时、严重滞后、滞后、未启动、暂停、终止（或计划自定的用词）",
        ),
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="原因（必填），报告的“说明”栏照录")] = "",
    by: Annotated[str, typer.Option("--by", help="操作人")] = "管理员",
    clear: Annotated[bool, typer.Option("--clear", help="取消人工认定，恢复计算结果")] = False,
    at: Annotated[
        str | None, typer.Option("--at", help="生效日期（YYYY-MM-DD，默认今天）；此前日期的报告与视图不采用")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="只认定这一期（YYYY-MM 或 YYYY-Qn）：该期内有效，该期报告采用，下一期不再沿用"
        ),
    ] = None,
    word: Annotated[str | None, typer.Option("--status", help="状态（同第二个参数）")] = None,
    programme: Programme = None,
) -> None:
    """人工认定状态（附原因）：项目自下一次夜间计算起生效，子项目即刻用于报告的滞后清单；--clear 取消。"""
    if value is not None and word is not None and value != word:
        fail("状态只需给一次（第二个参数或 --status）")
    value = value if value is not None else word
    if (value is None) != clear:
        fail("请给出状态，或使用 --clear（二者选一）")
    if period is not None and at is not None:
        fail("--period 与 --at 只能用其一")
    on = parse_date(at) or today()
    db = database()
    with UnitOfWork(db) as uow:
        if period is not None:
            on = period_days(period)[0]
        if on > today():
            fail(f"生效日期 {on} 晚于今天")
        row = set_override(uow, ref, None if clear else value, reason, by, programme, on=on, period=period)
        shown = "已取消人工认定" if row.status is None else f"认定为“{judged_label(uow.session, row)}”"
        when = f"{period} 期（{row.effective_on} 至 {row.ends_on}）" if period else f"{on} 起"
    typer.echo(f"{ref} {shown}（{reason}，{when}）；{_takes_effect(ref)}")
    with db.read() as session:
        notice = notice_for(session, programme, on)
    if notice:
        typer.echo(notice)


@handles_errors
def notify(
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="连同已判定失败（重试次数用尽）的邮件一并重新投递")
    ] = False,
) -> None:
    """立即投递发件箱中全部待发邮件（不等重试间隔；SMTP，或默认写入数据目录下的 Maildir）。"""
    from notifications.delivery import retry_failed as requeue
    from notifications.service import deliver_configured

    db = database()
    if retry_failed:
        typer.echo(f"重新排队 {requeue(db)} 封发送失败的邮件")
    report, where = deliver_configured(db, ignore_backoff=True)  # a person asks now: no back-off
    typer.echo(f"已发送 {report.sent} 封，稍后重试 {report.retrying} 封，失败 {report.failed} 封（{where}）")
    for error in report.errors:
        typer.echo(f"  - {error}", err=True)


@handles_errors
def subscribe_command(
    person: Annotated[str, typer.Argument(metavar="姓名或邮箱", help="姓名或邮箱")],
    email: Annotated[str | None, typer.Option("--email", help="新人员的邮箱")] = None,
    item: Annotated[int | None, typer.Option("--item", help="关注第 N 项")] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="关注某部门牵头或配合的全部项目")
    ] = None,
    programme_wide: Annotated[bool, typer.Option("--programme-wide", help="关注整个计划")] = False,
    events: Annotated[
        str, typer.Option("--events", help="stage（阶段变更）、warning（慢序时/滞后提醒），逗号分隔")
    ] = "stage,warning",
    programme: Programme = None,
) -> None:
    """订阅邮件通知：阶段变更与慢序时/滞后提醒（--item、--department 或 --programme P 三选一）。"""
    from services.people.subscriptions import subscribe

    wanted = tuple(e.strip() for e in events.split(",") if e.strip())
    # `--programme P` alone (no --item, no --department) follows the whole programme P
    programme_wide = programme_wide or (item is None and department is None and programme is not None)
    with UnitOfWork(database()) as uow:
        _, changed = subscribe(
            uow,
            person,
            email=email,
            item=item,
            department=department,
            programme_code=programme,
            whole_programme=programme_wide,
            events=wanted,
        )
    labels = "、".join(SUBSCRIPTION_EVENTS.get(e, e) for e in wanted)
    typer.echo(f"{person} 已订阅（{labels}）" if changed else f"{person} 已有此订阅，无变化")


SUBSCRIPTION_EVENTS = {"stage": "阶段变更", "warning": "慢序时/滞后提醒"}


def _takes_effect(ref: str) -> str:
    """When a judgement shows: an item's from the next nightly run; a project's in reports at once."""
    if "." in ref:
        return "报告的滞后清单即刻采用，预警邮件自下一次夜间计算起"
    return "报告即刻采用，状态快照自下一次夜间计算起生效"
