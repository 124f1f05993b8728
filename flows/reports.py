"""Report regeneration: every programme's current period (nightly, scheduled), or one programme's period."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task

from flows.runtime import database
from models.settings import get_settings
from reports.service import FORMATS, generate
from services.refs import programme_codes_of_year


@task(
    name="regenerate-reports",
    task_run_name="regenerate reports ({reason})",
    retries=2,
    retry_delay_seconds=[5, 30],
    cache_policy=None,
)
def regenerate(reason: str, as_of: date | None = None) -> list[str]:
    """Write every format for the programmes of the year; returns the paths written."""
    settings = get_settings()
    day = as_of or settings.today()
    with database().read() as session:
        codes = programme_codes_of_year(session, day.year)
    paths: list[str] = []
    for code in codes:
        files = generate(database(), code, f"{day.year}-{day.month:02d}", FORMATS, settings.reports_folder)
        paths += [f["path"] for f in files]
    get_run_logger().info("regenerated %s report files (%s)", len(paths), reason)
    return paths


@task(
    name="regenerate-programme-report",
    task_run_name="regenerate {code} {period} ({reason})",
    retries=2,
    retry_delay_seconds=[5, 30],
    cache_policy=None,
)
def regenerate_period(code: str, period: str, reason: str) -> list[str]:
    """Write every format of one programme's report for one period (YYYY-MM); returns the paths written."""
    files = generate(database(), code, period, FORMATS, get_settings().reports_folder)
    get_run_logger().info("regenerated %s report files of %s %s (%s)", len(files), code, period, reason)
    return [f["path"] for f in files]


def _run_name() -> str:
    """“重新生成报告 2020-10”: the period rewritten."""
    day = get_settings().today()
    return f"重新生成报告 {day.year}-{day.month:02d}"


@flow(name="regenerate-reports", flow_run_name=_run_name)
def regenerate_reports() -> list[str]:
    """Regenerate every report of the active programmes."""
    return regenerate(reason="scheduled")
