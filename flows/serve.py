"""`shishi serve`: the deployments and their schedules, served from this process."""

from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron, Interval

from flows.delivery import deliver_notifications
from flows.nightly import nightly
from flows.reports import regenerate_reports
from models.settings import get_settings

NIGHTLY_CRON = "0 2 * * *"
DELIVERY_EVERY_SECONDS = 300


def deployments() -> list:
    """nightly at 02:00 in the district's time zone, delivery every 5 minutes, reports on demand."""
    settings = get_settings()
    tz = settings.timezone
    # with SHISHI_WORK_POOL set, nightly runs as the pool's own `nightly/POOL` deployment (`shishi deploy`)
    served = (
        []
        if settings.work_pool
        else [nightly.to_deployment(name="shishi-nightly", schedule=Cron(NIGHTLY_CRON, timezone=tz))]
    )
    return [
        *served,
        deliver_notifications.to_deployment(
            name="shishi-delivery", schedule=Interval(DELIVERY_EVERY_SECONDS, timezone=tz)
        ),
        regenerate_reports.to_deployment(name="shishi-reports"),
    ]


def serve_all() -> None:
    """Serve every deployment until interrupted."""
    serve(*deployments())
