"""`shishi deploy`: a process work pool and the nightly deployments its workers run."""

from __future__ import annotations

from prefect import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType
from prefect.workers.process import ProcessWorker

from flows.nightly import nightly, nightly_programme
from flows.serve import NIGHTLY_CRON
from models.settings import get_settings
from services.errors import BadInput

POOL_TYPE = "process"


def ensure_pool(pool: str) -> bool:
    """Create the process work pool if missing; True when it was created."""
    with get_client(sync_client=True) as client:
        try:
            found = client.read_work_pool(pool)
        except ObjectNotFound:
            template = ProcessWorker.get_default_base_job_template()
            client.create_work_pool(WorkPoolCreate(name=pool, type=POOL_TYPE, base_job_template=template))
            return True
    if found.type != POOL_TYPE:
        raise BadInput(f"工作池“{pool}”的类型是 {found.type}，不是 {POOL_TYPE}；请换一个池名")
    return False


def deploy(pool: str, schedule: bool = True) -> list[str]:
    """Register `nightly-programme/POOL` and `nightly/POOL` (02:00, fanning out on POOL); returns their names."""
    # module-path entry points: each worker host imports shishi as installed there; no directory is recorded
    tz = get_settings().timezone
    programme = nightly_programme.to_deployment(
        name=pool, work_pool_name=pool, entrypoint_type=EntrypointType.MODULE_PATH
    )
    parent = nightly.to_deployment(
        name=pool,
        work_pool_name=pool,
        entrypoint_type=EntrypointType.MODULE_PATH,
        parameters={"work_pool": pool},
        schedule=Cron(NIGHTLY_CRON, timezone=tz) if schedule else None,
    )
    for deployment in (programme, parent):
        deployment.apply()
    return [programme.full_name, parent.full_name]
