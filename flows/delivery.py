"""The `deliver-notifications` flow: drain the outbox (the outbox arrives with the notifications issue)."""

from __future__ import annotations

from prefect import flow, get_run_logger, task


@task(
    name="deliver-outbox",
    task_run_name="deliver outbox ({reason})",
    retries=3,
    retry_delay_seconds=[5, 30, 120],
    cache_policy=None,
)
def deliver_outbox(reason: str) -> int:
    """Send what the outbox holds; returns how many messages were sent."""
    get_run_logger().info("通知投递尚未实现：暂无发件箱，本任务不发送任何邮件（%s）", reason)
    return 0


@flow(name="deliver-notifications")
def deliver_notifications() -> int:
    """Drain the outbox with retries and backoff."""
    return deliver_outbox(reason="scheduled")
