"""Stage-change emails through a real SMTP server on loopback, read back as a mail client would."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from models import HealthSnapshot, Item, OutboxMessage, ProgressReport, Project, Target
from models.db import Database
from notifications.delivery import deliver_pending, retry_failed
from notifications.transports import MaildirTransport, SmtpTransport
from services.errors import Refused
from services.health.recompute import recompute
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.refs import resolve_programme
from services.reporting.data import gather
from services.stage_change.request import EvidenceInput, StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE
from tests.helpers import cli
from tests.templates import Filled, load_example

TODAY = date(2020, 10, 20)
SENDER = "实事项目办公室 <shishi@changning.example>"
ACCEPTANCE = (EvidenceInput("acceptance", "长民验〔2020〕9号", date(2020, 10, 9)),)


@dataclass
class Inbox:
    """Collects what the SMTP server accepted."""

    messages: list[EmailMessage] = field(default_factory=list)
    rcpts: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=policy.default))
        self.rcpts.append(list(envelope.rcpt_tos))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, Controller]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller
    controller.stop()


@pytest.fixture
def loaded(db: Database, filled: Filled) -> Database:
    return load_example(db, filled, TODAY)


def _advance(db: Database, ref: str, **kw: object) -> None:
    with UnitOfWork(db) as uow:
        change_stage(uow, StageChange(ref=ref, event="advance", actor="张三", at=TODAY, **kw), TODAY)  # type: ignore[arg-type]


def _smtp(controller: Controller) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", controller.port)


def test_a_stage_change_email_arrives_with_both_parts_in_chinese(
    loaded: Database, smtp: tuple[Inbox, Controller]
) -> None:
    inbox, controller = smtp
    _advance(loaded, "2.8", evidence=ACCEPTANCE)
    report = deliver_pending(loaded, _smtp(controller), SENDER, 5)
    assert report.sent == 3 and not report.errors
    recipients = sorted(r for rcpt in inbox.rcpts for r in rcpt)
    assert recipients == [
        "mzj-shishi@changning.example",
        "shishi-office@changning.example",
        "yanglao@changning.example",
    ]
    msg = inbox.messages[0]
    assert msg["Subject"] == "【实事项目】第2项 新增老年人助餐点 · 第 5 个老年助餐点：开工 → 完工"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "开工 → 完工" in text and "张三" in text and "长民验〔2020〕9号" in text
    assert "完工" in html and "<table" in html
    assert msg["Message-ID"] and msg["Date"]


def test_a_refused_transition_leaves_no_email(loaded: Database) -> None:
    with pytest.raises(Refused):
        _advance(loaded, "2.9")
    with loaded.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_an_smtp_outage_loses_nothing_and_sends_each_email_once(
    loaded: Database, smtp: tuple[Inbox, Controller]
) -> None:
    inbox, controller = smtp
    down = SmtpTransport("127.0.0.1", _free_port())  # nothing listens there
    for ref in ("2.8", "2.9", "2.10"):
        _advance(loaded, ref, evidence=ACCEPTANCE)
    outage = deliver_pending(loaded, down, SENDER, 5)
    assert outage.sent == 0 and outage.retrying == 9
    assert deliver_pending(loaded, _smtp(controller), SENDER, 5).sent == 0  # not due yet: backoff
    later = datetime.now(UTC) + timedelta(hours=1)
    assert deliver_pending(loaded, _smtp(controller), SENDER, 5, now=later).sent == 9
    assert deliver_pending(loaded, _smtp(controller), SENDER, 5, now=later).sent == 0
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == len(set(ids)) == 9
    with loaded.read() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {"sent"} and {r.attempts for r in rows} == {2}


def test_a_crash_between_sending_and_marking_sent_resends_the_same_message_id(
    loaded: Database, smtp: tuple[Inbox, Controller]
) -> None:
    inbox, controller = smtp
    real = _smtp(controller)

    class CrashAfterSend:
        def send(self, message: EmailMessage) -> None:
            real.send(message)
            raise ConnectionResetError("connection lost before the reply was read")

    _advance(loaded, "2.8", evidence=ACCEPTANCE)
    deliver_pending(loaded, CrashAfterSend(), SENDER, 5)
    deliver_pending(loaded, real, SENDER, 5, now=datetime.now(UTC) + timedelta(hours=1))
    by_rcpt: dict[str, set[str]] = {}
    for msg in inbox.messages:
        by_rcpt.setdefault(msg["To"], set()).add(msg["Message-ID"])
    assert len(inbox.messages) == 6
    assert all(len(ids) == 1 for ids in by_rcpt.values())


def test_a_row_fails_after_the_last_attempt_and_can_be_retried(
    loaded: Database, smtp: tuple[Inbox, Controller]
) -> None:
    _inbox, controller = smtp
    down = SmtpTransport("127.0.0.1", _free_port())
    _advance(loaded, "2.8", evidence=ACCEPTANCE)
    now = datetime.now(UTC)
    for hour in range(3):
        deliver_pending(loaded, down, SENDER, 2, now=now + timedelta(hours=hour))
    with loaded.read() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {"failed"} and all(
            "Connection" in (r.last_error or "") for r in rows
        )
    assert retry_failed(loaded) == 3
    assert deliver_pending(loaded, _smtp(controller), SENDER, 2).sent == 3


def test_html_escapes_a_project_name_with_a_script_tag(db: Database, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "name: 第 5 个老年助餐点", "name: <script>alert(1)</script>", 1
    )
    path = tmp_path / "xss.yaml"
    path.write_text(text, encoding="utf-8")
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)
    _advance(db, "2.8", evidence=ACCEPTANCE)
    box = tmp_path / "mail"
    assert deliver_pending(db, MaildirTransport(box), SENDER, 5).sent == 3
    raw = next((box / "new").iterdir()).read_bytes()
    msg = email.message_from_bytes(raw, policy=policy.default)
    html = msg.get_body(("html",)).get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "<script>alert(1)</script>" in msg.get_body(("plain",)).get_content()


def _report_a_figure_for_an_unmeasured_target(db: Database, item: int, position: int, figure: int) -> None:
    """Clear the quantities of the target's projects and file a progress report with an achieved figure."""
    with UnitOfWork(db) as uow:
        session = uow.session
        target = session.scalars(
            select(Target).join(Item).where(Item.number == item, Target.position == position)
        ).one()
        for project in session.scalars(select(Project).where(Project.target_id == target.id)):
            project.quantity = None
        session.add(
            ProgressReport(
                item_id=target.item_id,
                target_id=target.id,
                as_of=date(2020, 10, 15),
                period="2020-10",
                achieved=Decimal(figure),
                reported_by="区体育局",
            )
        )
        uow.commit()


