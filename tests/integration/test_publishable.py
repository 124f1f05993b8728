"""Every family's narrative and bulletin of the example, for several periods, reads as an office would publish it."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models import Programme
from models.db import Database
from reports.html import table_cells
from reports.narrative import Block, blocks, bulletin_blocks, markdown, table_markdown
from reports.prose.templates import FAMILIES
from reports.service import gather_report, generate
from services.loading.apply import load_programme
from services.loading.errors import ChangesRefused, ProgrammeFileError
from services.loading.fields import report_style
from services.loading.reader import read_programme_file
from services.reporting.data import gather
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE, ROOT
from tests.templates import Filled, load_example

TODAY = date(2020, 12, 31)
PERIODS = ("2020-06", "2020-09", "2020-Q3", "2020-10-31", "2020-12")
ZERO_BESIDE_RATE = re.compile(r"(?<![\d.])0(?:\.0+)?[^\d，。；、]{0,6}（0%）|完成0[^\d.]|完成率0%")
SPACED = re.compile(
    r"\d[ \t\u00a0]+[余近\u4e00-\u9fff]|[近超约余][ \t\u00a0]+\d|[\u4e00-\u9fff][ \t\u00a0]+\d"
)
ENGLISH = re.compile(r"[A-Za-z]{2,}")


class Gathered(dict):
    """The example's report data per period, gathered when first asked for."""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    def __missing__(self, period: str) -> dict[str, Any]:
        with self.db.read() as session:
            self[period] = gather(session, None, period)
        return self[period]


@pytest.fixture
def gathered(db: Database, filled: Filled) -> Gathered:
    return Gathered(load_example(db, filled, TODAY))


def _in_family(data: dict[str, Any], family: str) -> dict[str, Any]:
    styled = copy.deepcopy(data)
    styled["style"] = {**styled["style"], "family": family}
    return styled


def _problems(parts: list[Block], allowed: frozenset[str] | set[str] = frozenset()) -> list[str]:
    found = []
    for b in parts:
        text = b.text
        if "。。" in text:
            found.append(f"“。。”：{text}")
        if re.search(r"：(?:。|—。|$)", text):
            found.append(f"空栏：{text}")
        if ZERO_BESIDE_RATE.search(text):
            found.append(f"0 作为完成数：{text}")
        if SPACED.search(text):
            found.append(f"数字旁有空格：{SPACED.search(text).group()!r} 在 {text}")  # type: ignore[union-attr]
        english = [w for w in ENGLISH.findall(text) if w not in allowed]
        if english:
            found.append(f"英文：{english[0]} 在 {text}")
        sentences = [s for s in re.split(r"(?<=[。！？])", text) if s.strip("。 ")]
        repeated = {s for s in sentences if sentences.count(s) > 1}
        if repeated:
            found.append(f"句子重复：{sorted(repeated)}")
    return found


def test_every_family_reads_as_published_in_every_period(gathered: Gathered) -> None:
    for period in PERIODS:
        for family in FAMILIES:
            styled = _in_family(gathered[period], family)
            for parts in (blocks(styled), bulletin_blocks(styled)):
                assert parts[0].kind == "title"
                problems = _problems(parts)
                assert not problems, f"{family} 族 {period}：" + "\n".join(problems)


