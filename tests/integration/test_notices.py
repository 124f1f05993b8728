"""Supervision notices through their use cases: deadlines on the Chinese calendar, every step, the nightly check."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError

from models import Notice, NoticeStep, OutboxMessage, Person
from models.db import Database
from notifications.delivery import deliver_pending
from notifications.render import render
from notifications.transports import SmtpTransport
from services.errors import BadInput, Forbidden, Refused
from services.refs import resolve_programme
from services.supervision.nightly import check_notices
from services.supervision.requests import Actor, IssueInput, StepInput
from services.supervision.use_case import act_on_notice, issue_notice
from services.unit_of_work import UnitOfWork
from tests.helpers import snapshot
from tests.integration.test_notifications import Inbox, _free_port
from tests.templates import Filled, load_example

TODAY = date(2020, 12, 31)
OFFICE = Actor.office("督查科")
LEADER, LEADER_EMAIL = "王副区长", "leader@changning.example"


@pytest.fixture
def loaded(db: Database, filled: Filled) -> Database:
    """The example, with a 分管领导 on item 2 who has an address."""
    load_example(db, filled, TODAY)
    with UnitOfWork(db) as uow:
        uow.session.add(Person(name=LEADER, email=LEADER_EMAIL))
        uow.session.execute(text("UPDATE items SET leader = :n WHERE number = 2"), {"n": LEADER})
        uow.commit()
    return db


def issue(db: Database, at: date, days: int = 3, ref: str = "2") -> int:
    with UnitOfWork(db) as uow:
        data = IssueInput(ref, "助餐点开办滞后于序时", "倒排工期，明确完成时间", days, at)
        return issue_notice(uow, data, OFFICE, TODAY).notice.id


def act(db: Database, notice_id: int, event: str, at: date, actor: Actor = OFFICE, **kw: object) -> str:
    with UnitOfWork(db) as uow:
        return act_on_notice(uow, StepInput(notice_id, event, at, **kw), actor, TODAY).notice.state  # type: ignore[arg-type]


def night(db: Database, day: date) -> tuple[int, int, int]:
    with UnitOfWork(db) as uow:
        check = check_notices(uow.session, resolve_programme(uow.session, None), day)
        uow.commit()
    return check.due_soon, check.overdue, check.emails


def alert_of(db: Database, notice_id: int) -> str | None:
    with db.read() as session:
        return session.get(Notice, notice_id).alert  # type: ignore[union-attr]


def test_the_deadline_skips_national_day_and_counts_the_working_saturday(loaded: Database) -> None:
    notice = issue(
        loaded, date(2020, 9, 29), days=3
    )  # 9-30, (10-01..10-08 holiday), 10-09, 10-10 (调休 Saturday)
    with loaded.read() as session:
        assert session.get(Notice, notice).due_on == date(2020, 10, 10)  # type: ignore[union-attr]


def test_a_notice_turns_yellow_then_red_on_the_right_working_day_and_is_emailed_once(
    loaded: Database,
) -> None:
    notice = issue(loaded, date(2020, 9, 29), days=3)  # due 2020-10-10, the working Saturday
    assert night(loaded, date(2020, 9, 29)) == (0, 0, 0)  # two working days ahead reach only 10-09
    assert night(loaded, date(2020, 9, 30)) == (1, 0, 3)  # 10-09 and 10-10 are the next two working days
    assert alert_of(loaded, notice) == "due_soon"
    assert night(loaded, date(2020, 10, 8)) == (0, 0, 0)  # still yellow: not emailed again
    assert night(loaded, date(2020, 10, 10)) == (0, 0, 0)  # due today, not yet overdue
    assert night(loaded, date(2020, 10, 11)) == (0, 1, 3)  # the Sunday after the deadline: red
    assert night(loaded, date(2020, 10, 11)) == (0, 0, 0)  # rerun: nothing changes, nothing sent
    assert alert_of(loaded, notice) == "overdue"
    with loaded.read() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind.like("notice_%")).order_by(OutboxMessage.id)
        ).all()
    alerts = [(r.kind, r.recipient) for r in rows if r.kind in ("notice_due_soon", "notice_overdue")]
    assert sorted(alerts) == sorted(
        (kind, email)
        for kind in ("notice_due_soon", "notice_overdue")
        for email in ("mzj-shishi@changning.example", LEADER_EMAIL, "shishi-office@changning.example")
    )
    for row in rows:  # every email renders, with both parts
        rendered = render(row.kind, row.payload, row.recipient_name)
        assert "督办第" in rendered.subject and rendered.text.strip() and "<html" in rendered.html


def test_a_notice_walks_every_state_and_each_step_is_audited_and_emailed(loaded: Database) -> None:
    notice = issue(loaded, date(2020, 9, 29))
    dept = Actor("民政科", "department", _department_id(loaded, "区民政局"), "web")
    assert act(loaded, notice, "sign", date(2020, 9, 30), dept) == "signed"
    reply = {"measures": "增派施工力量", "committed_on": date(2020, 11, 30)}
    assert act(loaded, notice, "reply", date(2020, 10, 9), dept, **reply) == "answered"
    assert act(loaded, notice, "send_back", date(2020, 10, 10), reason="措施不具体") == "returned"
    assert act(loaded, notice, "reply", date(2020, 10, 12), dept, **reply) == "answered"
    assert act(loaded, notice, "close", date(2020, 10, 13)) == "closed"
    with loaded.read() as session:
        steps = session.scalars(
            select(NoticeStep).where(NoticeStep.notice_id == notice).order_by(NoticeStep.id)
        ).all()
        kinds = session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind.like("notice_%"))).all()
        returned = session.get(Notice, notice)
    assert [(s.event, s.to_state, s.actor, s.occurred_on.day) for s in steps] == [
        ("issue", "issued", "督查科", 29),
        ("sign", "signed", "民政科", 30),
        ("reply", "answered", "民政科", 9),
        ("send_back", "returned", "督查科", 10),
        ("reply", "answered", "民政科", 12),
        ("close", "closed", "督查科", 13),
    ]
    assert returned.return_reason == "措施不具体" and returned.committed_on == date(2020, 11, 30)  # type: ignore[union-attr]
    # 4 recipients each: the lead department, the leader, the cooperating group has no address, the office
    for kind in ("notice_issued", "notice_signed", "notice_replied", "notice_returned", "notice_closed"):
        assert kinds.count(kind) == (3 if kind != "notice_replied" else 6)


def test_illegal_steps_are_refused_in_chinese_and_change_nothing(loaded: Database) -> None:
    notice = issue(loaded, date(2020, 9, 29))
    wrong = {"measures": "x", "committed_on": date(2020, 12, 1), "reason": "y"}

    def refused(event: str) -> str:
        with pytest.raises(Refused, match="未变更") as caught:
            act(loaded, notice, event, date(2020, 10, 9), **wrong)
        return "".join(caught.value.reasons)

    before = snapshot(loaded)
    assert "尚未签收" in refused("reply")
    assert "尚未反馈" in refused("send_back")
    assert "尚未反馈" in refused("close")
    assert snapshot(loaded) == before
    act(loaded, notice, "sign", date(2020, 9, 30))
    assert "已签收过" in refused("sign")
    with pytest.raises(BadInput, match="早于督办单上一步"):
        act(loaded, notice, "reply", date(2020, 9, 29), **wrong)
    with pytest.raises(BadInput, match="承诺完成日期"):
        act(loaded, notice, "reply", date(2020, 10, 9), measures="x", committed_on=date(2020, 10, 1))


def test_only_the_office_issues_returns_and_closes_and_only_the_lead_department_signs(
    loaded: Database,
) -> None:
    notice = issue(loaded, date(2020, 9, 29))
    sport = Actor("体育科", "department", _department_id(loaded, "区体育局"), "web")
    civil = Actor("民政科", "department", _department_id(loaded, "区民政局"), "web")
    before = snapshot(loaded)
    with pytest.raises(Forbidden, match="不是发给本部门"):
        act(loaded, notice, "sign", date(2020, 9, 30), sport)
    with pytest.raises(Forbidden, match="办公室"), UnitOfWork(loaded) as uow:
        issue_notice(uow, IssueInput("2", "a", "b"), civil, TODAY)
    with pytest.raises(Forbidden, match="办公室"):
        act(loaded, notice, "close", date(2020, 9, 30), civil)
    assert snapshot(loaded) == before


def test_a_year_the_calendar_does_not_know_is_refused_with_a_clear_message(loaded: Database) -> None:
    before = snapshot(loaded)
    with pytest.raises(BadInput, match="工作日历尚无 2099 年"), UnitOfWork(loaded) as uow:
        issue_notice(uow, IssueInput("2", "a", "b", 3, date(2099, 12, 28)), OFFICE, date(2099, 12, 31))
    assert snapshot(loaded) == before


def _department_id(db: Database, name: str) -> int:
    with db.read() as session:
        return session.execute(text("SELECT id FROM departments WHERE name = :n"), {"n": name}).scalar_one()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, Controller]]:
    """A real SMTP server on loopback."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller
    controller.stop()


