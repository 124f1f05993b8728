"""Property tests: any programme file is loaded or refused with located problems; any command line
exits 0, 1 or 2 without a traceback, and a refusal writes nothing."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.db import Database
from services.loading.apply import load_programme
from services.loading.errors import ProgrammeFileError
from services.loading.reader import read_programme_file
from services.unit_of_work import UnitOfWork
from tests.helpers import cli, snapshot

TODAY = date.today()
BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break

BASE: dict[str, Any] = {
    "programme": {"code": "prop-2021", "name": "属性区2021年实事项目", "year": 2021, "district": "属性区"},
    "departments": [
        {"name": "区民政局"},
        {"name": "区建管委", "head": "王五"},
        {"name": "各街镇", "group": True},
    ],
    "items": [
        {
            "number": 1,
            "title": "新增养老床位 100 张",
            "leader": "赵六",
            "lead": ["区民政局"],
            "cooperating": ["各街镇"],
            "targets": [
                {
                    "name": "新增养老床位",
                    "quantity": 100,
                    "unit": "张",
                    "counts_at": "运营",
                    "phrases": {"运营": "已正式运营"},
                    "milestones": [{"period": "2021-Q2", "ratio": 0.5}],
                    "projects": [
                        {
                            "name": "第一护理院",
                            "quantity": 60,
                            "stage": "开工",
                            "actual": {"前期手续": date(2021, 3, 1), "开工": date(2021, 5, 1)},
                            "planned": {"完工": date(2021, 10, 31)},
                            "evidence": [
                                {"kind": "施工许可", "ref": "测建〔2021〕1号", "date": date(2021, 4, 20)}
                            ],
                        },
                        {"name": "第二护理院", "quantity": 40, "stage": "前期手续", "phrase": "正在走流程"},
                    ],
                    "reports": [{"as_of": date(2021, 9, 30), "achieved": 20, "note": "有序推进"}],
                }
            ],
        },
        {
            "number": 2,
            "title": "改造道路积水点 3 个",
            "lead": ["区建管委"],
            "targets": [
                {
                    "name": "道路积水点改造",
                    "quantity": 3,
                    "unit": "个",
                    "requires": {"开工": [], "完工": ["竣工验收"]},
                    "projects": [
                        {
                            "name": "甲路点位",
                            "quantity": 1,
                            "stage": "完工",
                            "actual": {"完工": date(2021, 7, 31)},
                        },
                        {
                            "name": "乙路点位",
                            "number": 5,
                            "quantity": 2,
                            "stage": "暂停",
                            "suspended_from": "开工",
                            "reason": "管线迁改未完成",
                        },
                    ],
                }
            ],
            "reports": [
                {
                    "as_of": date(2021, 9, 30),
                    "note": "有序推进",
                    "figures": [{"label": "点位", "value": 2, "unit": "个"}],
                }
            ],
        },
    ],
}


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out: list[tuple] = []
    entries = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in entries:
        out.append((*prefix, key))
        out.extend(_paths(child, (*prefix, key)))
    return out


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


PATHS = _paths(BASE)
MAPPING_PATHS = [(), *(p for p in PATHS if isinstance(_get(BASE, p), dict))]

INTERESTING = [
    "",
    " ",
    "立项",
    "前期手续",
    "开工",
    "完工",
    "运营",
    "暂停",
    "终止",
    "operating",
    "区民政局",
    "各街镇",
    "施工许可",
    "竣工验收",
    "2021-Q3",
    "2021-13",
    "exact",
    "at_least",
    "milestone",
    "-1",
    "1.5",
    "1e13",
    "0.00001",
    "999999999999.9999",
    "张" * 50,
    "名" * 250,
    "x" * 3000,
    "~",
    "null",
    "yes",
    "2021-02-30",
    "2999-01-01",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
    st.sampled_from(INTERESTING),
    st.sampled_from([0, 1, 2, 5, 40, 100, 2021, 1.5, 0.5, 10**12, date(2021, 6, 1)]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
LEAF_PATHS = [p for p in PATHS if not isinstance(_get(BASE, p), dict | list)]
ELEMENT_PATHS = [p for p in PATHS if isinstance(p[-1], int)]
LIKELY = ["立项", "前期手续", "开工", "完工", "运营", "暂停", "区民政局", "区建管委", "各街镇", "施工许可"]
LIKELY += ["竣工验收", "开工令", "2021-Q3", "2021-12", "at_least", "milestone", "张", "个"]
alike = st.fixed_dictionaries(
    {
        "str": st.one_of(st.sampled_from(LIKELY), st.text(min_size=1, max_size=20)),
        "int": st.one_of(st.integers(min_value=0, max_value=120), st.sampled_from([2000, 2021, 2100])),
        "float": st.floats(min_value=0, max_value=1000).map(lambda x: round(x, 2)),
        "bool": st.booleans(),
        "date": st.dates(min_value=date(2019, 1, 1), max_value=TODAY),
    }
)
structural = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(PATHS), values),
    st.tuples(st.just("del"), st.sampled_from(PATHS)),
    st.tuples(st.just("add"), st.sampled_from(MAPPING_PATHS), st.text(min_size=1, max_size=10), values),
)
# Changes that keep a value's type, or repeat a list entry: files that often still pass the checks.
alike_changes = st.one_of(
    st.tuples(st.just("alike"), st.sampled_from(LEAF_PATHS), alike),
    st.tuples(st.just("copy"), st.sampled_from(ELEMENT_PATHS)),
)
textual = st.one_of(
    st.tuples(st.just("text"), st.integers(min_value=0, max_value=5000), st.text(max_size=20)),
    st.tuples(
        st.just("indent"), st.integers(min_value=0, max_value=200), st.integers(min_value=-4, max_value=4)
    ),
    st.tuples(st.just("bytes"), st.integers(min_value=0, max_value=5000), st.binary(min_size=1, max_size=6)),
)
mutations = st.lists(st.one_of(structural, alike_changes, textual), min_size=1, max_size=4)


TYPES: dict[str, type] = {"bool": bool, "str": str, "int": int, "float": float, "date": date}


def _apply(data: Any, mutation: tuple) -> None:
    kind, path = mutation[0], mutation[1]
    try:
        parent = _get(data, path[:-1]) if kind != "add" else _get(data, path)
        if kind == "set":
            parent[path[-1]] = copy.deepcopy(mutation[2])
        elif kind == "del":
            del parent[path[-1]]
        elif kind == "alike":
            old = parent[path[-1]]
            kind_of = next(k for k in ("bool", "str", "int", "float", "date") if isinstance(old, TYPES[k]))
            parent[path[-1]] = mutation[2][kind_of]
        elif kind == "copy":
            parent.insert(path[-1] + 1, copy.deepcopy(parent[path[-1]]))
        elif isinstance(parent, dict):
            parent[mutation[2]] = copy.deepcopy(mutation[3])
    except (KeyError, IndexError, TypeError, AttributeError, StopIteration):
        pass  # an earlier mutation removed or replaced what this one aimed at


def render(muts: list[tuple]) -> bytes:
    """The bytes of BASE after the structural, then the textual, then the byte mutations."""
    data = copy.deepcopy(BASE)
    for m in muts:
        if m[0] in ("set", "del", "add", "alike", "copy"):
            _apply(data, m)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    for m in muts:
        if m[0] == "text":
            at = m[1] % (len(text) + 1)
            text = text[:at] + m[2] + text[at:]
        elif m[0] == "indent":
            lines = text.split("\n")
            i = m[1] % len(lines)
            lines[i] = " " * m[2] + lines[i] if m[2] >= 0 else lines[i][-m[2] :]
            text = "\n".join(lines)
    raw = text.encode("utf-8")
    for m in muts:
        if m[0] == "bytes":
            at = m[1] % (len(raw) + 1)
            raw = raw[:at] + m[2] + raw[at:]
    return raw


def check_refusal(exc: ProgrammeFileError, path: Path, raw: bytes) -> None:
    """A refusal lists at least one problem, each on a real line of this file."""
    assert exc.problems
    last_line = max(raw.count(b"\n"), len(BREAKS.findall(raw.decode("utf-8", "replace")))) + 1
    for problem in exc.problems:
        assert problem.file == str(path)
        assert 1 <= problem.line <= last_line, problem
        assert problem.message.strip(), problem
        assert str(problem).startswith(f"{path}:{problem.line}:")


def test_the_unmutated_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "programme.yaml"
    path.write_bytes(render([]))
    checked = read_programme_file(path, TODAY)
    assert [i.number for i in checked.spec.items] == [1, 2]


def budget(examples: int) -> settings:
    """No deadline and no saved examples; the function-scoped fixtures are shared by all examples."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@budget(400)
