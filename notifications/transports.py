"""Where messages go: an SMTP server (SHISHI_SMTP_URL) or, by default, a Maildir folder."""

from __future__ import annotations

import mailbox
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit


class Transport(Protocol):
    """Sends one message or raises."""

    def send(self, message: EmailMessage) -> None:
        """Deliver the message; raise on any failure."""


@dataclass
class MaildirTransport:
    """Writes each message into a Maildir that any mail client can open."""

    path: Path

    def send(self, message: EmailMessage) -> None:
        """Add the message to the Maildir's `new` folder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)  # mailbox creates only the last folder
        box = mailbox.Maildir(self.path, create=True)
        box.add(message)

    def describe(self) -> str:
        """Where the messages are."""
        return str(self.path)


@dataclass
class SmtpTransport:
    """An SMTP server: smtp://user:pass@host:587?starttls=1 or smtps://user:pass@host:465."""

    host: str
    port: int
    username: str | None = None
    password: str | None = None
    use_ssl: bool = False
    starttls: bool = False
    timeout: float = 20.0

    @classmethod
    def from_url(cls, url: str) -> SmtpTransport:
        """Parse SHISHI_SMTP_URL."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SHISHI_SMTP_URL 应形如 smtp://用户:密码@主机:587?starttls=1 或 smtps://…")
        query = parse_qs(parts.query)
        use_ssl = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if use_ssl else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_ssl=use_ssl,
            starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        )

    def send(self, message: EmailMessage) -> None:
        """One connection per call; raises smtplib/OSError errors to the caller."""
        context = ssl.create_default_context()
        client_cls = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        kwargs = {"context": context} if self.use_ssl else {}
        with client_cls(self.host, self.port, timeout=self.timeout, **kwargs) as client:
            if self.starttls:
                client.starttls(context=context)
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)

    def describe(self) -> str:
        """Host and port, never the password."""
        return f"smtp{'s' if self.use_ssl else ''}://{self.host}:{self.port}"


def transport_for(smtp_url: str | None, maildir: Path) -> MaildirTransport | SmtpTransport:
    """SMTP when configured, otherwise the Maildir under the data directory."""
    return SmtpTransport.from_url(smtp_url) if smtp_url else MaildirTransport(maildir)
