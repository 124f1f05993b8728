"""A refused programme file names its file, line and field in Chinese, and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from models.db import Database
from tests.conftest import _backends, shared_database_url
from tests.helpers import cli, cli_database, cli_on, shared_unchanged, snapshot

SMALL = """\
programme:
  code: test-2021
  name: 测试区2021年实事项目
  year: 2021
  district: 测试区
departments:
  - name: 区民政局
  - name: 区建管委
  - name: 各街镇
    group: true
items:
  - number: 1
    title: 新增养老床位 100 张
    lead: [区民政局]
    cooperating: [各街镇]
    targets:
      - name: 新增养老床位
        quantity: 100
        unit: 张
        counts_at: 运营
        projects:
          - name: 第一护理院
            quantity: 60
            stage: 开工
            actual:
              前期手续: 2021-03-01
              开工: 2021-05-01
            evidence:
              - {kind: 施工许可, ref: 测建〔2021〕1号, date: 2021-04-20}
          - name: 第二护理院
            quantity: 40
            stage: 前期手续
  - number: 2
    title: 改造道路积水点 3 个
    lead: [区建管委]
    targets:
      - name: 道路积水点改造
        quantity: 3
        unit: 个
        projects:
          - name: 甲路点位
            quantity: 1
            stage: 完工
            actual: {完工: 2021-07-31}
          - name: 乙路点位
            quantity: 2
            stage: 暂停
            suspended_from: 开工
            reason: 管线迁改未完成
    reports:
      - as_of: 2021-09-30
        note: 有序推进。
"""

CJK = re.compile(r"[\u4e00-\u9fff]")
FIELD = re.compile(r"([A-Za-z_][^\s:]*): (.*)")


def replace(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, so a typo in a test cannot silently change nothing."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_no(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the n-th occurrence of `needle`."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} found on {hits}"
    return hits[occurrence - 1]


@dataclass(frozen=True)
class Shown:
    """One problem as printed: line, field (None when the file has none to name) and message."""

    line: int
    field: str | None
    message: str


def shown(output: str, path: Path) -> list[Shown]:
    """Every problem the output prints for `path`, in the `file:line: field: message` shape."""
    out = []
    for row in output.splitlines():
        if not row.startswith(f"{path}:"):
            continue
        line, rest = re.fullmatch(r"(\d+): (.*)", row[len(f"{path}:") :]).groups()  # type: ignore[union-attr]
        named = FIELD.fullmatch(rest)
        field, message = named.groups() if named else (None, rest)
        out.append(Shown(int(line), field, message))
    return out


def assert_names(output: str, path: Path, lines: set[int], field: str | None, keyword: str) -> None:
    """The output names the file, one of the lines and the field, and says what is wrong in Chinese."""
    problems = shown(output, path)
    at = [p for p in problems if p.line in lines]
    assert at, f"no problem at {path}:{sorted(lines)} in:\n{output}"
    if field is not None:
        at = [
            p
            for p in at
            if p.field == field or (field.endswith("*") and (p.field or "").startswith(field[:-1]))
        ]
        assert at, f"field {field} not named at {sorted(lines)} in:\n{output}"
    assert any(keyword in p.message for p in at), f"{keyword!r} not in {at}"
    assert all(CJK.search(p.message) for p in at), f"message not in Chinese: {at}"


def _load_small(path: Path) -> None:
    path.write_text(SMALL, encoding="utf-8")
    result = cli("load", str(path))
    assert result.exit_code == 0, result.output
    assert "新增子项目 4" in result.output


@pytest.fixture
def loaded(env: dict[str, str], tmp_path: Path) -> Path:
    """A fresh database of the test's own holding the small programme: for the tests whose load may write."""
    path = tmp_path / "programme.yaml"
    _load_small(path)
    return path


