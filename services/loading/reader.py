"""Read a programme file: YAML, then shape (pydantic), then meaning (stages, dates, references)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path as FsPath

from pydantic import ValidationError

from services.loading.checks import check_meaning
from services.loading.errors import FileProblem, ProgrammeFileError
from services.loading.schema import ProgrammeSpec
from services.loading.source import line_of, parse_yaml, render_path

_PYDANTIC_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "未知字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_digits": "数字位数过多（最多 15 位有效数字）",
    "decimal_whole_digits": "整数位数过多",
    "date_from_datetime_inexact": "应为日期（YYYY-MM-DD），不能带时间",
    "decimal_max_places": "小数位数过多（最多 4 位）",
    "greater_than_equal": "不能小于下限（不能为负数）",
    "less_than_equal": "超出上限",
    "string_type": "应为文本",
    "string_too_short": "不能为空",
    "string_too_long": "文本过长",
    "string_pattern_mismatch": "格式不正确",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "too_short": "至少需要一项",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "literal_error": "取值不在允许范围内",
    "finite_number": "应为有限数字",
}


MAX_BYTES = 5 * 1024 * 1024  # the example, 12 items and 49 projects, is about 20 KB


@dataclass(frozen=True)
class ProgrammeFile:
    """A programme file that passed every check."""

    name: str
    spec: ProgrammeSpec
    checksum: str


def _why(exc: OSError) -> str:
    """Why a file could not be read, in Chinese."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, IsADirectoryError):
        return "这是一个目录，不是文件"
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    return f"系统错误 {exc.errno}"


def read_programme_file(path: str | FsPath, today: date) -> ProgrammeFile:
    """Read and check a programme file; raise ProgrammeFileError listing every problem."""
    name = str(path)
    try:
        if FsPath(path).stat().st_size > MAX_BYTES:
            raise ProgrammeFileError([_too_big(name)])
        raw = FsPath(path).read_bytes()
    except OSError as exc:
        raise ProgrammeFileError([FileProblem(name, 0, "", f"无法读取文件：{_why(exc)}")]) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = FileProblem(name, line, "", "文件不是 UTF-8 编码")
        raise ProgrammeFileError([problem]) from exc
    file = parse_programme_text(text, name, today, hashlib.sha256(raw).hexdigest())
    return _with_template_folder(file, FsPath(path).resolve().parent)


def _with_template_folder(file: ProgrammeFile, folder: FsPath) -> ProgrammeFile:
    """The file with its `report.templates` folder made absolute (relative to the file) and checked to exist."""
    style = file.spec.programme.report
    if style is None or style.templates is None:
        return file
    templates = (folder / style.templates).resolve()
    if not templates.is_dir():
        where = ("programme", "report", "templates")
        message = f"模板目录不存在：{style.templates}（相对于计划文件所在目录）"
        raise ProgrammeFileError([FileProblem(file.name, 0, render_path(where), message)])
    head = file.spec.programme.model_copy(
        update={"report": style.model_copy(update={"templates": str(templates)})}
    )
    return ProgrammeFile(file.name, file.spec.model_copy(update={"programme": head}), file.checksum)


def parse_programme_text(text: str, name: str, today: date, checksum: str = "") -> ProgrammeFile:
    """Check programme text already in memory (used by the web upload and tests)."""
    if len(text) > MAX_BYTES or len(text.encode("utf-8")) > MAX_BYTES:
        raise ProgrammeFileError([_too_big(name)])
    data, lines = parse_yaml(text, name)
    if not isinstance(data, dict):
        raise ProgrammeFileError(
            [FileProblem(name, 1, "", "顶层应为映射，包含 programme、departments、items")]
        )
    try:
        spec = ProgrammeSpec.model_validate(data)
    except ValidationError as exc:
        raise ProgrammeFileError(_shape_problems(exc, name, lines)) from exc
    problems = [
        FileProblem(name, line_of(lines, path), render_path(path), message)
        for path, message in check_meaning(spec, today)
    ]
    if problems:
        raise ProgrammeFileError(problems)
    return ProgrammeFile(name, spec, checksum)


def _too_big(name: str) -> FileProblem:
    return FileProblem(
        name, 1, "", f"文件过大：计划文件不能超过 {MAX_BYTES // (1024 * 1024)} MB（file too large）"
    )


def _shape_problems(exc: ValidationError, name: str, lines: dict) -> list[FileProblem]:
    problems = []
    for err in exc.errors(include_url=False):
        path = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        zh = _PYDANTIC_ZH.get(err["type"], "取值不符合要求")
        message = f"{zh}（{err['msg']}）"
        problems.append(FileProblem(name, line_of(lines, path), render_path(path), message))
    return problems
