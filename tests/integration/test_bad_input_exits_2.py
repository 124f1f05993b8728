"""Every bad input is exit 2 with a message and nothing written; a closed pipe ends quietly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.db import Database
from tests.conftest import EXAMPLE, _backends, shared_database_url
from tests.helpers import cli, cli_database, cli_on, shared_unchanged, snapshot

SHISHI = str(Path(sys.executable).parent / "shishi")
SMALL = """\
programme:
  code: test-2021
  name: {name}
  year: 2021
departments:
  - name: 区民政局
items:
  - number: 1
    title: 新增养老床位 100 张
    lead: [区民政局]
"""


@pytest.fixture
def loaded(env: dict[str, str]) -> dict[str, str]:
    """A fresh database of the test's own holding the example: for the tests that write."""
    assert cli("load", str(EXAMPLE)).exit_code == 0
    return env


@pytest.fixture(scope="module", params=_backends())
def shared_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    prefect_server: None,
) -> Iterator[str]:
    """Once per database kind: the example loaded by the CLI, shared by the tests of refusals. Each compares
    full snapshots around its own refusal, and at the end the database must still be exactly as loaded: so
    no test's snapshots could have seen another's writes."""
    folder = tmp_path_factory.mktemp("bad-input")
    url = shared_database_url(request, folder, sqlite_template)
    with cli_on(url, folder / "data"):
        assert cli("load", str(EXAMPLE)).exit_code == 0
    with shared_unchanged(url, "test_bad_input_exits_2.py"):
        yield url


@pytest.fixture
def shared(shared_url: str, tmp_path: Path) -> Iterator[Database]:
    """The shared database holding the example, with the CLI's environment pointing at it."""
    with cli_database(shared_url, tmp_path / "data") as db:
        yield db


def refused_and_unchanged(db: Database, *args: str) -> str:
    """Run the CLI; it must exit 2 without a traceback and leave every table as it was."""
    before = snapshot(db)
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert "内部错误" not in result.output and "Traceback" not in result.output
    assert snapshot(db) == before
    return result.output


def test_a_deeply_nested_file_is_refused_with_its_line(shared: Database, tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("programme:\n  code: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    output = refused_and_unchanged(shared, "load", str(path))
    assert f"{path}:2: 嵌套层次过深" in output


def test_a_file_over_5_mb_is_refused(shared: Database, tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(SMALL.format(name="大") + "#" * (5 * 1024 * 1024), encoding="utf-8")
    assert "文件过大" in refused_and_unchanged(shared, "load", str(path))


@pytest.mark.parametrize(
    ("name", "shown"),
    [('"区\\0民政局"', "U+0000"), ('"区\\x1b[31m民政局"', "U+001B"), ('"a\\x85b"', "U+0085")],
)
def test_control_characters_in_a_file_are_refused_with_file_and_line(
    shared: Database, tmp_path: Path, name: str, shown: str
) -> None:
    path = tmp_path / "control.yaml"
    path.write_text(SMALL.format(name=name), encoding="utf-8")
    output = refused_and_unchanged(shared, "load", str(path))
    assert f"{path}:3: programme.name: 含有控制字符 {shown}" in output


def test_a_control_character_in_a_key_is_refused(shared: Database, tmp_path: Path) -> None:
    path = tmp_path / "key.yaml"
    path.write_text(SMALL.format(name="测试") + '"x\\0": 1\n', encoding="utf-8")
    assert f"{path}:11: 键含有控制字符 U+0000" in refused_and_unchanged(shared, "load", str(path))


@pytest.mark.parametrize(
    "args",
    [
        ["load", "@example", "--by", "张\x00三"],
        ["progress", "2", "--target", "1", "--done", "5", "--by", "民政\x07局"],
        ["suspend", "2.9", "--by", "张三", "--reason", "消防\x00整改"],
        ["load", "exam\x01ple.yaml"],
    ],
    ids=["load-by", "progress-by", "suspend-reason", "file-name"],
)
def test_control_characters_in_arguments_are_refused_before_anything_runs(
    shared: Database, args: list[str]
) -> None:
    output = refused_and_unchanged(shared, *[str(EXAMPLE) if a == "@example" else a for a in args])
    assert "参数含有控制字符" in output


def test_report_into_a_folder_that_cannot_be_made_is_refused_before_generating(
    shared: Database, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    output = refused_and_unchanged(shared, "report", "--format", "md", "--out", str(blocker / "reports"))
    assert "不是文件夹（--out）" in output
    output = refused_and_unchanged(shared, "report", "--format", "md", "--out", str(blocker))
    assert "输出位置不是文件夹" in output


def test_a_period_outside_the_programmes_year_is_refused(shared: Database, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    output = refused_and_unchanged(
        shared, "report", "--period", "1999-01", "--format", "md", "--out", str(out)
    )
    assert "报告期 1999-01 不在计划 changning-2020 的年度（2020 年）内" in output
    assert not out.exists()


@pytest.mark.parametrize("args", [["list"], ["show", "2"], ["report", "--list"]])
def test_a_closed_pipe_ends_quietly(loaded: dict, args: list[str]) -> None:
    assert cli("report", "--format", "md", "--period", "2020-09").exit_code == 0
    reader, writer = os.pipe()
    os.close(reader)  # the reader has gone, as `| head -1` goes after one line
    try:
        done = subprocess.run(
            [SHISHI, *args], stdout=writer, stderr=subprocess.PIPE, env=os.environ.copy(), timeout=120
        )
    finally:
        os.close(writer)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""