@pytest.fixture(scope="module", params=_backends())
def small_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    prefect_server: None,
) -> Iterator[str]:
    """Once per database kind: the small programme loaded by the CLI, shared by the tests whose loads are
    refused or dry runs. Each of them compares full snapshots around its own load, and at the end the
    database must still be exactly as loaded: so no test's snapshots could have seen another's writes."""
    folder = tmp_path_factory.mktemp("loader-errors")
    url = shared_database_url(request, folder, sqlite_template)
    with cli_on(url, folder / "data"):
        _load_small(folder / "programme.yaml")
    with shared_unchanged(url, "test_loader_errors.py"):
        yield url


@pytest.fixture
def shared(small_url: str, tmp_path: Path) -> Iterator[Database]:
    """The shared database holding the small programme, with the CLI's environment pointing at it."""
    with cli_database(small_url, tmp_path / "data") as db:
        yield db


@pytest.fixture
def small(shared: Database, tmp_path: Path) -> Path:
    """The test's own copy of the small programme's file, as loaded into the shared database."""
    path = tmp_path / "programme.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def refuse(db: Database, path: Path, content: str | bytes) -> str:
    """Write `content` to `path`, load it, and check that it is refused (exit 2) writing nothing."""
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    before = snapshot(db)
    result = cli("load", str(path))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert str(path) in result.output
    assert snapshot(db) == before
    return result.output


@dataclass(frozen=True)
class Case:
    """One kind of bad file: how to spoil SMALL, where the problem is, and what it is."""

    id: str
    spoil: Callable[[str], str]
    lines: Callable[[str], set[int]]
    field: str | None
    keyword: str


def _at(needle: str, occurrence: int = 1) -> Callable[[str], set[int]]:
    return lambda text: {line_no(text, needle, occurrence)}


