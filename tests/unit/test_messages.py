"""Messages belong to their door: services say what is wrong in words, the CLI adds its flags."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from admin.cli.runtime import FLAGS, refusal, with_flags
from services.errors import BadInput, Refused, require_name

ROOT = Path(__file__).resolve().parents[2]
FLAG = re.compile(r"--[a-z]")


def _docstrings(tree: ast.AST) -> set[int]:
    nodes = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, nodes)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _flagged_strings(source: str, where: str) -> list[str]:
    """Every string literal but docstrings that names a flag (f-strings are scanned piece by piece)."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    return [
        f"{where}:{node.lineno}: {node.value}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and FLAG.search(node.value)
    ]


def test_no_string_in_services_names_a_command_line_flag() -> None:
    paths = sorted((ROOT / "services").rglob("*.py"))
    assert len(paths) > 20
    found = [
        line
        for path in paths
        for line in _flagged_strings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == []


def test_the_scan_finds_a_flag_in_a_message_but_not_in_a_docstring() -> None:
    source = '"""Printed by `shishi list --json`."""\n\nraise ValueError(f"请写明原因（--reason）{1}")\n'
    assert _flagged_strings(source, "sample.py") == ["sample.py:3: 请写明原因（--reason）"]


def test_a_blank_name_names_the_field_and_the_thing_in_words() -> None:
    with pytest.raises(BadInput) as caught:
        require_name("  ", "报送人")
    assert (str(caught.value), caught.value.fields) == ("报送人不能为空且不超过 100 字", ("by",))


def test_the_cli_adds_the_flag_of_each_field_it_knows() -> None:
    assert with_flags("请写明原因", ("reason",)) == "请写明原因（--reason）"
    assert with_flags("请至少报送一项", ("done", "next_steps")) == "请至少报送一项（--done、--next）"
    assert with_flags("用户名不能为空", ("name",)) == "用户名不能为空"
    assert (
        with_flags("请写明文号", ("doc_no",), {**FLAGS, "doc_no": "--evidence"}) == "请写明文号（--evidence）"
    )


def test_a_refusal_on_the_cli_puts_the_flags_after_the_summary_and_before_the_reasons() -> None:
    error = Refused("退回须由管理员操作", ["李四 不是管理员"], fields=("by",))
    assert (
        refusal(error.summary, error.reasons, error.fields)
        == "退回须由管理员操作（--by）\n  - 李四 不是管理员"
    )
