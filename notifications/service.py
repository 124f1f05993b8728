"""Delivery with this installation's settings: the configured transport, sender and attempt limit."""

from __future__ import annotations

from models.db import Database
from models.settings import get_settings
from notifications.delivery import DeliveryReport, deliver_pending
from notifications.transports import transport_for


def deliver_configured(db: Database) -> tuple[DeliveryReport, str]:
    """Drain the outbox through SMTP or the Maildir; return the report and where messages went."""
    settings = get_settings()
    transport = transport_for(settings.smtp_url, settings.maildir)
    report = deliver_pending(db, transport, settings.mail_from, settings.mail_max_attempts)
    return report, transport.describe()
