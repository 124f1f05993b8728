"""The `regenerate-reports` flow (the report generator arrives with the reports issue)."""

from __future__ import annotations

from prefect import flow, get_run_logger, task


@task(
    name="regenerate-reports",
    task_run_name="regenerate reports ({reason})",
    retries=2,
    retry_delay_seconds=[5, 30],
    cache_policy=None,
)
def regenerate(reason: str) -> list[str]:
    """Write the reports affected by a change; returns the paths written."""
    get_run_logger().info("报告生成尚未实现：本任务不写任何文件（%s）", reason)
    return []


@flow(name="regenerate-reports")
def regenerate_reports() -> list[str]:
    """Regenerate every report of the active programmes."""
    return regenerate(reason="scheduled")
