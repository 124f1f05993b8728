"""`shishi nightly` killed (SIGKILL) inside its recomputation transaction on a 100,000-project programme.

The programme comes from the benchmarks' generator (bench/synthetic.py), once per database kind. The test
waits until the process holds the recomputation's write lock (SQLite's write lock, or PostgreSQL's lock on
health_snapshots), stops it, checks it still holds it, and kills it: nothing of that night may remain, and a
rerun must leave exactly one set of snapshots and one digest.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from bench.synthetic import CODE, generate
from models import HealthSnapshot, Item, OutboxMessage, Programme, Target
from models.db import Database
from services.health.sql import late_projects
from tests.conftest import _backends, shared_database_url
from tests.helpers import wait_for

ON_POSTGRESQL = True  # run on PostgreSQL too (see tests/conftest.py)

PROJECTS = 100_000
OFFICE = "office@synthetic.example"
SHISHI = Path(sys.executable).parent / "shishi"
PG_WRITE_LOCK = """
SELECT count(*) FROM pg_locks l JOIN pg_class c ON l.relation = c.oid
WHERE c.relname = 'health_snapshots' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
"""


@pytest.fixture(scope="module", params=_backends())
def big_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> str:
    """A migrated database holding the synthetic 100,000-project programme, generated once per kind."""
    url = shared_database_url(request, tmp_path_factory.mktemp("crash"), sqlite_template)
    db = Database(url)
    generate(db, PROJECTS)
    with db.engine.begin() as conn:  # someone to receive the warning digest
        conn.execute(update(Programme).where(Programme.code == CODE).values(office_email=OFFICE))
    db.dispose()
    return url


@pytest.fixture
def prefect_api_url(prefect_server: None) -> str:
    """The session's Prefect server, for the `shishi nightly` child processes."""
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())


@pytest.fixture
def big_db(big_url: str) -> Iterator[Database]:
    """The synthetic programme's database."""
    db = Database(big_url)
    yield db
    db.dispose()


def holds_write_lock(db: Database) -> bool:
    """True while another connection holds the recomputation's write lock."""
    if db.is_sqlite:
        probe = sqlite3.connect(db.engine.url.database or "", timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
            return True
        finally:
            probe.close()
    with db.engine.connect() as conn:
        return bool(conn.execute(text(PG_WRITE_LOCK)).scalar_one())


def nightly(env: dict[str, str], day: date) -> subprocess.Popen[bytes]:
    """`shishi nightly` for the synthetic programme, in its own process group."""
    args = [str(SHISHI), "nightly", "--as-of", day.isoformat(), "--programme", CODE]
    return subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )


def kill_inside_transaction(db: Database, env: dict[str, str], first_day: date) -> date:
    """Start nightlies until one is stopped while holding the write lock, then SIGKILL it; its date."""
    for attempt in range(3):
        day = first_day + timedelta(days=attempt)
        proc = nightly(env, day)
        try:
            wait_for("the nightly's write transaction", lambda: holds_write_lock(db), 120, interval=0.002)
            os.killpg(proc.pid, signal.SIGSTOP)
            if holds_write_lock(db):  # stopped inside the transaction: kill it there
                os.killpg(proc.pid, signal.SIGKILL)
                assert proc.wait(timeout=30) == -signal.SIGKILL
                return day
            os.killpg(proc.pid, signal.SIGCONT)  # it had just committed: let it finish, try the next night
            assert proc.wait(timeout=300) == 0
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    raise AssertionError("no nightly could be stopped inside its transaction in 3 attempts")


def night_of(db: Database, day: date) -> tuple[int, int, int]:
    """Snapshot rows of that night, distinct (scope, ref) among them, and digests queued for it."""
    with db.read() as session:
        programme_id = session.scalar(select(Programme.id).where(Programme.code == CODE))
        on_day = (HealthSnapshot.programme_id == programme_id, HealthSnapshot.as_of == day)
        rows = session.scalar(select(func.count()).select_from(HealthSnapshot).where(*on_day))
        keys = select(HealthSnapshot.scope, HealthSnapshot.ref).where(*on_day).distinct().subquery()
        distinct = session.scalar(select(func.count()).select_from(keys))
        digests = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind == "digest", OutboxMessage.dedupe_key.like(f"digest:{CODE}:{day}:%"))
        )
    return rows or 0, distinct or 0, digests or 0


def expected_rows(db: Database, day: date) -> int:
    """One snapshot per target and per item, one for the programme, and one per project overdue that day
    (as the nightly's own overdue query lists them: their rows carry the projects' runs of reds)."""
    with db.read() as session:
        items = session.scalar(select(func.count()).select_from(Item)) or 0
        targets = session.scalar(select(func.count()).select_from(Target)) or 0
        programme_id = session.scalar(select(Programme.id).where(Programme.code == CODE))
        late = session.scalar(select(func.count()).select_from(late_projects(programme_id, day).subquery()))
    return items + targets + 1 + (late or 0)


def test_a_nightly_killed_inside_its_transaction_leaves_nothing_and_a_rerun_one_set(
    big_db: Database, tmp_path: Path, prefect_api_url: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHISHI_", "PREFECT_"))}
    env |= {
        "SHISHI_DATABASE_URL": big_db.engine.url.render_as_string(hide_password=False),
        "SHISHI_DATA_DIR": str(tmp_path / "data"),
        "PREFECT_API_URL": prefect_api_url,
    }
    day = kill_inside_transaction(big_db, env, date(2020, 9, 30))
    wait_for("the killed transaction to end", lambda: not holds_write_lock(big_db), 60, interval=0.05)
    assert night_of(big_db, day) == (0, 0, 0)

    rerun = nightly(env, day)
    output, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, output.decode(errors="replace")
    complete = expected_rows(big_db, day)
    assert night_of(big_db, day) == (complete, complete, 1)
