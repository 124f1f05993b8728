"""Every command's help and the usage errors a clerk meets read in Chinese, with Click's exit codes."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer
from typer import _click as click
from typer.core import TyperArgument
from typer.testing import CliRunner

from admin.cli.app import app
from tests.web.test_chinese_throughout import english_words

# Products, and values typed as they are, that a reader meets in help text (beside those the page check allows):
# role codes, event codes, a flag's own name as its default, Prefect's pool type and deployment name.
PRODUCTS = {
    "mermaid", "alembic", "prefect", "smtp", "maildir", "asia", "shanghai", "worker", "argon", "https", "cpu",
    "admin", "department", "viewer", "stage", "warning", "schedule", "process", "programme", "open",
}  # fmt: skip
_runner = CliRunner()


def _paths(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _paths(sub, (*path, name))


COMMANDS = list(_paths(typer.main.get_command(app)))
NAMES = {
    part for path in COMMANDS for name in path for part in name.split("-")
}  # commands are typed as they are named
ENV_VAR = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def _english(text: str) -> set[str]:
    words = english_words(ENV_VAR.sub(" ", text))
    return {w for w in words if w.lower() not in PRODUCTS and w not in NAMES}


def test_the_command_tree_is_walked_whole() -> None:
    assert ("advance",) in COMMANDS and ("report", "publish") in COMMANDS and ("user", "list") in COMMANDS
    assert len(COMMANDS) > 25


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "shishi")
def test_every_commands_help_reads_in_chinese(path: tuple[str, ...]) -> None:
    result = _runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "用法：shishi" in result.output and "显示本帮助并退出。" in result.output
    assert not _english(result.output), (path, sorted(_english(result.output)), result.output)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["advance"], "错误：缺少参数 子项目编号"),
        (["advance", "2.8", "--by"], "错误：选项 --by 需要一个值"),
        (["list", "--bogus"], "错误：没有选项 --bogus"),
        (["progress", "1", "--by", "x", "--target", "abc"], "错误：--target 的值不对：应为整数"),
        (["子命令"], "错误：没有命令 子命令"),
        (["show", "2", "3", "4"], "错误：多余的参数"),
    ],
)
def test_usage_errors_are_said_in_chinese_and_exit_2(args: list[str], said: str) -> None:
    result = _runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert said in result.output, result.output
    assert not _english(result.output), sorted(_english(result.output))


def test_no_arguments_prints_the_chinese_help() -> None:
    result = _runner.invoke(app, [])
    assert "命令：" in result.output and "advance" in result.output
    assert not _english(result.output)


def _command(path: tuple[str, ...]) -> click.Command:
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


def test_every_argument_carries_a_chinese_metavar() -> None:
    arguments = [
        (" ".join(path), p.name, p.metavar)
        for path in COMMANDS
        for p in _command(path).params
        if isinstance(p, TyperArgument)
    ]
    assert len(arguments) > 10
    unnamed = [a for a in arguments if not a[2] or re.search(r"[A-Za-z]", a[2])]
    assert not unnamed, unnamed
