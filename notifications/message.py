"""Build a real MIME email: multipart/alternative, UTF-8, encoded subject, stable Message-ID, Date in the
programme's time zone (+0800 for Asia/Shanghai)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from zoneinfo import ZoneInfo

from models.settings import get_settings
from notifications.render import Rendered


def build(
    rendered: Rendered,
    sender: str,
    recipient: str,
    recipient_name: str | None,
    message_id: str,
    when: datetime | None = None,
) -> EmailMessage:
    """One message ready for any transport."""
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    name, address = parseaddr(sender)
    msg["From"] = formataddr((name, address)) if name else address
    msg["To"] = str(Address(display_name=recipient_name or "", addr_spec=recipient))
    msg["Message-ID"] = message_id
    msg["Date"] = format_datetime((when or datetime.now(UTC)).astimezone(ZoneInfo(get_settings().timezone)))
    msg.set_content(rendered.text, subtype="plain", charset="utf-8")
    msg.add_alternative(rendered.html, subtype="html", charset="utf-8")
    return msg


def message_id_for(outbox_id: int, dedupe_key: str, sender: str) -> str:
    """A Message-ID fixed for the row, so a resend after a crash is recognisably the same message."""
    import hashlib

    domain = parseaddr(sender)[1].rpartition("@")[2] or "shishi.local"
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:16]
    return f"<shishi.{outbox_id}.{digest}@{domain}>"
