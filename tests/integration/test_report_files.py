"""Files an office can hand on: the tables' columns filled (leader, groups, each period's text, rates over
100 %), the Word file in 公文 layout and the workbook set up for printing with its exception sheets."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from models.db import Database
from reports.columns import columns
from reports.docx import write_docx
from reports.html import render_html, table_cells
from reports.service import gather_report, publish
from reports.xlsx import write_xlsx
from services.loading.apply import load_programme
from services.loading.reader import read_programme_file
from services.progress.record import ProgressInput, record_progress
from services.reporting.history import filing_periods
from services.reporting.table import rate
from services.unit_of_work import UnitOfWork
from tests.conftest import EXAMPLE

TODAY = date(2020, 10, 20)
AUGUST = "八月份完成精品小区方案设计，进入招标"
GROUPED = {
    "    title: 实施 100 万平方米精品小区建设\n": "    leader: 王副区长\n    category: 住房保障\n    tier: 市\n",
    "    title: 新增养老床位 250 张": "    category: 住房保障\n",
}


@pytest.fixture
def data(db: Database, tmp_path: Path) -> dict[str, Any]:
    """The example with a leader, a category over items 1 and 2 and a tier, an August report on item 1."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for anchor, extra in GROUPED.items():
        start = text.index(anchor)
        end = text.index("\n", start) + 1
        text = text[:end] + extra + text[end:]
    path = tmp_path / "grouped.yaml"
    path.write_text(text, encoding="utf-8")
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)
    with UnitOfWork(db) as uow:
        record_progress(uow, ProgressInput("1", "区房管局", date(2020, 8, 31), note=AUGUST), TODAY)
    with db.read() as session:
        return gather_report(session, None, "2020-09")


def test_rates_are_integer_percentages_rounded_half_up_and_over_100_when_exceeded() -> None:
    assert [rate(r) for r in (1.335, 1.04, 0.455, 0.4549, 0.0, None)] == [134, 104, 46, 45, 0, None]


def test_every_column_of_the_table_is_filled_from_data(data: dict[str, Any]) -> None:
    rows = {r["number"]: r for r in data["tables"]["rows"]}
    first = rows[1]
    assert (first["leader"], first["category"], first["tier"]) == ("王副区长", "住房保障", "市")
    assert first["last_text"] == AUGUST + "。" and "精品小区" in first["this_text"]
    assert AUGUST not in first["this_text"]
    assert first["annual_target"] == "精品小区建设100万平方米"
    assert [t["rate"] for t in rows[8]["targets"]] == [120, 113] and rows[11]["targets"][0][
        "rate_text"
    ] == "148%"
    assert rows[2]["lead"] == "区民政局、区卫健委" and rows[2]["cooperating"] == "各街镇"
    assert (data["tables"]["last_period"], data["tables"]["this_period"]) == ("1-8月", "1-9月")
    assert {r["number"] for r in data["tables"]["lagging_rows"]} == {
        n for n, r in rows.items() if r["on_schedule"] == "否" and r["status_code"] != "suspended"
    }
    assert all(r["completion"] != "已完成全年目标任务" for r in data["tables"]["unfinished_rows"])


def test_the_word_file_is_in_official_layout_with_a_page_number_field(
    data: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "report.docx"
    write_docx(data, path)
    document = Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    title, heading, body = document.paragraphs[0], document.paragraphs[1], document.paragraphs[2]

    def east_asian(paragraph: Any) -> str:
        return paragraph.style.element.rPr.rFonts.get(qn("w:eastAsia"))

    assert (east_asian(title), east_asian(heading), east_asian(body)) == ("方正小标宋简体", "黑体", "仿宋")
    assert body.style.font.size == Pt(16) and title.style.font.size == Pt(22)
    ind = body.style.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200" and body.style.paragraph_format.first_line_indent == Pt(
        32
    )
    assert title.style.element.pPr.find(qn("w:ind")) is None
    fonts = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable"
    ).blob.decode("utf-8")
    assert 'w:name="方正小标宋简体"><w:altName w:val="华文中宋"/>' in fonts
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in "".join(t.text for t in footer.paragraphs[0]._p.iter(qn("w:instrText")))
        assert xml.count('w:fldCharType="begin"') == 1 and xml.count('w:fldCharType="end"') == 1
        assert footer.paragraphs[0].text == "— 1 —"


