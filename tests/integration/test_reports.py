"""Reports regenerated from the database, measured against the district's published report."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import event, func, select

from models import HealthSnapshot, OutboxMessage, ReportFile
from models.db import Database
from reports.narrative import blocks, markdown, table_markdown
from reports.prose.filters import tidy
from reports.service import generate, write_files
from services.health.judgements import set_override
from services.health.recompute import recompute
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.refs import resolve_programme
from services.reporting.data import gather
from services.stage_change.request import EvidenceInput, StageChange
from services.stage_change.use_case import change_stage
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE, ROOT
from tests.templates import Filled, load_example

TODAY = date(2020, 10, 20)
SEED = ROOT.parent / "shared" / "seed" / "changning-2020-09-progress.txt"


@pytest.fixture
def loaded(db: Database, filled: Filled) -> Database:
    return load_example(db, filled, TODAY)


def _markdown(db: Database, period: str = "2020-09") -> str:
    with db.read() as session:
        data = gather(session, None, period)
    return markdown(data)


def _seed_figures() -> list[str]:
    text = SEED.read_text(encoding="utf-8").replace("**", "")
    paragraphs = re.findall(r"完成情况：(.*?)(?=\n\s*\d+、|\n\s*上海市|\Z)", text, flags=re.S)
    assert len(paragraphs) == 12, "the seed has one 完成情况 per item"
    return sorted({n for p in paragraphs for n in re.findall(r"\d+(?:\.\d+)?", p)}, key=float)


@pytest.mark.skipif(not SEED.exists(), reason="the seed report is kept beside the repository")
def test_the_narrative_states_every_figure_of_the_seed(loaded: Database) -> None:
    report = _markdown(loaded)
    numbers = set(re.findall(r"\d+(?:\.\d+)?", report))
    missing = [n for n in _seed_figures() if n not in numbers]
    assert not missing, f"figures of the seed missing from the report: {missing}"


def test_the_narrative_names_every_item_title_and_department(loaded: Database) -> None:
    report = _markdown(loaded)
    example = read_programme_file(EXAMPLE, TODAY).spec
    for item in example.items:
        assert tidy(item.title) in report  # as printed: no space between a number and its unit
        for name in [*item.lead, *item.cooperating]:
            assert name in report
    assert report.startswith("# 关于区政府实事项目1-9月推进情况")


def test_stage_counts_come_from_project_records(loaded: Database) -> None:
    before = _markdown(loaded)
    assert "2个点位已完成装修；3个点位正在装修" in before
    _advance_2_8(loaded, date(2020, 9, 28), "长民验〔2020〕9号")
    after = _markdown(loaded)
    assert "3个点位已完成装修；2个点位正在装修" in after


def _advance_2_8(db: Database, on: date, doc_no: str) -> None:
    """2.8 finished on a day, its acceptance dated the day before."""
    with UnitOfWork(db) as uow:
        change_stage(
            uow,
            StageChange(
                ref="2.8",
                event="advance",
                actor="张三",
                at=on,
                evidence=(EvidenceInput("acceptance", doc_no, on - timedelta(days=1)),),
            ),
            TODAY,
        )


def _advance_2_8_in_october(db: Database) -> None:
    """What `make demo` records: 2.8 finished on 2020-10-10, its acceptance dated the day before."""
    _advance_2_8(db, date(2020, 10, 10), "长民验〔2020〕3号")


def test_a_report_is_built_as_of_its_periods_end(loaded: Database) -> None:
    _advance_2_8_in_october(loaded)
    september, october = _markdown(loaded, "2020-09"), _markdown(loaded, "2020-10")
    assert "2个点位已完成装修；3个点位正在装修" in september  # as the published 1-9 月 report says
    assert "3个点位已完成装修；2个点位正在装修" in october


@pytest.mark.skipif(not SEED.exists(), reason="the seed report is kept beside the repository")
def test_a_later_change_leaves_every_figure_of_the_seed_in_its_month(loaded: Database) -> None:
    _advance_2_8_in_october(loaded)
    with UnitOfWork(loaded) as uow:
        recompute(uow, resolve_programme(uow.session, None), date(2020, 9, 30))  # the demo's nightly
    numbers = set(re.findall(r"\d+(?:\.\d+)?", _markdown(loaded)))
    assert not [n for n in _seed_figures() if n not in numbers]


def test_docx_and_xlsx_open_and_match(loaded: Database, tmp_path: Path) -> None:
    files = generate(loaded, None, "2020-09", ("md", "docx", "xlsx"), tmp_path)
    paths = {(f["kind"], f["format"]): Path(f["path"]) for f in files}
    document = Document(str(paths[("narrative", "docx")]))
    # the narrative's paragraphs; the table follows them
    docx_text = [p.text for p in document.paragraphs if p.text and p.style.name != "公文表格"]
    with loaded.read() as session:
        data = gather(session, None, "2020-09")
    assert docx_text == [b.text for b in blocks(data) if b.text]
    md_lines = [
        line.lstrip("# ") for line in paths[("narrative", "md")].read_text(encoding="utf-8").split("\n\n")
    ]
    assert [line.strip() for line in md_lines if line.strip()] == docx_text
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    sheet = load_workbook(paths[("table", "xlsx")]).active
    rows = list(sheet.iter_rows(values_only=True))
    # the header after the title and as-of rows, then one row per item
    assert rows[2][:3] == ("序号", "全年目标任务", "分管领导") and len(rows) == 3 + 12
    flags = {row[0]: row[7] for row in rows[3:]}
    assert flags[8] == "是" and flags[6] == "否"
    assert sheet.cell(row=3 + 8, column=8).fill.fgColor.rgb.endswith("C8E6C9")


def test_every_generated_file_is_recorded_with_its_checksum(loaded: Database, tmp_path: Path) -> None:
    import hashlib

    from services.reporting.files import list_files

    files = generate(loaded, None, "2020-09", ("md", "html", "docx", "xlsx"), tmp_path)
    assert len(files) == 5
    with loaded.read() as session:
        listed = list_files(session, None)
    assert {f["path"] for f in listed} == {f["path"] for f in files}
    for f in listed:
        assert hashlib.sha256(Path(f["path"]).read_bytes()).hexdigest() == f["checksum"]


def test_the_lagging_list_names_each_overdue_project_from_its_planned_date(
    db: Database, tmp_path: Path
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "planned: {完工: 2020-10-15}", "planned: {完工: 2020-09-15}"
    )
    path = tmp_path / "late.yaml"
    path.write_text(text, encoding="utf-8")
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)
        set_override(uow, "4.6", "按序时推进", "场地移交推迟，区体育局已同意", "王科长", on=date(2020, 9, 30))
        data = gather(uow.session, None, "2020-09")
        uow.commit()
    projects = [(e["ref"], e["since"], e["reason"]) for e in data["lagging"] if e["scope"] == "project"]
    assert projects == [
        (f"4.{n}", "2020-09-16", "逾期未到达“完工”（计划2020-09-15）") for n in (7, 8, 9, 10)
    ]  # 4.6 is excused by its override
    assert "- 子项目4.7“" in table_markdown(data)


WRITES = ("insert", "update", "delete", "copy")


def test_a_report_of_a_period_without_snapshots_stores_no_health(loaded: Database, tmp_path: Path) -> None:
    files = generate(loaded, None, "2020-09", ("md",), tmp_path)
    table = next(Path(f["path"]) for f in files if f["kind"] == "table")
    assert "慢序时" in table.read_text(encoding="utf-8")  # the statuses were computed, in memory
    with loaded.read() as session:
        assert session.scalar(select(func.count()).select_from(HealthSnapshot)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert session.scalar(select(func.count()).select_from(ReportFile)) == 2


def test_gathering_and_rendering_a_report_neither_writes_nor_commits(
    loaded: Database, tmp_path: Path
) -> None:
    commits: list[str] = []
    writes: list[str] = []

    def on_commit(_conn: object) -> None:
        commits.append("commit")

    def on_execute(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().lower().startswith(WRITES):
            writes.append(statement)

    event.listen(loaded.engine, "commit", on_commit)
    event.listen(loaded.engine, "before_cursor_execute", on_execute)
    try:
        _, files = write_files(loaded, None, "2020-09", ("md", "html", "docx", "xlsx"), tmp_path)
        assert len(files) == 5 and commits == [] and writes == []
        generate(loaded, None, "2020-09", ("md",), tmp_path)
    finally:
        event.remove(loaded.engine, "commit", on_commit)
        event.remove(loaded.engine, "before_cursor_execute", on_execute)
    assert commits == ["commit"]  # recording the files is the one write
    assert writes and {" ".join(w.split()[:3]) for w in writes} == {"INSERT INTO report_files"}


def test_report_files_keep_one_row_per_file_with_the_checksum_before(
    loaded: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = {f["path"]: f["checksum"] for f in generate(loaded, None, "2020-09", ("md",), Path("out"))}
    assert all(Path(p).is_absolute() for p in first)
    with UnitOfWork(loaded) as uow:
        evidence = (EvidenceInput("acceptance", "长民验〔2020〕9号", date(2020, 9, 20)),)
        change_stage(
            uow, StageChange("2.8", "advance", "张三", evidence=evidence, at=date(2020, 9, 20)), TODAY
        )
    second = {f["path"]: f["checksum"] for f in generate(loaded, None, "2020-09", ("md",), tmp_path / "out")}
    assert second.keys() == first.keys()
    with loaded.read() as session:
        rows = session.scalars(select(ReportFile)).all()
    assert sorted(r.path for r in rows) == sorted(first)
    changed = [r for r in rows if first[r.path] != second[r.path]]
    assert changed, "the stage change shows in at least one report"
    assert all(r.checksum == second[r.path] and r.previous_checksum == first[r.path] for r in changed)