def test_the_emails_target_figure_is_the_reports_figure_for_a_target_with_a_reported_figure(
    loaded: Database,
) -> None:
    _report_a_figure_for_an_unmeasured_target(loaded, 4, 2, 120)
    _advance(loaded, "4.11", evidence=ACCEPTANCE)
    with loaded.read() as session:
        emailed = [m.payload["target"] for m in session.scalars(select(OutboxMessage))]
    with UnitOfWork(loaded) as uow:
        recompute(uow, resolve_programme(uow.session, "changning-2020"), date(2020, 10, 31))
    with loaded.read() as session:
        report = gather(session, "changning-2020", "2020-10")
        nightly = session.scalars(
            select(HealthSnapshot).where(HealthSnapshot.scope == "target", HealthSnapshot.ref == "4#2")
        ).one()
    reported = next(i for i in report["items"] if i["number"] == 4)["targets"][1]
    assert emailed, "the stage change queued no email"
    assert {t["achieved"] for t in emailed} == {reported["achieved"]} == {120}
    assert float(nightly.achieved) == 120
    assert {round(t["ratio"], 4) for t in emailed} == {reported["ratio"]}


def _three_changes_during_an_outage(db: Database, max_attempts: int) -> None:
    """Three stage changes, each followed by a scheduled delivery that finds the mail server down."""
    down = SmtpTransport("127.0.0.1", _free_port())  # nothing listens there
    for ref in ("2.8", "2.9", "2.10"):
        _advance(db, ref, evidence=ACCEPTANCE)
        assert deliver_pending(db, down, SENDER, max_attempts).sent == 0


def _delivered_once(inbox: Inbox, db: Database, count: int) -> None:
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == len(set(ids)) == count
    with db.read() as session:
        assert {r.status for r in session.scalars(select(OutboxMessage))} == {"sent"}


def test_after_an_outage_one_shishi_notify_sends_every_email_once(
    loaded: Database, smtp: tuple[Inbox, Controller], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, controller = smtp
    _three_changes_during_an_outage(loaded, max_attempts=5)
    assert deliver_pending(loaded, _smtp(controller), SENDER, 5).sent == 0  # the schedule keeps its back-off
    monkeypatch.setenv("SHISHI_SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    result = cli("notify")
    assert result.exit_code == 0, result.output
    assert "已发送 9 封" in result.output
    _delivered_once(inbox, loaded, 9)
    assert "已发送 0 封" in cli("notify").output


def test_notify_retry_failed_also_sends_the_emails_that_ran_out_of_attempts(
    loaded: Database, smtp: tuple[Inbox, Controller], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, controller = smtp
    _three_changes_during_an_outage(loaded, max_attempts=1)
    with loaded.read() as session:
        assert {r.status for r in session.scalars(select(OutboxMessage))} == {"failed"}
    monkeypatch.setenv("SHISHI_SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    assert "已发送 0 封" in cli("notify").output  # failed rows wait for --retry-failed
    result = cli("notify", "--retry-failed")
    assert result.exit_code == 0, result.output
    assert "重新排队 9 封" in result.output and "已发送 9 封" in result.output
    _delivered_once(inbox, loaded, 9)