@given(muts=mutations)
def test_a_mutated_file_is_read_or_refused_with_located_problems(tmp_path: Path, muts: list[tuple]) -> None:
    path = tmp_path / "programme.yaml"
    raw = render(muts)
    path.write_bytes(raw)
    try:
        read_programme_file(path, TODAY)
    except ProgrammeFileError as exc:
        check_refusal(exc, path, raw)


@budget(150)
@given(content=st.one_of(st.text(max_size=200), st.binary(max_size=200)))
def test_random_text_or_bytes_are_refused_with_located_problems(tmp_path: Path, content: str | bytes) -> None:
    path = tmp_path / "programme.yaml"
    raw = content if isinstance(content, bytes) else content.encode("utf-8")
    path.write_bytes(raw)
    with pytest.raises(ProgrammeFileError) as caught:
        read_programme_file(path, TODAY)
    check_refusal(caught.value, path, raw)


def load_twice(db: Database, path: Path, raw: bytes) -> None:
    """Read the file; if it passes, load it, and check that loading it again changes nothing."""
    path.write_bytes(raw)
    try:
        checked = read_programme_file(path, TODAY)
    except ProgrammeFileError as exc:
        check_refusal(exc, path, raw)
        return
    # the examples share one database: accept what an earlier example's file held and this one lacks
    with UnitOfWork(db) as uow:
        load_programme(uow, checked, "属性测试", TODAY, accept_changes=True)
    with UnitOfWork(db) as uow:
        again = load_programme(uow, checked, "属性测试", TODAY, accept_changes=True)
    assert not again.changed, (again.created, again.updated)
    assert all(c.kind == "missing" for c in again.changes), [c.line() for c in again.changes]


