"""The `deliver-notifications` flow: drain the outbox with retries and backoff."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task

from flows.runtime import database
from notifications.service import deliver_configured


@task(
    name="deliver-outbox",
    task_run_name="deliver outbox ({reason})",
    retries=3,
    retry_delay_seconds=[5, 30, 120],
    cache_policy=None,
)
def deliver_outbox(reason: str) -> int:
    """Send what the outbox holds; returns how many messages were sent."""
    report, where = deliver_configured(database())
    logger = get_run_logger()
    logger.info("sent %s, retrying %s, failed %s via %s", report.sent, report.retrying, report.failed, where)
    for error in report.errors:
        logger.warning("delivery failed: %s", error)
    return report.sent


def _run_name() -> str:
    """“投递通知 2020-10-10 09:05”."""
    return f"投递通知 {datetime.now():%Y-%m-%d %H:%M}"


@flow(name="deliver-notifications", flow_run_name=_run_name)
def deliver_notifications() -> int:
    """Drain the outbox (scheduled every few minutes by `shishi serve`)."""
    return deliver_outbox(reason="scheduled")
