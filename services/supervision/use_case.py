"""Use cases: the office issues a notice; the lead department signs and replies; the office returns or closes it.

Each runs in one unit of work: lock, check the person's role and the machine, change the notice, append
its audit row, queue its emails, commit once. A refused step changes nothing.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import DepartmentMember, ItemDepartment, Notice, NoticeStep
from services.errors import BadInput, Conflict, Forbidden, Refused, control_character, require_name
from services.refs import parse_ref, resolve_item, resolve_programme, resolve_project
from services.supervision.calendar import reply_deadline
from services.supervision.facts import NoticeFacts, load_facts, number_of
from services.supervision.mail import queue_step
from services.supervision.requests import MAX_TEXT, Actor, IssueInput, StepInput
from services.unit_of_work import UnitOfWork
from states.notices import NOTICE_EVENTS, OFFICE_EVENTS, IllegalNoticeStep, NoticeState, step
from states.workdays import MAX_DAYS


def issue_notice(uow: UnitOfWork, data: IssueInput, actor: Actor, today: date) -> NoticeFacts:
    """The office issues a notice to the item's (first) lead department; the deadline in working days."""
    session = uow.session
    require_may_issue(actor)
    finding = _text(data.finding, "发现问题", "finding")
    requirement = _text(data.requirement, "整改要求", "requirement")
    days = _days(data.days)
    on = _effective(data.at, today)
    programme = resolve_programme(session, data.programme)
    ref = parse_ref(data.ref)
    item = resolve_item(session, programme, ref.item)
    project = resolve_project(session, programme, ref) if ref.project is not None else None
    lead = session.scalars(
        select(ItemDepartment.department_id)
        .where(ItemDepartment.item_id == item.id, ItemDepartment.role == "lead")
        .order_by(ItemDepartment.position, ItemDepartment.id)
        .limit(1)
    ).first()
    if lead is None:
        raise Refused(f"第{item.number}项没有牵头部门，无法下发督办单")
    notice = Notice(
        programme_id=programme.id,
        item_id=item.id,
        project_id=project.id if project else None,
        department_id=lead,
        state=NoticeState.issued.code,
        finding=finding,
        requirement=requirement,
        reply_days=days,
        issued_on=on,
        due_on=reply_deadline(on, days),
        issued_by=actor.name,
    )
    session.add(notice)
    session.flush()
    facts = load_facts(session, notice.id)
    _audit_and_mail(session, facts, "issue", None, actor, on, None)
    _changes(uow, facts)
    uow.commit()
    return facts


def act_on_notice(uow: UnitOfWork, data: StepInput, actor: Actor, today: date) -> NoticeFacts:
    """Sign, reply, return (send_back) or close a notice, if the person's role and the machine allow it."""
    session = uow.session
    require_name(actor.name)
    if data.event not in NOTICE_EVENTS:
        raise BadInput(f"未知的督办单操作“{data.event}”；可选：{'、'.join(NOTICE_EVENTS.values())}")
    programme = resolve_programme(session, data.programme) if data.programme else None
    facts = load_facts(session, data.notice_id, programme.code if programme else None, lock=True)
    notice = facts.notice
    _require_role(session, actor, data.event, notice)
    if data.expected_version is not None and data.expected_version != notice.version:
        raise Conflict(
            f"{number_of(notice.id)}在您看到之后已被变更（现为“{NoticeState[notice.state].label}”），未作任何变更；请刷新后重试"
        )
    before = NoticeState[notice.state]
    try:
        after = step(data.event, before)
    except IllegalNoticeStep as exc:
        raise Refused(f"{number_of(notice.id)}未变更", [str(exc)]) from exc
    on = _effective(data.at, today)
    last = session.scalar(
        select(NoticeStep.occurred_on)
        .where(NoticeStep.notice_id == notice.id)
        .order_by(NoticeStep.id.desc())
        .limit(1)
    )
    if last is not None and on < last:
        raise BadInput(f"日期 {on} 早于督办单上一步的日期 {last}", fields=("at",))
    detail = _apply(notice, data, on)
    notice.state = after.code
    session.flush()
    _audit_and_mail(session, facts, data.event, before, actor, on, detail)
    _changes(uow, facts)
    uow.commit()
    return facts