@budget(60)
@given(muts=st.lists(st.one_of(alike_changes, alike_changes, structural), min_size=1, max_size=3))
def test_a_file_that_passes_the_checks_loads_and_a_second_load_changes_nothing(
    db: Database, tmp_path: Path, muts: list[tuple]
) -> None:
    load_twice(db, tmp_path / "programme.yaml", render(muts))


@pytest.mark.parametrize(
    "muts",
    [
        [("set", ("items", 0, "targets", 0, "unit"), "张" * 50)],
        [("set", ("items", 0, "targets", 0, "noun"), "个" * 50)],
        [("set", ("items", 1, "lead"), ["区建管委", "区建管委"]), ("set", ("items", 1, "number"), 3)],
        [("set", ("items", 0, "targets", 0, "quantity"), "918664801510.6386")],
        [("set", ("items", 0, "targets", 0, "reports", 0, "achieved"), "0.0001")],
    ],
    ids=[
        "unit-of-50-characters",
        "noun-of-50-characters",
        "lead-named-twice",
        "16-digit-quantity",
        "4-places",
    ],
)
def test_files_found_hard_before_are_refused_or_load_and_reload_without_change(
    db: Database, tmp_path: Path, muts: list[tuple]
) -> None:
    load_twice(db, tmp_path / "programme.yaml", render(muts))


# The command line ------------------------------------------------------------------------------

SMALL_FILE = yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False)

plain_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
huge = st.sampled_from(["x" * 5000, "号" * 300, "名" * 101, "\u202e" * 50, "😀" * 200])
anything = st.one_of(plain_text, huge)


def mostly(usual: list[str], odd: list[str]) -> st.SearchStrategy[str]:
    """Usual values half of the time, else odd ones or anything at all."""
    return st.one_of(st.sampled_from(usual), st.sampled_from(usual), st.sampled_from(odd), anything)


refs = mostly(
    ["1", "2", "1.1", "1.2", "2.1", "2.5", "2.2"],
    [
        "0",
        "0.0",
        "1.0",
        "1.99",
        "99999.999999",
        "123456.1",
        "1.1234567",
        " 1.1 ",
        "1.",
        ".1",
        "1.1.1",
        "-1",
        "１.１",
        "1e3",
        "3",
    ],
)
stages = mostly(
    ["立项", "前期手续", "开工", "完工", "运营"], ["暂停", "终止", "completed", "竣工", "下一阶段"]
)
dates = st.one_of(
    st.dates().map(date.isoformat),
    mostly(
        ["2021-06-01", "2021-09-01", TODAY.isoformat()],
        [
            "0001-01-01",
            "9999-12-31",
            "2021-02-30",
            "20210601",
            "2021-6-1",
            "2021-06-01T00:00",
            " 2021-06-01 ",
            "",
            "today",
        ],
    ),
)
kinds = mostly(
    ["立项批复", "施工许可", "开工令", "竣工验收", "交付使用"], ["approval", "许可", "竣工验收|开工令"]
)
doc_nos = mostly(["测建〔2021〕9号", "交2号"], ["", " ", "a@b", "=", "号" * 201])
evidence = st.one_of(
    st.builds(
        "{}{}{}{}{}".format,
        kinds,
        mostly(["="], ["", "==", "＝"]),
        doc_nos,
        mostly(["@"], ["", "@@", "＠"]),
        dates,
    ),
    anything,
)
quantities = st.one_of(
    mostly(
        ["0", "1", "1.5", "20"], ["-1", "1e12", "1e13", "1E-1000000", "NaN", "inf", "-0", "0.00001", "1,000"]
    ),
    st.decimals().map(str),
)
numbers = st.one_of(mostly(["1", "2"], ["0", "-1", "99999999999999999999"]), st.integers().map(str))
people = mostly(["张三", "区民政局"], ["", " ", "名" * 101])