def test_the_workbook_prints_with_title_header_on_every_page_and_its_lagging_sheet(
    data: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "table.xlsx"
    write_xlsx(data, path)
    book = load_workbook(path)
    assert book.sheetnames == ["推进情况表", "滞后项目情况表", "未完成项目进度表"]
    main = book["推进情况表"]
    assert main["A1"].value == "长宁区2020年区政府实事项目推进情况表（1-9月）"
    assert main["A2"].value.startswith("截至2020年9月30日")
    assert [c.value for c in main[3]][:4] == ["主要任务", "层级", "序号", "全年目标任务"]
    assert "A1:K1" in {str(r) for r in main.merged_cells.ranges}
    assert "A4:A5" in {str(r) for r in main.merged_cells.ranges}  # 住房保障 over items 1 and 2
    for sheet in book:
        assert sheet.freeze_panes == "A4" and sheet.print_title_rows == "$3:$3"
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == (
            "landscape",
            9,
            1,
            0,
        )
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    lagging = [row for row in book["滞后项目情况表"].iter_rows(min_row=4, values_only=True)]
    assert lagging and lagging[0][0].startswith("第1项") and len(lagging) == len(data["lagging"])
    header = [c.value for c in book["滞后项目情况表"][3]]
    assert header[3] == "灯色" and all(row[3].endswith(("灯", "）")) for row in lagging)  # 红灯（挂牌督办）


def test_a_numeric_table_prints_one_line_per_target_with_the_item_merged_over_them(
    data: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "numeric.xlsx"
    write_xlsx({**data, "style": {"family": "B"}}, path)
    sheet = load_workbook(path)["推进情况表"]
    header = [c.value for c in sheet[3]]
    assert header[2:] == [
        "序号",
        "项目名称",
        "考核指标",
        "单位",
        "责任单位",
        "目标任务",
        "1-9月实际完成",
        "完成率",
        "备注",
    ]
    targets = sum(len(r["targets"]) for r in data["tables"]["rows"])
    assert sheet.max_row == 3 + targets
    merged = {str(r) for r in sheet.merged_cells.ranges}
    first_of_8 = next(
        i for i, row in enumerate(sheet.iter_rows(min_row=4, values_only=True), start=4) if row[2] == 8
    )
    assert f"C{first_of_8}:C{first_of_8 + 1}" in merged  # 序号 8 over its two targets
    rate_cell = sheet.cell(first_of_8, 10)
    assert rate_cell.value == 1.2 and rate_cell.number_format == "0%"


def test_the_previous_periods_words_are_those_it_was_published_with(
    db: Database, data: dict[str, Any], tmp_path: Path
) -> None:
    publish(db, None, "2020-08", "区府办", None, False, TODAY, tmp_path / "published")
    with UnitOfWork(db) as uow:  # a correction of August, filed after August was published
        record_progress(
            uow, ProgressInput("1", "区房管局", date(2020, 8, 31), note="八月份已完成招标"), TODAY
        )
    with db.read() as session:
        september = gather_report(session, None, "2020-09")
        october = gather_report(session, None, "2020-10")
    assert september["tables"]["rows"][0]["last_text"] == AUGUST + "。"
    with UnitOfWork(db) as uow:
        record_progress(uow, ProgressInput("1", "区房管局", date(2020, 9, 30), note="九月份开工"), TODAY)
    with db.read() as session:
        assert gather_report(session, None, "2020-10")["tables"]["rows"][0]["last_text"] == "九月份开工。"
    assert october["tables"]["rows"][0]["last_text"] != AUGUST + "。"  # September was never published


def _in(data: dict[str, Any], family: str, **style: Any) -> dict[str, Any]:
    return {**data, "style": {**data["style"], "family": family, **style}}


def test_the_word_file_carries_the_familys_table_after_the_narrative(
    data: dict[str, Any], tmp_path: Path
) -> None:
    for family in ("A", "B", "D"):
        shown = _in(data, family)
        path = tmp_path / f"report-{family}.docx"
        write_docx(shown, path)
        document = Document(str(path))
        assert len(document.tables) == 1, family
        table = document.tables[0]
        body = list(document.element.body)
        narrative = [p._p for p in document.paragraphs if p.style.name in ("公文正文", "公文落款")]
        assert narrative and body.index(table._tbl) > max(body.index(p) for p in narrative)  # after it
        assert [c.text for c in table.rows[0].cells] == [c.header for c in columns(shown)], family
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on each page
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {b.tag.split("}")[1] for b in borders} >= {"top", "bottom", "insideH", "insideV"}
        style = table.rows[1].cells[1].paragraphs[0].style
        assert style.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋" and style.font.size < Pt(16)
        landscape = document.sections[-1]
        assert landscape.page_width > landscape.page_height and len(document.sections) == 2
    numeric = Document(str(tmp_path / "report-B.docx")).tables[0]
    targets = sum(len(r["targets"]) for r in data["tables"]["rows"])
    assert len(numeric.rows) == 1 + targets
    merged = numeric._tbl.xpath(".//w:vMerge[@w:val='restart']")
    assert merged  # an item's cells over its target lines


def test_the_snapshot_table_prints_the_share_with_its_status_and_marks_the_lead(
    data: dict[str, Any], tmp_path: Path
) -> None:
    shown = _in(data, "D")
    headers, body = table_cells(shown)
    assert headers[2:] == ["序号", "项目内容", "进展情况", "当前进度", "牵头单位", "备注"]
    rows = {r["number"]: r for r in data["tables"]["rows"]}
    assert rows[2]["units_marked"] == "区民政局（牵头）、区卫健委（牵头）、各街镇"
    first = rows[1]
    assert first["progress_note"] == f"{rate(first['this'])}%（{first['status']}）"
    assert any(c["text"] == first["progress_note"] for c in body[0])
    only = _in(data, "D", unfinished_only=True)
    path = tmp_path / "snapshot.xlsx"
    write_xlsx(only, path)
    sheet = load_workbook(path)["推进情况表"]
    numbers = [row[2] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert numbers == [r["number"] for r in data["tables"]["unfinished_rows"]] and len(numbers) < len(rows)
    assert "当前进度" in render_html(only, data["expected"])


def test_the_month_columns_print_each_periods_words_side_by_side(
    data: dict[str, Any], tmp_path: Path
) -> None:
    shown = _in(data, "E")
    assert [h["title"] for h in data["tables"]["history"]] == ["8月", "9月"]
    headers, _body = table_cells(shown)
    assert headers[-3:] == ["进展情况（8月）", "进展情况（9月）", "备注"]
    first = data["tables"]["rows"][0]
    assert (
        first["by_period"]["2020-08"] == AUGUST + "。" and first["by_period"]["2020-09"] == first["this_text"]
    )
    path = tmp_path / "months.xlsx"
    write_xlsx(shown, path)
    sheet = load_workbook(path)["推进情况表"]
    assert [c.value for c in sheet[3]][-3:] == headers[-3:]
    assert next(sheet.iter_rows(min_row=4, values_only=True))[-3] == AUGUST + "。"
    assert "进展情况（8月）" in render_html(shown, data["expected"])


def test_each_periods_column_shows_its_words_as_they_stood_at_its_end_and_nothing_later(
    db: Database, data: dict[str, Any], tmp_path: Path
) -> None:
    publish(db, None, "2020-08", "区府办", None, False, TODAY, tmp_path / "published")
    later = ("八月份已完成招标", "十月份主体完工")
    filed = [(date(2020, 9, 30), "九月份开工"), (date(2020, 8, 31), later[0]), (date(2020, 10, 15), later[1])]
    for day, note in filed:  # September's words, then a correction of published August, then October's
        with UnitOfWork(db) as uow:
            record_progress(uow, ProgressInput("1", "区房管局", day, note=note), TODAY)
    with db.read() as session:
        september = gather_report(session, None, "2020-09")
    first = september["tables"]["rows"][0]
    assert (first["last_text"], first["this_text"]) == (AUGUST + "。", "九月份开工。")
    assert first["by_period"] == {"2020-08": AUGUST + "。", "2020-09": "九月份开工。"}
    for family in ("A", "E"):
        shown = _in(september, family)
        _headers, body = table_cells(shown)
        printed = " ".join(c["text"] for c in body[0]) + render_html(shown, september["expected"])
        assert AUGUST in printed and "九月份开工" in printed, family
        assert not any(words in printed for words in later), family


def test_a_snapshot_programmes_published_day_freezes_its_months_words_up_to_that_day(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "snapshot.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "  year: 2020\n", "  year: 2020\n  periods: snapshot\n", 1
    )
    path.write_text(text, encoding="utf-8")
    with UnitOfWork(db) as uow:
        load_programme(uow, read_programme_file(path, TODAY), "测试", TODAY)
    filed = [(date(2020, 8, 31), AUGUST), (date(2020, 9, 10), "九月上旬完成招标")]
    for day, note in filed:
        with UnitOfWork(db) as uow:
            record_progress(uow, ProgressInput("1", "区房管局", day, note=note), TODAY)
    publish(db, None, "2020-09-15", "区府办", None, False, TODAY, tmp_path / "published")
    later = [(date(2020, 9, 12), "九月上旬的更正"), (date(2020, 9, 20), "九月下旬主体开工")]
    for day, note in later:  # a correction dated inside the published day, then words after it
        with UnitOfWork(db) as uow:
            record_progress(uow, ProgressInput("1", "区房管局", day, note=note), TODAY)
    with db.read() as session:
        october = gather_report(session, None, "2020-10-31")
    september = october["tables"]["rows"][0]["by_period"]["2020-09"]
    assert "九月下旬主体开工" in september  # dated after the published day: September's words go on
    assert "九月上旬的更正" not in september  # dated inside it, recorded after it: as published


def test_the_filing_periods_of_the_year_run_up_to_the_reports() -> None:
    assert filing_periods("cumulative", date(2020, 3, 31)) == ["2020-01", "2020-02", "2020-03"]
    assert filing_periods("quarter", date(2020, 9, 30)) == ["2020-Q1", "2020-Q2", "2020-Q3"]
    assert filing_periods("snapshot", date(2020, 2, 15)) == ["2020-01", "2020-02"]
