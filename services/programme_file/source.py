"""YAML text → plain data plus a map from field paths to line numbers."""

from __future__ import annotations

from typing import Any

import yaml

from services.programme_file.errors import FileProblem, ProgrammeFileError

Path = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps YYYY-MM-DD as dates and everything else as YAML 1.1 scalars."""


def parse_yaml(text: str, filename: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML safely; return the data and the line of every key and list entry."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ProgrammeFileError([_yaml_problem(exc, filename)]) from exc
    if node is None:
        raise ProgrammeFileError([FileProblem(filename, 1, "", "文件为空（file is empty）")])
    lines: dict[Path, int] = {}
    problems: list[FileProblem] = []
    _walk(node, (), lines, problems, filename)
    if problems:
        raise ProgrammeFileError(problems)
    try:
        data = yaml.load(text, Loader=_Loader)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise ProgrammeFileError([_yaml_problem(exc, filename)]) from exc
    return data, lines


def _walk(
    node: yaml.Node, path: Path, lines: dict[Path, int], problems: list[FileProblem], filename: str
) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                problems.append(
                    FileProblem(
                        filename,
                        line,
                        render_path((*path, key)),
                        f"重复的键（duplicate key; first on line {seen[key]}）",
                    )
                )
                continue
            seen[key] = line
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, problems, filename)
            lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _walk(child, (*path, index), lines, problems, filename)


def _yaml_problem(exc: Exception, filename: str) -> FileProblem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return FileProblem(filename, line, "", f"YAML 格式错误（malformed YAML）：{detail}")


def render_path(path: Path) -> str:
    """items[2].targets[0].quantity style rendering of a field path."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(lines: dict[Path, int], path: Path) -> int:
    """The line of the deepest known prefix of a path."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return 1