def test_the_issued_returned_due_soon_and_overdue_emails_arrive_with_text_and_html(
    loaded: Database, smtp: tuple[Inbox, Controller]
) -> None:
    inbox, controller = smtp
    notice = issue(loaded, date(2020, 9, 29))  # due 2020-10-10
    night(loaded, date(2020, 9, 30))  # due soon
    night(loaded, date(2020, 10, 11))  # overdue
    dept = Actor("民政科", "department", _department_id(loaded, "区民政局"), "web")
    act(loaded, notice, "sign", date(2020, 10, 12), dept)
    act(
        loaded,
        notice,
        "reply",
        date(2020, 10, 12),
        dept,
        measures="增派施工力量",
        committed_on=date(2020, 11, 30),
    )
    act(loaded, notice, "send_back", date(2020, 10, 13), reason="措施不具体")
    report = deliver_pending(
        loaded, SmtpTransport("127.0.0.1", controller.port), "督查 <dc@changning.example>", 5
    )
    assert not report.errors
    to_department = {
        m["Subject"]: m
        for m, rcpt in zip(inbox.messages, inbox.rcpts, strict=True)
        if rcpt == ["mzj-shishi@changning.example"]
    }
    expected = {
        "督办单已下发（请于 2020-10-10 前反馈）": ("助餐点开办滞后于序时", "倒排工期"),
        "督办单即将到期（请于 2020-10-10 前反馈）": ("即将到期", "两个工作日内"),
        "督办单已逾期（反馈期限 2020-10-10）": ("已逾期", "分管领导督促落实"),
        "督办单被退回重报（请于 2020-10-16 前反馈）": ("措施不具体", "增派施工力量"),
    }
    for tail, words in expected.items():
        (msg,) = [m for s, m in to_department.items() if s.endswith(tail)]
        assert msg.get_content_type() == "multipart/alternative"
        text, html = msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()
        assert all(w in text and w in html for w in words), (tail, text)
        assert "抄送" in text or "即将到期" in tail or "已逾期" in tail


def test_the_nightly_check_runs_the_same_statements_for_one_notice_or_many(loaded: Database) -> None:
    def statements_of_a_night(day: date) -> list[str]:
        seen: list[str] = []

        def count(conn: object, cursor: object, statement: str, *_: object) -> None:
            seen.append(statement.split()[0])

        event.listen(loaded.engine, "before_cursor_execute", count)
        try:
            assert night(loaded, day)[0] > 0
        finally:
            event.remove(loaded.engine, "before_cursor_execute", count)
        return seen

    issue(loaded, date(2020, 9, 29))
    one = statements_of_a_night(date(2020, 9, 30))
    for ref in ("1", "2", "3", "4.1", "5"):
        issue(loaded, date(2020, 9, 29), ref=ref)
    many = statements_of_a_night(date(2020, 10, 8))
    # the steps' one INSERT, and the commit's one upsert of the data revisions
    assert many == one and one.count("UPDATE") == 2 and one.count("INSERT") == 2


def test_a_step_once_written_is_never_changed(loaded: Database) -> None:
    issue(loaded, date(2020, 9, 29))
    with pytest.raises(DBAPIError, match="只可追加"), loaded.engine.begin() as conn:
        conn.execute(text("UPDATE notice_steps SET actor = 'x'"))
