"""The check before orchestrating: it answers like the use case, without Prefect, and pins what was seen."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Transition
from models.db import Database
from services.errors import BadInput, Conflict, NotFound, Refused
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.stage_change.evidence import record_evidence
from services.stage_change.outcomes import apply_one
from services.stage_change.preview import check_change
from services.stage_change.request import EvidenceInput, StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from services.views.history import current_stage
from tests.conftest import EXAMPLE, ROOT, _backends, shared_database_url
from tests.helpers import shared_unchanged, snapshot

TODAY = date(2020, 10, 20)
CODE = "changning-2020"
ACCEPTANCE = EvidenceInput("acceptance", "长民验〔2020〕9号", date(2020, 9, 20))
HANDOVER = EvidenceInput("handover", "长民交〔2020〕9号", date(2020, 9, 21))


def _load(db: Database) -> None:
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)


@pytest.fixture
def loaded(db: Database) -> Database:
    """A fresh database of the test's own holding the example: for the tests that write."""
    _load(db)
    return db


@pytest.fixture(scope="module", params=_backends())
def shared_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[str]:
    """Once per database kind: the example, shared by the tests of refusals. Each compares full snapshots
    around its own refusal, and at the end the database must still be exactly as loaded: so no test's
    snapshots could have seen another's writes."""
    url = shared_database_url(request, tmp_path_factory.mktemp("stage-check"), sqlite_template)
    db = Database(url)
    _load(db)
    db.dispose()
    with shared_unchanged(url, "test_stage_check.py"):
        yield url


@pytest.fixture
def shared(shared_url: str) -> Iterator[Database]:
    db = Database(shared_url)
    yield db
    db.dispose()


def _advance(ref: str = "2.9", **kw: object) -> StageChange:
    fields = {"actor": "张三", "at": date(2020, 9, 25), **kw}
    return StageChange(ref=ref, event="advance", **fields)  # type: ignore[arg-type]


def _with_next_two_stages_documented(db: Database, ref: str = "2.9") -> None:
    for document in (ACCEPTANCE, HANDOVER):
        with UnitOfWork(db) as uow:
            record_evidence(uow, ref, document, "办公室", TODAY, CODE)


def _advances(db: Database) -> int:
    with db.read() as session:
        return session.scalar(
            select(func.count()).select_from(Transition).where(Transition.event == "advance")
        )


def test_a_request_without_expectations_expects_the_programme_stage_and_version_read_now(
    loaded: Database,
) -> None:
    _with_next_two_stages_documented(loaded)
    checked = check_change(loaded, _advance(), TODAY)
    assert (checked.programme, checked.expected_stage.code, checked.expected_version) == (
        CODE,
        "construction",
        1,
    )
    own = check_change(loaded, _advance(expected_version=1), TODAY)
    assert (own.expected_stage, own.expected_version) == (None, 1)


@pytest.mark.parametrize(
    ("request_", "error", "words"),
    [
        (_advance("2.9"), Refused, "缺少要件：竣工验收"),
        (_advance("99.9"), NotFound, "中没有子项目 99.9"),
        (_advance("2.99"), NotFound, "没有子项目 2.99"),
        (_advance("2"), NotFound, "需要子项目编号"),
        (_advance("2.9", actor=" "), BadInput, "操作人不能为空"),
        (StageChange(ref="2.9", event="suspend", actor="张三", reason=" "), BadInput, "须写明原因"),
        (_advance("2.9", expected_version=7), Conflict, "操作时为版本 7，现为“开工”（版本 1）"),
    ],
)
def test_the_check_refuses_as_the_use_case_does_and_writes_nothing(
    shared: Database, request_: StageChange, error: type[Exception], words: str
) -> None:
    before = snapshot(shared)
    with pytest.raises(error) as checked:
        check_change(shared, request_, TODAY)
    with pytest.raises(error) as applied, UnitOfWork(shared) as uow:
        change_stage(uow, request_, TODAY)
    assert words in str(checked.value)
    assert str(checked.value) == str(applied.value)
    assert snapshot(shared) == before


def test_the_check_reads_while_another_transaction_holds_the_projects_lock(
    db_url: str, loaded: Database
) -> None:
    options = {} if loaded.is_sqlite else {"connect_args": {"options": "-c lock_timeout=5000"}}
    reader = Database(db_url, **options)
    try:
        with UnitOfWork(loaded) as uow:
            from services.stage_change.facts import lock_project

            assert lock_project(uow.connection, CODE, 2, 9, None) is not None
            with pytest.raises(Refused):
                check_change(reader, _advance(), TODAY)
    finally:
        reader.dispose()


def test_two_presses_on_one_stage_move_the_project_once_even_with_the_next_documents_recorded(
    loaded: Database,
) -> None:
    _with_next_two_stages_documented(loaded)
    first = check_change(loaded, _advance(actor="张三"), TODAY)
    second = check_change(loaded, _advance(actor="李四"), TODAY)
    applied = apply_one(loaded, first, TODAY)
    refused = apply_one(loaded, second, TODAY)
    assert applied["ok"] and applied["to_stage"] == "completed"
    assert (refused["ok"], refused["error"], refused["exit_code"]) == (False, "Conflict", 1)
    assert "操作时为“开工”，现为“完工”，由 张三 于 " in refused["message"]
    with loaded.read() as session:
        assert current_stage(session, "2.9", CODE).code == "completed"
    assert _advances(loaded) == 1
    with pytest.raises(Conflict, match="现为“完工”，由 张三 于"):
        check_change(loaded, second, TODAY)


# --- the command line answers a request that cannot be applied without Prefect --------------------

PROBE = """
import sys
from admin.cli.app import app
try:
    app(sys.argv[1:], prog_name="shishi")
finally:
    print("prefect loaded" if "prefect" in sys.modules else "prefect not loaded", file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (
            ("advance", "2.8", "--by", "张三"),
            1,
            "不满足进入“完工”的前置条件，未作任何变更\n  - 缺少要件：竣工验收",
        ),
        (("advance", "99.9", "--by", "张三"), 2, "计划“changning-2020”中没有子项目 99.9"),
        (("advance", "2.8", "--by", "张三", "--at", "2020-13-01"), 2, "日期"),
        (("suspend", "2.9", "--by", "张三", "--reason", " "), 2, "暂停须写明原因（--reason）"),
        (("advance", "2.8", "--by", "张三", "--evidence", "竣工验收= @2020-10-09"), 2, "要件格式应为"),
        (
            ("advance", "2.8", "--by", "张三", "--evidence", f"竣工验收={'长' * 201}@2020-10-09"),
            2,
            "请写明文号，不超过 200 字（--evidence）",
        ),
    ],
)
def test_a_refused_or_malformed_stage_command_answers_without_importing_prefect(
    shared: Database, shared_url: str, tmp_path: Path, args: tuple[str, ...], code: int, words: str
) -> None:
    before = snapshot(shared)
    env = {**os.environ, "SHISHI_DATABASE_URL": shared_url, "SHISHI_DATA_DIR": str(tmp_path / "data")}
    env.pop("PREFECT_API_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == code, result.stderr
    assert words in result.stderr
    assert result.stderr.rstrip().endswith("prefect not loaded"), result.stderr
    assert snapshot(shared) == before