def _apply(notice: Notice, data: StepInput, on: date) -> str | None:
    """Change the notice's fields for the event; return the audit row's detail."""
    if data.event == "reply":
        measures = _text(data.measures, "整改措施", "measures")
        if data.committed_on is None:
            raise BadInput("请填写承诺完成日期", fields=("committed_on",))
        if data.committed_on < on:
            raise BadInput(f"承诺完成日期 {data.committed_on} 早于反馈日期 {on}", fields=("committed_on",))
        notice.measures, notice.committed_on, notice.alert, notice.alert_on = (
            measures,
            data.committed_on,
            None,
            None,
        )
        return f"整改措施：{measures}；承诺完成日期：{data.committed_on}"
    if data.event == "send_back":
        reason = _text(data.reason, "退回原因", "reason")
        days = _days(data.days if data.days is not None else notice.reply_days)
        notice.return_reason, notice.reply_days = reason, days
        notice.due_on, notice.alert, notice.alert_on = reply_deadline(on, days), None, None
        return f"退回原因：{reason}；重新反馈期限 {notice.due_on}"
    if data.reason:
        return _text(data.reason, "说明", "reason")
    return None


def _changes(uow: UnitOfWork, facts: NoticeFacts) -> None:
    """A notice shows on its item's page (and the dashboard), and on its project's page when it is about one."""
    uow.changes_item(facts.programme_code, facts.item_number)
    if facts.project_number is not None:
        uow.changes_project(facts.programme_code, facts.ref)


def _audit_and_mail(
    session: Session,
    facts: NoticeFacts,
    event: str,
    before: NoticeState | None,
    actor: Actor,
    on: date,
    detail: str | None,
) -> None:
    row = NoticeStep(
        notice_id=facts.notice.id,
        event=event,
        from_state=before.code if before else None,
        to_state=facts.notice.state,
        actor=actor.name,
        occurred_on=on,
        detail=detail,
        source=actor.source,
    )
    session.add(row)
    session.flush()
    queue_step(session, facts, row.id, event, actor.name, on, detail)


def _require_office(actor: Actor, what: str) -> None:
    require_name(actor.name)
    if not actor.is_admin:
        raise Forbidden(f"{what}须由办公室（管理员）操作", [f"{actor.name} 不是管理员"])


def require_may_issue(actor: Actor) -> None:
    """Refuse at once anyone but the office, before the request's contents are read."""
    _require_office(actor, "下发督办单")


def require_may_take_steps(actor: Actor) -> None:
    """Refuse at once a role that takes no step on any notice (a viewer): signing is the step the fewest may
    not take, so whoever may not sign may do nothing."""
    require_may_act(actor, "sign")


def require_may_act(actor: Actor, event: str) -> None:
    """Refuse at once a step the actor's role never allows on any notice: the office's steps for anyone else,
    every step for a viewer (the department's own notices are checked with the notice)."""
    label = NOTICE_EVENTS[event]
    if actor.is_admin:
        return
    if event in OFFICE_EVENTS:
        raise Forbidden(f"{label}须由办公室（管理员）操作", [f"{actor.name} 不是管理员"])
    if actor.role != "department" or actor.department_id is None:
        raise Forbidden(f"只读用户不能{label}督办单", [f"{actor.name} 无修改权限"])


def _require_role(session: Session, actor: Actor, event: str, notice: Notice) -> None:
    """The office does everything; the lead department (or a member office of it) signs and replies."""
    label = NOTICE_EVENTS[event]
    require_may_act(actor, event)
    if actor.is_admin or actor.department_id == notice.department_id:
        return
    member = session.scalar(
        select(DepartmentMember.group_id).where(
            DepartmentMember.group_id == notice.department_id,
            DepartmentMember.member_id == actor.department_id,
        )
    )
    if member is None:
        raise Forbidden(
            f"{number_of(notice.id)}不是发给本部门的，不能{label}", [f"{actor.name} 不属于牵头部门"]
        )


def _text(value: str | None, what: str, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise BadInput(f"请填写{what}", fields=(field,))
    if len(text) > MAX_TEXT:
        raise BadInput(f"{what}不超过 {MAX_TEXT} 字", fields=(field,))
    if found := control_character(text):
        raise BadInput(f"{what}含有控制字符 {found}", fields=(field,))
    return text


def _days(days: int) -> int:
    if not 1 <= days <= MAX_DAYS:
        raise BadInput(f"反馈期限应为 1 至 {MAX_DAYS} 个工作日：{days}", fields=("days",))
    return days


def _effective(at: date | None, today: date) -> date:
    on = at or today
    if on > today:
        raise BadInput(f"日期 {on} 晚于今天 {today}", fields=("at",))
    return on
