"""The tables as an Excel workbook an office can print: title and as-of rows, frozen header, landscape A4 fitted
to the width with the header on every page, merged item and category cells, and the exception-only sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from reports.columns import Column, Line, Row, cell, columns, lines, spans
from reports.narrative import light_words

YES = PatternFill("solid", fgColor="C8E6C9")
NO = PatternFill("solid", fgColor="FFCDD2")
HEAD = PatternFill("solid", fgColor="1F4E79")
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_ROW = 3


def as_of_text(data: dict[str, Any]) -> str:
    """截至2020年9月30日, with the issuer when the programme names one."""
    year, month, day = (int(part) for part in data["as_of"].split("-"))
    issuer = data["programme"].get("issuer") or ""
    return f"截至{year}年{month}月{day}日" + (f"    {issuer}" if issuer else "")


def write_xlsx(data: dict[str, Any], path: Path) -> None:
    """The family's table, then 滞后项目情况表 and 未完成项目进度表, each a printable sheet."""
    book = Workbook()
    tables = data["tables"]
    name = data["programme"]["name"]
    main = book.active
    main.title = "推进情况表"
    _table(main, f"{name}推进情况表（{tables['this_period']}）", data, columns(data), lines(data), True)
    _table(
        book.create_sheet("滞后项目情况表"),
        f"{name}滞后项目情况表（{tables['this_period']}）",
        data,
        LAGGING,
        [(lag, None, 1) for lag in data["lagging"]],
    )
    _table(
        book.create_sheet("未完成项目进度表"),
        f"{name}未完成项目进度表（{tables['this_period']}）",
        data,
        UNFINISHED,
        [(row, None, 1) for row in tables["unfinished_rows"]],
    )
    book.save(str(path))


def _lag_what(lag: Row, _line: Line | None) -> str:
    what = f"第{lag['ref']}项" if lag["scope"] == "item" else f"子项目{lag['ref']}"
    return f"{what} {lag['title']}"


LAGGING = [
    Column("事项", _lag_what, 40, wrap=True),
    Column("牵头单位", lambda r, _: r["lead"], 16, wrap=True),
    Column("状态", lambda r, _: r["status"], 10),
    Column("灯色", lambda r, _: light_words(r.get("light")), 10),
    Column("滞后起始", lambda r, _: r["since"], 12),
    Column("原因", lambda r, _: r["reason"], 44, wrap=True),
]
UNFINISHED = [
    Column("序号", lambda r, _: r["number"], 6),
    Column("项目内容", lambda r, _: r["annual_target"], 36, wrap=True),
    Column("牵头单位", lambda r, _: r["lead"], 16, wrap=True),
    Column("当前进度", lambda r, _: _percent(r["this"]), 10, percent=True),
    Column("进展情况", lambda r, _: r["this_text"], 48, wrap=True),
    Column("状态", lambda r, _: r["status"], 10),
]


def _percent(value: float | None) -> int | None:
    return None if value is None else round(value * 100)


def _table(
    sheet: Worksheet,
    title: str,
    data: dict[str, Any],
    cols: list[Column],
    printed: list[Any],
    merge: bool = False,
) -> None:
    """Title, as-of row, header and body on one sheet, with its print setup."""
    width = len(cols)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(1, 1).font = Font(name="黑体", size=16, bold=True)
    sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    sheet.append([as_of_text(data)])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.cell(2, 1).alignment = Alignment(horizontal="right")
    sheet.append([c.header for c in cols])
    for index, column in enumerate(cols, start=1):
        head = sheet.cell(HEADER_ROW, index)
        head.font, head.fill, head.alignment, head.border = (
            Font(bold=True, color="FFFFFF"),
            HEAD,
            CENTRE,
            GRID,
        )
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    _body(sheet, cols, printed)
    if merge:
        _merge(sheet, data, cols, printed)
    _print_setup(sheet)


def _styles(sheet: Worksheet, cols: list[Column]) -> dict[tuple[int, str], StyleArray]:
    """Per column (and 是/否 for the verdict), its finished cell style, registered once in the workbook."""
    styles: dict[tuple[int, str], StyleArray] = {}
    for index, column in enumerate(cols):
        for variant in ("是", "否") if column.verdict else ("",):
            proto = Cell(sheet)  # never placed: it only registers the style
            proto.border = GRID
            proto.alignment = WRAP if column.wrap else CENTRE
            if column.percent:
                proto.number_format = "0%"
            if column.verdict:
                proto.fill = YES if variant == "是" else NO
            styles[(index, variant)] = proto._style
    return styles


def _body(sheet: Worksheet, cols: list[Column], printed: list[Any]) -> None:
    """The body rows as ready-styled cells (openpyxl hashes every style it is given one by one: a copy of a
    finished style keeps a thousand-item table fast)."""
    styles = _styles(sheet, cols)
    for row, line, _count in printed:
        cells = []
        for index, column in enumerate(cols):
            value = cell(column, row, line)
            if column.percent and value != "":
                value = value / 100
            variant = ("是" if value == "是" else "否") if column.verdict else ""
            cells.append(Cell(sheet, value=value, style_array=StyleArray(styles[(index, variant)])))
        sheet.append(cells)


def _merge(sheet: Worksheet, data: dict[str, Any], cols: list[Column], printed: list[Any]) -> None:
    """Merge an item's cells over its target lines and a category over its items."""
    if len(printed) < 2:
        return
    for index, column in enumerate(cols, start=1):
        if not (column.per_item or column.header == "主要任务"):
            continue
        for offset, span in enumerate(spans(data, column, printed)):
            if span > 1:
                first = HEADER_ROW + 1 + offset
                sheet.merge_cells(
                    start_row=first, start_column=index, end_row=first + span - 1, end_column=index
                )


def _print_setup(sheet: Worksheet) -> None:
    """Landscape A4 fitted to one page wide, the header row on every page, page numbers in the footer."""
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "第&P页，共&N页"