def _spacing(text: str, allowed: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The rules every report text keeps, tables and lists included: no space beside a number, no “。。”,
    no English word."""
    found = [f"数字旁有空格：{m.group()!r}" for m in SPACED.finditer(text)]
    found += ["“。。”"] if "。。" in text else []
    return found + [f"英文：{w}" for w in ENGLISH.findall(text) if w not in allowed]


def test_the_table_markdown_and_lagging_list_keep_the_spacing_rule_in_every_period(
    gathered: Gathered,
) -> None:
    for period in PERIODS:
        data = gathered[period]
        text = table_markdown(data)
        assert data["summary"] in text and ("- 第" in text) == bool(data["lagging"])
        for line in text.splitlines():
            problems = _spacing(line)
            assert not problems, f"{period}：{problems} 在 {line}"


def test_every_familys_table_cells_keep_the_spacing_rule(db: Database, gathered: Gathered) -> None:
    with db.read() as session:
        data = gather_report(session, None, "2020-09")
    for family in FAMILIES:
        headers, body = table_cells(_in_family(data, family))
        for text in [*headers, *(c["text"] for cells in body for c in cells)]:
            problems = _spacing(text)
            assert not problems, f"{family} 族：{problems} 在 {text}"


def test_rates_above_100_are_printed_as_such_in_every_family(gathered: Gathered) -> None:
    for family in FAMILIES:
        text = markdown(_in_family(gathered["2020-09"], family))
        assert "260%" in text and "148%" in text, family  # 260 场 of 100; 11.875 万人次 of 8
        assert "100%" not in re.findall(r"完成率\d+%", text)


def test_a_figure_shishi_does_not_know_is_left_out(gathered: Gathered) -> None:
    text = markdown(gathered["2020-09"])
    assert "目前已完成40%" in text and "0件" not in text  # the department's 40 %, no counted 0 beside it
    assert "0公里" not in text and "5.6公里施工基本完成" in text
    assert "1家已竣工；1家正在装修" in text  # quantities summed, in the target's noun
    assert "苏州河西延伸段(海烟物流)景观提升项目进入施工阶段" in text  # no quantity: named, never "0 条"
    # a target with no figure, no words and no projects is said to be unreported, never read as done
    assert "开展群众文化团队指导1000场（本期未报送进展）。" in text


def test_the_bulletin_gives_totals_shares_and_lagging_items_by_ordinal(
    gathered: Gathered,
) -> None:
    data = gathered["2020-09"]
    text = "\n".join(b.text for b in bulletin_blocks(data))
    total = len(data["items"])
    assert f"共{total}件" in text and "完成率" in text and "其他项目正按序时推进" in text
    lagging = [r["number"] for r in data["table"] if r["status_code"] in ("slow", "late", "severe")]
    if lagging:
        assert "一是" in text
    from reports.prose.filters import ordinal

    for number in lagging:
        assert ordinal(number) in text


def _style_file(tmp_path: Path, style: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "  issuer: 上海市地区工作办公室\n", f"  issuer: 上海市地区工作办公室\n{style}", 1
    )
    path = tmp_path / "styled.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_programme_file_chooses_family_title_and_a_folder_overriding_the_familys_files(
    db: Database, tmp_path: Path
) -> None:
    own = tmp_path / "模板"
    own.mkdir()
    (own / "bulletin.md.j2").write_text(
        "# {{ kind }}专报\n\n本区共{{ totals.total }}项。\n", encoding="utf-8"
    )
    style = "  report: {family: B, title: '{区}{类别}{期间}完成情况', kind: 人大票决项目, templates: 模板}\n"
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(_style_file(tmp_path, style), TODAY), "测试", TODAY)
        uow.commit()
    with db.read() as session:
        stored = session.scalars(select(Programme.report_style)).one()
        data = gather(session, None, "2020-09")
    assert stored == {
        "family": "B",
        "title": "{区}{类别}{期间}完成情况",
        "kind": "人大票决项目",
        "templates": str(own),
    }
    assert data["title"] == "长宁区人大票决项目1-9月完成情况"
    assert "实际完成" in markdown(data)  # family B's narrative, from the family set
    assert [b.text for b in bulletin_blocks(data)] == [
        "人大票决项目专报",
        "本区共12项。",
    ]  # the district's own
    written = generate(db, None, "2020-09", ("md",), tmp_path / "out")
    files = {(f["kind"], f["format"]): Path(f["path"]) for f in written}
    assert files[("bulletin", "md")].name.endswith(
        "-通报.md"
    )  # a programme that chose its style gets the 通报
    assert files[("bulletin", "md")].read_text(encoding="utf-8") == "# 人大票决项目专报\n\n本区共12项。\n"


def test_a_missing_template_folder_or_bad_title_is_refused_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeFileError) as missing:
        read_programme_file(_style_file(tmp_path, "  report: {templates: 没有这个目录}\n"), TODAY)
    assert "模板目录不存在" in str(missing.value.problems)
    with pytest.raises(ProgrammeFileError) as bad:
        read_programme_file(_style_file(tmp_path, "  report: {title: '关于{kind}'}\n"), TODAY)
    assert "标题格式有误" in str(bad.value.problems)


def test_a_reload_logs_a_new_report_style_and_refuses_to_drop_it_unconfirmed(
    db: Database, tmp_path: Path
) -> None:
    styled = _style_file(tmp_path, "  report: {family: B}\n")
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)
    with UnitOfWork(db) as uow:
        summary = load_programme(uow, read_programme_file(styled, TODAY), "测试", TODAY)
    assert [(c.field, c.new) for c in summary.changes] == [("report_style", {"family": "B"})]
    with pytest.raises(ChangesRefused) as refused, UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(EXAMPLE, TODAY), "测试", TODAY)
    assert any("报告样式" in line for line in refused.value.reasons)
    with db.read() as session:
        assert session.scalars(select(Programme.report_style)).one() == {"family": "B"}


BULLETINS = {  # transcribed from published bulletins: their own family and published periods
    "meishan-2019": (ROOT / "examples" / "meishan-2019.yaml", date(2020, 1, 22), "B", ("2019-12",)),
    "dalian-2021": (ROOT / "examples" / "dalian-2021.yaml", date(2021, 10, 31), "C", ("2021-06", "2021-09")),
}


def _own_words(path: Path) -> set[str]:
    """Latin words the bulletin itself prints (AED, CPR): the department's words, not Shishi's labels."""
    return set(ENGLISH.findall(path.read_text(encoding="utf-8").split("\nprogramme:", 1)[1]))


@pytest.fixture
def bulletins(db: Database) -> Database:
    for path, today, _, _ in BULLETINS.values():
        with UnitOfWork(db) as uow:
            load_programme(uow, read_programme_file(path, today), "测试", today)
    return db


def test_the_bulletin_examples_read_as_published_in_every_family(bulletins: Database) -> None:
    for code, (path, _, own, periods) in BULLETINS.items():
        allowed = _own_words(path)
        for period in periods:
            with bulletins.read() as session:
                data = gather(session, code, period)
            assert data["style"]["family"] == own, code
            for family in FAMILIES:
                styled = _in_family(data, family)
                for parts in (blocks(styled), bulletin_blocks(styled)):
                    assert parts[0].kind == "title"
                    problems = _problems(parts, allowed)
                    assert not problems, f"{code} {family} 族 {period}：" + "\n".join(problems)


def test_a_snapshot_programme_may_choose_to_publish_only_its_unfinished_items(tmp_path: Path) -> None:
    styled = _style_file(tmp_path, "  report: {family: D, unfinished_only: true}\n")
    head = read_programme_file(styled, TODAY).spec.programme
    assert report_style(head.report) == {"family": "D", "unfinished_only": True}
    with pytest.raises(ProgrammeFileError):
        read_programme_file(_style_file(tmp_path, "  report: {family: D, unfinished_only: 也许}\n"), TODAY)