def options(**choices: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    """Any subset of the given options, each with a drawn value, in a drawn order."""
    pairs = [st.builds(lambda v, name=name: [name, v], strategy) for name, strategy in choices.items()]
    return st.lists(st.one_of(*pairs), max_size=len(pairs)).map(lambda xs: [a for x in xs for a in x])


flags = st.one_of(
    st.just([]), st.just([]), st.lists(st.sampled_from(["--json", "--dry-run", "--approximate", "--bogus"]))
) | st.just(["--help"])


def command(
    name: str,
    positional: st.SearchStrategy[list[str]],
    required: dict[str, st.SearchStrategy[str]],
    optional: dict[str, st.SearchStrategy[str]],
) -> st.SearchStrategy[list[str]]:
    """`name`, its positional arguments, usually its required options, some others, maybe a flag."""
    needed = st.fixed_dictionaries(required).map(lambda d: [a for kv in d.items() for a in kv])
    return st.builds(
        lambda p, r, o, f: [name, *p, *r, *o, *f],
        positional,
        st.one_of(needed, needed, needed, options(**required)),
        options(**optional),
        flags,
    )


one = st.builds(lambda r: [r], refs)
files = st.builds(lambda p: [p], mostly(["@small"], ["@other", "@missing", "@dir"]))
commands = st.one_of(
    command("load", files, {}, {"--by": people}),
    command("show", one, {}, {"--as-of": dates, "-p": mostly(["prop-2021"], ["", "PROP-2021"])}),
    command("list", st.just([]), {}, {"--stage": stages, "--status": anything, "--as-of": dates}),
    command("advance", one, {"--by": people}, {"--to": stages, "--evidence": evidence, "--at": dates}),
    command("suspend", one, {"--by": people, "--reason": anything}, {"--at": dates}),
    command("evidence", st.builds(lambda r, k: [r, k], refs, kinds), {"--ref": doc_nos, "--date": dates}, {}),
    command(
        "progress",
        one,
        {"--by": people},
        {"--done": quantities, "--target": numbers, "--as-of": dates, "--note": anything},
    ),
)


@pytest.fixture
def small_loaded(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The CLI pointed at a database holding the small programme; paths for `@small`, `@other` etc."""
    small = tmp_path / "small.yaml"
    small.write_text(SMALL_FILE, encoding="utf-8")
    other = tmp_path / "other.yaml"
    other.write_text(SMALL_FILE.replace("prop-2021", "prop-2022"), encoding="utf-8")
    (tmp_path / "a-directory").mkdir()
    result = cli("load", str(small))
    assert result.exit_code == 0, result.output
    return {
        "@small": str(small),
        "@other": str(other),
        "@missing": str(tmp_path / "missing.yaml"),
        "@dir": str(tmp_path / "a-directory"),
    }


def run_and_check(db: Database, args: list[str]) -> None:
    """Run one command line: exit 0, 1 or 2 without a traceback; on 1 or 2 nothing is written."""
    before = snapshot(db)
    result = cli(*args)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code in (1, 2):
        assert snapshot(db) == before, result.output


@budget(100)
@given(args=commands)
def test_any_command_line_exits_0_1_or_2_and_a_refusal_writes_nothing(
    db: Database, small_loaded: dict[str, str], args: list[str]
) -> None:
    run_and_check(db, [small_loaded.get(a, a) for a in args])


@pytest.mark.parametrize(
    "args",
    [
        ["evidence", "1.2", "立项批复", "--ref", "号" * 201, "--date", "2021-06-01"],
        ["evidence", "1.2", "立项批复", "--ref", "测建1号", "--date", "2021-06-01", "--by", "名" * 101],
        ["progress", "1", "--done", "5", "--target", "1", "--by", "名" * 101],
        ["progress", "1", "--done", "1E-1000000", "--target", "1", "--by", "民政局"],
        [
            "advance",
            "2.1",
            "--by",
            "名" * 101,
            "--at",
            "2021-09-01",
            "--evidence",
            "交付使用=交1号@2021-08-01",
        ],
        ["advance", "1.2", "--by", "张三", "--evidence", f"施工许可={'号' * 201}@2021-06-01"],
        ["suspend", "1.2", "--by", "名" * 101, "--reason", "资金未到位"],
        ["load", "@other", "--by", "名" * 101],
    ],
    ids=[
        "evidence-ref-of-201",
        "evidence-by-of-101",
        "progress-by-of-101",
        "progress-done-tiny",
        "advance-by-of-101",
        "advance-evidence-ref-of-201",
        "suspend-by-of-101",
        "load-by-of-101",
    ],
)
def test_command_lines_found_hard_exit_0_1_or_2(
    db: Database, small_loaded: dict[str, str], args: list[str]
) -> None:
    run_and_check(db, [small_loaded.get(a, a) for a in args])
