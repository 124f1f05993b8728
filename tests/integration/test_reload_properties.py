"""Acceptance property: the example file mutated (truncated, keys deleted, values of another type) and
loaded over the example is either applied exactly as the file says or refused with nothing written."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from models.db import Database
from services.errors import ServiceError
from services.loading.apply import held_records, load_programme
from services.loading.errors import ChangesRefused, ProgrammeFileError
from services.loading.reader import ProgrammeFile, read_programme_file
from services.loading.records import STAGE_FIELDS, wanted_records
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE
from tests.helpers import snapshot

TODAY = date(2020, 10, 1)
TEXT = EXAMPLE.read_text(encoding="utf-8")
DATA = yaml.safe_load(TEXT)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    entries = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    out: list[tuple] = []
    for key, child in entries:
        out.append((*prefix, key))
        out.extend(_paths(child, (*prefix, key)))
    return out


PATHS = _paths(DATA)
KEYS = [p for p in PATHS if isinstance(p[-1], str)]
OTHER_TYPES = [None, 0, 7, 1.5, -1, "文字", "", True, [], {}, date(2020, 3, 1), "完工", "2020-13-01"]

truncation = st.tuples(st.just("cut"), st.integers(min_value=0, max_value=len(TEXT)), st.booleans())
deletion = st.tuples(st.just("del"), st.sampled_from(KEYS))
retyped = st.tuples(st.just("set"), st.sampled_from(PATHS), st.sampled_from(OTHER_TYPES))
mutations = st.one_of(
    st.lists(truncation, min_size=1, max_size=1),
    st.lists(st.one_of(deletion, deletion, retyped), min_size=1, max_size=3),
)


def render(muts: list[tuple]) -> str:
    """The example's text cut at a point, or its data with keys deleted and values replaced."""
    if muts[0][0] == "cut":  # anywhere, or (more often still a valid file) at the end of a line
        _, at, whole_lines = muts[0]
        return TEXT[: TEXT.rfind("\n", 0, at) + 1 if whole_lines else at]
    data = copy.deepcopy(DATA)
    for kind, path, *value in muts:
        try:
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            if kind == "del":
                del parent[path[-1]]
            else:
                parent[path[-1]] = copy.deepcopy(value[0])
        except (KeyError, IndexError, TypeError):
            pass  # an earlier mutation removed what this one aimed at
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def assert_applied_as_the_file_says(db: Database, file: ProgrammeFile) -> None:
    """Every record of the file reads back with the file's values (a project keeps the system's stage)."""
    with db.read() as session:
        held = held_records(session, file.spec)
    for key, wanted in wanted_records(file.spec).items():
        assert key in held, key
        have = held[key]
        skip = {"stage"} | (
            STAGE_FIELDS if key[0] == "project" and have["stage"] != wanted["stage"] else set()
        )
        differs = {f: (have.get(f), v) for f, v in wanted.items() if f not in skip and have.get(f) != v}
        assert not differs, (key, differs)


@pytest.fixture
def example(db: Database) -> Database:
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)
    return db


@settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(muts=mutations, accept=st.booleans())
def test_a_mutated_example_is_applied_as_it_says_or_refused_with_nothing_written(
    example: Database, tmp_path: Path, muts: list[tuple], accept: bool
) -> None:
    db = example
    path = tmp_path / "mutated.yaml"
    path.write_text(render(muts), encoding="utf-8")
    before = snapshot(db)
    try:
        file = read_programme_file(path, TODAY)
        with UnitOfWork(db) as uow:
            load_programme(uow, file, "属性测试", TODAY, accept_changes=accept)
    except (ProgrammeFileError, ServiceError) as exc:
        assert not accept or not isinstance(exc, ChangesRefused)
        assert snapshot(db) == before
        event(f"refused: {type(exc).__name__}")
        return
    assert_applied_as_the_file_says(db, file)
    event("applied" + (" with accepted changes" if accept else ""))
    with UnitOfWork(db) as uow:  # back to the example for the next mutation
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY, accept_changes=True)