CASES = [
    Case(
        "members-of-a-department-that-is-no-group",
        lambda t: replace(t, "  - name: 区建管委\n", "  - name: 区建管委\n    members: [区民政局]\n"),
        _at("members: [区民政局]"),
        "departments[1].members",
        "不是部门组",
    ),
    Case(
        "undeclared-member",
        lambda t: replace(t, "    group: true\n", "    group: true\n    members: [新华路街道]\n"),
        _at("members: [新华路街道]"),
        "departments[2].members[0]",
        "未知部门",
    ),
    Case(
        "a-group-as-a-member",
        lambda t: replace(t, "    group: true\n", "    group: true\n    members: [区民政局, 各街镇]\n"),
        _at("members: [区民政局, 各街镇]"),
        "departments[2].members[1]",
        "是部门组",
    ),
    Case(
        "unknown-department",
        lambda t: replace(t, "lead: [区建管委]", "lead: [区建委]"),
        _at("lead: [区建委]"),
        "items[1].lead[0]",
        "未知部门",
    ),
    Case(
        "unknown-stage",
        lambda t: replace(t, "stage: 前期手续", "stage: 设计"),
        _at("stage: 设计"),
        "items[0].targets[0].projects[1].stage",
        "未知阶段",
    ),
    Case(
        "negative-quantity",
        lambda t: replace(t, "quantity: 100", "quantity: -100"),
        _at("quantity: -100"),
        "items[0].targets[0].quantity",
        "负数",
    ),
    Case(
        "duplicate-item-number",
        lambda t: replace(t, "  - number: 2", "  - number: 1"),
        _at("- number: 1", occurrence=2),
        "items[1].number",
        "重复",
    ),
    Case(
        "duplicate-project-number",
        lambda t: replace(t, "- name: 第二护理院\n", "- name: 第二护理院\n            number: 1\n"),
        _at("            number: 1"),
        "items[0].targets[0].projects[1].number",
        "重复",
    ),
    Case(
        "actual-dates-go-backwards",
        lambda t: replace(t, "开工: 2021-05-01", "开工: 2021-02-01"),
        _at("开工: 2021-02-01"),
        "items[0].targets[0].projects[0].actual.开工",
        "日期倒退",
    ),
    Case(
        "actual-date-beyond-the-stage",
        lambda t: replace(t, "开工: 2021-05-01\n", "开工: 2021-05-01\n              完工: 2021-06-01\n"),
        _at("完工: 2021-06-01"),
        "items[0].targets[0].projects[0].actual.完工",
        "尚未到达",
    ),
    Case(
        "bad-indentation",
        lambda t: replace(t, "    title: 改造道路积水点 3 个", "      title: 改造道路积水点 3 个"),
        _at("      title: 改造道路积水点 3 个"),
        None,
        "YAML",
    ),
    Case(
        "duplicate-mapping-key",
        lambda t: replace(
            t, "    title: 改造道路积水点 3 个\n", "    title: 改造道路积水点 3 个\n    title: 另一个标题\n"
        ),
        _at("title: 另一个标题"),
        "items[1].title",
        "重复的键",
    ),
    Case(
        "unknown-field-typo",
        lambda t: replace(t, "counts_at: 运营", "count_at: 运营"),
        _at("count_at: 运营"),
        "items[0].targets[0].count_at",
        "未知字段",
    ),
    Case(
        "missing-required-field",
        lambda t: replace(t, "    title: 改造道路积水点 3 个\n", ""),
        _at("- number: 2"),
        "items[1].title",
        "缺少必填字段",
    ),
    Case(
        "text-where-a-number-is-expected",
        lambda t: replace(t, "quantity: 40", "quantity: 四十"),
        _at("quantity: 四十"),
        "items[0].targets[0].projects[1].quantity",
        "应为数字",
    ),
    Case(
        "suspended-without-reason",
        lambda t: replace(t, "            reason: 管线迁改未完成\n", ""),
        lambda t: {line_no(t, "- name: 乙路点位"), line_no(t, "stage: 暂停")},
        "items[1].targets[0].projects[1].reason",
        "原因",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_file_is_refused_naming_file_line_and_field(shared: Database, small: Path, case: Case) -> None:
    text = case.spoil(SMALL)
    output = refuse(shared, small, text)
    assert "文件被拒绝，未写入任何内容" in output
    assert_names(output, small, case.lines(text), case.field, case.keyword)


def test_an_unclosed_bracket_is_refused_pointing_at_the_bracket(shared: Database, small: Path) -> None:
    text = replace(SMALL, "lead: [区建管委]", "lead: [区建管委")
    output = refuse(shared, small, text)
    opened = line_no(text, "lead: [区建管委")
    problems = shown(output, small)
    assert problems and all("YAML" in p.message and CJK.search(p.message) for p in problems), output
    # PyYAML notices the missing ] only on a later line; the user must still be sent to the bracket.
    assert any(
        p.line == opened or f"第 {opened} 行" in p.message or f"line {opened}" in p.message for p in problems
    ), output


def test_several_shape_problems_are_listed_together(shared: Database, small: Path) -> None:
    text = SMALL
    text = replace(text, "quantity: 100", "quantity: -100")
    text = replace(text, "counts_at: 运营", "count_at: 运营")
    text = replace(text, "quantity: 40", "quantity: 四十")
    text = replace(text, "    title: 改造道路积水点 3 个\n", "")
    output = refuse(shared, small, text)
    assert "（4 处问题）" in output
    assert_names(output, small, {line_no(text, "quantity: -100")}, "items[0].targets[0].quantity", "负数")
    assert_names(output, small, {line_no(text, "count_at")}, "items[0].targets[0].count_at", "未知字段")
    assert_names(
        output, small, {line_no(text, "四十")}, "items[0].targets[0].projects[1].quantity", "应为数字"
    )
    assert_names(output, small, {line_no(text, "- number: 2")}, "items[1].title", "缺少必填字段")


def test_several_problems_of_meaning_are_listed_together(shared: Database, small: Path) -> None:
    text = SMALL
    text = replace(text, "lead: [区建管委]", "lead: [区建委]")
    text = replace(text, "stage: 前期手续", "stage: 设计")
    text = replace(text, "开工: 2021-05-01", "开工: 2021-02-01")
    text = replace(text, "            reason: 管线迁改未完成\n", "")
    output = refuse(shared, small, text)
    assert "（4 处问题）" in output
    assert_names(output, small, {line_no(text, "区建委")}, "items[1].lead[0]", "未知部门")
    assert_names(
        output, small, {line_no(text, "stage: 设计")}, "items[0].targets[0].projects[1].stage", "未知阶段"
    )
    assert_names(
        output,
        small,
        {line_no(text, "开工: 2021-02-01")},
        "items[0].targets[0].projects[0].actual.开工",
        "日期倒退",
    )
    reason_lines = {line_no(text, "- name: 乙路点位"), line_no(text, "stage: 暂停")}
    assert_names(output, small, reason_lines, "items[1].targets[0].projects[1].reason", "原因")


def test_several_duplicate_keys_are_listed_together(shared: Database, small: Path) -> None:
    text = replace(SMALL, "  year: 2021\n", "  year: 2021\n  year: 2022\n")
    text = replace(text, "        unit: 个\n", "        unit: 个\n        unit: 处\n")
    output = refuse(shared, small, text)
    assert "（2 处问题）" in output
    assert_names(output, small, {line_no(text, "year: 2022")}, "programme.year", "重复的键")
    assert_names(output, small, {line_no(text, "unit: 处")}, "items[1].targets[0].unit", "重复的键")


def test_a_file_that_is_not_utf8_is_refused_at_the_first_bad_line(shared: Database, small: Path) -> None:
    # One line pasted from a GBK document into an otherwise UTF-8 file.
    bad = "    title: 改造道路积水点 3 个"
    raw = SMALL.encode("utf-8").replace(bad.encode("utf-8"), bad.encode("gbk"))
    output = refuse(shared, small, raw)
    assert_names(output, small, {line_no(SMALL, bad)}, None, "UTF-8")


@pytest.mark.parametrize(
    "content", ["", "\n\n", "# 只有注释\n"], ids=["empty", "blank-lines", "comment-only"]
)
def test_an_empty_file_is_refused(shared: Database, small: Path, content: str) -> None:
    output = refuse(shared, small, content)
    assert_names(output, small, {1}, None, "为空")


def test_a_file_whose_top_level_is_a_list_is_refused(shared: Database, small: Path) -> None:
    output = refuse(shared, small, "- programme: test-2021\n- items: []\n")
    assert_names(output, small, {1}, None, "顶层应为映射")


def test_a_file_that_does_not_exist_is_refused(shared: Database, small: Path, tmp_path: Path) -> None:
    missing = tmp_path / "没有这个文件.yaml"
    before = snapshot(shared)
    result = cli("load", str(missing))
    assert result.exit_code == 2, result.output
    assert str(missing) in result.output
    assert "无法读取文件" in result.output
    assert "Traceback" not in result.output
    assert snapshot(shared) == before


def test_a_dry_run_of_a_new_file_prints_what_it_would_do_and_writes_nothing(
    shared: Database, small: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.yaml"
    text = replace(SMALL, "code: test-2021", "code: other-2021")
    other.write_text(replace(text, "  - name: 各街镇\n", "  - name: 各街镇\n  - name: 区新部门\n"), "utf-8")
    before = snapshot(shared)
    result = cli("load", str(other), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "试运行" in result.output and "未写入" in result.output
    assert "other-2021" in result.output
    for part in ("新增部门 1", "新增计划 1", "新增项目 2", "新增子项目 4"):
        assert part in result.output
    assert snapshot(shared) == before
    assert cli("show", "1", "-p", "other-2021").exit_code == 2


def test_a_dry_run_of_an_update_counts_the_change_and_writes_nothing(shared: Database, small: Path) -> None:
    small.write_text(replace(SMALL, "新增养老床位 100 张", "新增养老床位 120 张"), "utf-8")
    before = snapshot(shared)
    result = cli("load", str(small), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "试运行" in result.output and "更新项目 1" in result.output
    assert "新增" not in result.output.splitlines()[0].split("：", 1)[1]
    assert (
        "  - 第1项“新增养老床位 100 张”：标题 “新增养老床位 100 张” → “新增养老床位 120 张”" in result.output
    )
    assert snapshot(shared) == before


# Less common files a user could still write: each must be refused cleanly, or loaded.


def test_an_impossible_calendar_date_is_refused_at_its_own_line(shared: Database, small: Path) -> None:
    text = replace(SMALL, "actual: {完工: 2021-07-31}", "actual: {完工: 2021-02-30}")
    output = refuse(shared, small, text)
    assert_names(output, small, {line_no(text, "2021-02-30")}, None, "")


def test_a_control_character_is_refused_at_its_own_line(shared: Database, small: Path) -> None:
    text = replace(SMALL, "note: 有序推进。", "note: 有序推进。\x07")
    output = refuse(shared, small, text)
    assert_names(output, small, {line_no(text, "有序推进")}, None, "")


def test_a_recursive_yaml_alias_is_refused_as_bad_input(shared: Database, small: Path) -> None:
    text = replace(SMALL, "lead: [区建管委]", "lead: &self [*self]")
    output = refuse(shared, small, text)
    assert "内部错误" not in output
    assert_names(output, small, {line_no(text, "&self")}, None, "")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("2021-07-31}", "2021-07-31 10:30:00}", "items[1].targets[0].projects[0].actual.完工"),
        ("2021-07-31}", "20210731}", "items[1].targets[0].projects[0].actual.完工"),
        ("quantity: 40", "quantity: 12345678901234", "items[0].targets[0].projects[1].quantity"),
    ],
    ids=["date-with-a-time", "date-as-a-number", "too-many-whole-digits"],
)
def test_every_shape_message_is_in_chinese(
    shared: Database, small: Path, old: str, new: str, field: str
) -> None:
    text = replace(SMALL, old, new)
    output = refuse(shared, small, text)
    assert_names(output, small, {line_no(text, new)}, field, "")


@pytest.mark.parametrize("role", ["lead", "cooperating"])
def test_a_department_named_twice_for_a_new_item_is_not_an_internal_error(
    db: Database, loaded: Path, role: str
) -> None:
    names = "[区建管委, 区建管委]"
    item = (
        "  - number: 3\n"
        "    title: 新建口袋公园 2 个\n"
        f"    lead: {names if role == 'lead' else '[区建管委]'}\n"
        f"    cooperating: {names if role == 'cooperating' else '[各街镇]'}\n"
    )
    text = replace(SMALL, "  - number: 2\n", item + "  - number: 2\n")
    loaded.write_text(text, "utf-8")
    before = snapshot(db)
    result = cli("load", str(loaded))
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 0:
        assert "新增项目 1" in result.output
    else:
        assert snapshot(db) == before
        assert_names(result.output, loaded, {line_no(text, f"{role}: {names}")}, f"items[1].{role}*", "")


def test_a_unit_longer_than_its_column_is_refused_or_stored_on_every_backend(
    db: Database, loaded: Path
) -> None:
    unit = "标准床位（含护理型床位与认知障碍照护床位）" * 2
    assert len(unit) > 32  # the width of the unit column
    text = replace(SMALL, "unit: 张", f"unit: {unit}")
    loaded.write_text(text, "utf-8")
    before = snapshot(db)
    result = cli("load", str(loaded))
    assert result.exit_code in (0, 2), result.output
    if result.exit_code == 0:
        assert "更新指标 1" in result.output
    else:
        assert snapshot(db) == before
        assert_names(result.output, loaded, {line_no(text, "unit: 标准")}, "items[0].targets[0].unit", "")
