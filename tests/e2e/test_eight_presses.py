"""Eight people press “advance” at once, each a `shishi advance` process on a fresh data directory.

No Prefect server is configured: the first command starts the data directory's local one, the others
wait for it and reuse it. One test per backend presses all eight at once, on two groups of projects:

- four presses on the same project (2.9): exactly one applies and moves it one stage, the three others
  exit 1 with the conflict message; one audit row and one outbox change for it;
- four presses on four other projects: all apply.

Across the eight, exactly one command starts the server and only that one server runs; `shishi prefect
stop` then stops it. Every server started here is stopped when the test ends (`fresh`).
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from flows.process import servers_under
from models import OutboxMessage, Project, Transition
from models.db import Database
from services.stage_change.evidence import record_evidence
from services.stage_change.request import EvidenceInput
from services.unit_of_work import UnitOfWork
from services.views.history import current_stage
from tests.e2e.conftest import TODAY, Fresh

ON_POSTGRESQL = True  # run on PostgreSQL too (see tests/conftest.py)

SAME = 4  # presses on one project
OTHERS = 4  # presses on as many other projects, one each
CONTESTED = "2.9"
CONFLICT = "并发冲突"  # the conflict message's marker (services/stage_change/use_case.refusal_error)
STARTED = "已在后台启动本地 Prefect 服务"  # runtime.STARTED_NOTE: this command started the server


def _record_documents(db: Database, ref: str, *kinds: str) -> None:
    for number, kind in enumerate(kinds, start=1):
        with UnitOfWork(db) as uow:
            record_evidence(
                uow, ref, EvidenceInput(kind, f"长民〔2020〕{number}号", date(2020, 9, 20)), "测试", TODAY
            )


def _advances(db: Database) -> list[tuple[str, str | None, str, int]]:
    """Every advance in the audit: (ref, from, to, id)."""
    with db.read() as session:
        rows = session.scalars(select(Transition).where(Transition.event == "advance"))
        return [(f"{t.project.item.number}.{t.project.number}", t.from_stage, t.to_stage, t.id) for t in rows]


def _outbox_changes(db: Database) -> set[str]:
    """The stage changes the outbox holds emails for (“stage:ID:”), one per change whatever its audience."""
    with db.read() as session:
        keys = session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.kind == "stage_changed"))
        return {key.split(":", 2)[1] for key in keys}


def _one_server(fresh: Fresh) -> int:
    """The PID of the data directory's one server, after checking that it is the only one and it answers."""
    status = fresh.run("prefect", "status", "--json")
    assert status.returncode == 0, status.stderr
    info = json.loads(status.stdout)
    assert info["up"] and info["api_url"].startswith("http://127.0.0.1:")
    assert servers_under(fresh.data_dir) == [info["pid"]]
    return info["pid"]


def test_eight_presses_apply_once_per_project_with_one_server(fresh: Fresh) -> None:
    _record_documents(fresh.db, CONTESTED, "acceptance", "handover")  # the next stage's documents too
    with fresh.db.read() as session:
        assert current_stage(session, CONTESTED, None).label == "开工"
        rows = session.scalars(select(Project).where(Project.stage == "construction").order_by(Project.id))
        others = [ref for ref in (f"{p.item.number}.{p.number}" for p in rows) if ref != CONTESTED][:OTHERS]
    assert len(others) == OTHERS
    for ref in others:
        _record_documents(fresh.db, ref, "acceptance")
    refs = [CONTESTED] * SAME + others
    argv = [["advance", ref, "--by", f"操作人{i}", "--at", "2020-09-25"] for i, ref in enumerate(refs)]
    done = fresh.press(argv)
    assert not any("Timed out" in d.stderr or d.returncode == 3 for d in done), [d.stderr for d in done]

    # the four presses on one project: one applies (one stage, not two), three lose with the conflict
    contested = done[:SAME]
    applied = [d for d in contested if d.returncode == 0]
    assert len(applied) == 1, [(d.returncode, d.stdout, d.stderr) for d in contested]
    assert "开工 → 完工" in applied[0].stdout
    losers = [d for d in contested if d.returncode != 0]
    assert [d.returncode for d in losers] == [1] * (SAME - 1)
    assert all(CONFLICT in d.stderr + d.stdout for d in losers), [d.stderr for d in losers]
    advances = _advances(fresh.db)
    (advance,) = [a for a in advances if a[0] == CONTESTED]  # one audit row
    assert advance[:3] == (CONTESTED, "construction", "completed")
    assert str(advance[3]) in _outbox_changes(fresh.db)  # its one change in the outbox
    assert _outbox_changes(fresh.db) <= {str(a[3]) for a in advances}  # and no loser's
    with fresh.db.read() as session:
        assert current_stage(session, CONTESTED, None).label == "完工"

    # the four presses on four other projects: all apply
    assert [d.returncode for d in done[SAME:]] == [0] * OTHERS, [d.stderr for d in done[SAME:]]
    assert sorted(a[0] for a in advances) == sorted([CONTESTED, *others])

    # one server for all eight, started by exactly one of them; `prefect stop` stops it
    started = [d for d in done if STARTED in d.stderr]
    assert len(started) == 1, [d.stderr for d in done]
    pid = _one_server(fresh)
    assert fresh.run("prefect", "stop").returncode == 0
    assert servers_under(fresh.data_dir) == [] and pid not in servers_under(fresh.data_dir.parent)
