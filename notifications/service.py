"""Delivery with this installation's settings: the configured transport, sender and attempt limit."""

from __future__ import annotations

from models.db import Database
from models.settings import get_settings
from notifications.delivery import DeliveryReport, deliver_pending
from notifications.transports import transport_for


def deliver_configured(db: Database, ignore_backoff: bool = False) -> tuple[DeliveryReport, str]:
    """Drain the outbox through SMTP or the Maildir (with `ignore_backoff`, every pending row now)."""
    settings = get_settings()
    transport = transport_for(settings.smtp_url, settings.maildir)
    report = deliver_pending(
        db, transport, settings.mail_from, settings.mail_max_attempts, ignore_backoff=ignore_backoff
    )
    return report, transport.describe()
