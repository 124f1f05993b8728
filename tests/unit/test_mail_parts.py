"""Email parts without a server: SMTP URLs, subjects, links, MIME structure and stable Message-IDs."""

from __future__ import annotations

import email
from email import policy

import pytest

from notifications.message import build, message_id_for
from notifications.render import render
from notifications.transports import MaildirTransport, SmtpTransport, transport_for

PAYLOAD = {
    "programme": {"code": "changning-2020", "name": "长宁区2020年区政府实事项目"},
    "item": {"number": 2, "title": "新增老年人助餐点 10 个"},
    "project": {"ref": "2.8", "name": "XX点位"},
    "event": "advance",
    "from": "开工",
    "to": "完工",
    "actor": "张三",
    "on": "2020-10-10",
    "reason": None,
    "evidence": [{"kind": "竣工验收", "doc_no": "长民验〔2020〕3号", "issued_on": "2020-10-09"}],
    "target": {"name": "新增老年助餐点", "planned": 10, "achieved": 3, "unit": "个", "ratio": 0.3},
    "link": "https://shishi.example/projects/changning-2020/2.8",
}


def test_smtp_url_with_starttls_and_credentials() -> None:
    t = SmtpTransport.from_url("smtp://user%40d:p%3Ass@mail.example:587?starttls=1")
    assert (t.host, t.port, t.username, t.password, t.starttls, t.use_ssl) == (
        "mail.example",
        587,
        "user@d",
        "p:ss",
        True,
        False,
    )
    assert "p:ss" not in t.describe()


def test_smtps_url_defaults_to_port_465() -> None:
    t = SmtpTransport.from_url("smtps://mail.example")
    assert (t.port, t.use_ssl, t.starttls) == (465, True, False)


def test_a_bad_smtp_url_is_refused_in_chinese() -> None:
    with pytest.raises(ValueError, match="SHISHI_SMTP_URL"):
        SmtpTransport.from_url("http://mail.example")


def test_maildir_is_the_default_transport(tmp_path) -> None:
    assert isinstance(transport_for(None, tmp_path), MaildirTransport)


def test_the_maildir_is_created_with_its_missing_parent_folders(tmp_path) -> None:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "测试"
    message.set_content("正文")
    box = tmp_path / "data" / "not-yet" / "mail"
    MaildirTransport(box).send(message)
    delivered = list((box / "new").iterdir())
    assert len(delivered) == 1
    assert "测试" in email.message_from_bytes(delivered[0].read_bytes(), policy=policy.default)["Subject"]


def test_subject_names_item_target_project_and_move() -> None:
    assert (
        render("stage_changed", PAYLOAD, "李四").subject
        == "【实事项目】第2项 新增老年助餐点 · XX点位：开工 → 完工"
    )


def test_the_body_carries_who_when_evidence_progress_and_link() -> None:
    out = render("stage_changed", PAYLOAD, "李四")
    for part in (out.text, out.html):
        for needle in ("张三", "2020-10-10", "长民验〔2020〕3号", "3 / 10", "30%", PAYLOAD["link"]):
            assert needle in part
    assert "李四" in out.text


def test_the_message_is_multipart_utf8_with_encoded_subject_and_fixed_message_id() -> None:
    rendered = render("stage_changed", PAYLOAD, "李四")
    mid = message_id_for(7, "stage:1:li@example.org", "办公室 <shishi@changning.example>")
    assert mid == message_id_for(7, "stage:1:li@example.org", "办公室 <shishi@changning.example>")
    assert mid.endswith("@changning.example>")
    raw = build(rendered, "办公室 <shishi@changning.example>", "li@example.org", "李四", mid).as_bytes()
    assert b"=?utf-8?" in raw.split(b"\n\n", 1)[0]  # RFC 2047 header encoding
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert parsed["Subject"] == rendered.subject and parsed["Message-ID"] == mid and parsed["Date"]
    assert [p.get_content_charset() for p in parsed.iter_parts()] == ["utf-8", "utf-8"]


def test_the_date_is_the_moment_in_the_programmes_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    from models.settings import get_settings

    rendered = render("stage_changed", PAYLOAD, "李四")
    moment = datetime(2020, 10, 10, 2, 30, tzinfo=UTC)
    get_settings.cache_clear()
    monkeypatch.delenv("SHISHI_TIMEZONE", raising=False)
    shanghai = build(rendered, "shishi@changning.example", "li@example.org", None, "<m@x>", moment)
    assert shanghai["Date"] == "Sat, 10 Oct 2020 10:30:00 +0800"
    monkeypatch.setenv("SHISHI_TIMEZONE", "Asia/Urumqi")
    get_settings.cache_clear()
    try:
        urumqi = build(rendered, "shishi@changning.example", "li@example.org", None, "<m@x>", moment)
    finally:
        get_settings.cache_clear()
    assert urumqi["Date"] == "Sat, 10 Oct 2020 08:30:00 +0600"
