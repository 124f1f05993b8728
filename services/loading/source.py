"""YAML text → plain data plus a map from field paths to line numbers."""

from __future__ import annotations

from typing import Any

import yaml

from services.errors import control_character
from services.loading.errors import FileProblem, ProgrammeFileError

Path = tuple[str | int, ...]
MAX_DEPTH = 20  # the example nests 9 deep; YAML's composer recurses, so depth is bounded before it runs
_OPENS = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSES = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps YYYY-MM-DD as dates and everything else as YAML 1.1 scalars."""


def parse_yaml(text: str, filename: str) -> tuple[Any, dict[Path, int]]:
    """Parse YAML safely; return the data and the line of every key and list entry."""
    try:
        _check_depth(text, filename)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ProgrammeFileError([_yaml_problem(exc, filename, text)]) from exc
    if node is None:
        raise ProgrammeFileError([FileProblem(filename, 1, "", "文件为空（file is empty）")])
    lines: dict[Path, int] = {}
    problems: list[FileProblem] = []
    _walk(node, (), lines, problems, filename, set())
    if problems:
        raise ProgrammeFileError(problems)
    try:
        data = yaml.load(text, Loader=_Loader)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise ProgrammeFileError([_bad_scalar(node, filename) or _yaml_problem(exc, filename, text)]) from exc
    return data, lines


def _check_depth(text: str, filename: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, found by the scanner (which, unlike the composer, does not recurse)."""
    depth = 0
    for token in yaml.scan(text, Loader=_Loader):
        if isinstance(token, _OPENS):
            depth += 1
            if depth > MAX_DEPTH:
                line = token.start_mark.line + 1
                message = f"嵌套层次过深（超过 {MAX_DEPTH} 层；nesting too deep）"
                raise ProgrammeFileError([FileProblem(filename, line, "", message)])
        elif isinstance(token, _CLOSES):
            depth -= 1


def _control(value: str) -> str | None:
    """The message for a text holding a control character (NUL, ESC…), or None."""
    found = control_character(value)
    return f"含有控制字符 {found}，不允许（control characters are not allowed）" if found else None


def _bad_scalar(root: yaml.Node, filename: str) -> FileProblem | None:
    """Find the scalar (a date like 2020-02-30) that YAML parses but cannot construct."""
    loader = _Loader("")
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
                return FileProblem(
                    filename, node.start_mark.line + 1, "", f"无法识别的值“{node.value}”：{exc}"
                )
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for pair in node.value for v in pair)
    return None


def _walk(
    node: yaml.Node,
    path: Path,
    lines: dict[Path, int],
    problems: list[FileProblem],
    filename: str,
    seen: set[int],
) -> None:
    lines[path] = node.start_mark.line + 1
    if id(node) in seen:  # the composer hands an alias back as the node it names
        problems.append(
            FileProblem(
                filename,
                lines[path],
                render_path(path),
                "计划文件不支持 YAML 锚点与别名（& 与 *），请直接写出内容（aliases are not allowed）",
            )
        )
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode) and (message := _control(str(node.value))):
        problems.append(FileProblem(filename, lines[path], render_path(path), message))
    if isinstance(node, yaml.MappingNode):
        keys: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if message := _control(key):
                problems.append(FileProblem(filename, line, render_path(path), f"键{message}"))
                continue
            if key in keys:
                problems.append(
                    FileProblem(
                        filename,
                        line,
                        render_path((*path, key)),
                        f"重复的键（duplicate key; first on line {keys[key]}）",
                    )
                )
                continue
            keys[key] = line
            lines[(*path, key)] = line
            _walk(value_node, (*path, key), lines, problems, filename, seen)
            lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _walk(child, (*path, index), lines, problems, filename, seen)


def _yaml_problem(exc: Exception, filename: str, text: str) -> FileProblem:
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    mark = problem_mark or context_mark
    line = mark.line + 1 if mark is not None else 1
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
    detail = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    message = f"YAML 格式错误（malformed YAML）：{detail}"
    if context_mark is not None and context_mark.line + 1 != line:
        context = getattr(exc, "context", None) or ""
        message += f"；{context}，始于第 {context_mark.line + 1} 行（line {context_mark.line + 1}）"
    return FileProblem(filename, line, "", message)


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
