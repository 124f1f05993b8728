"""The schedule table as an Excel workbook: styled header, set widths, 是否达序 coloured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

HEADER = ("序号", "目标任务", "分管领导", "牵头单位", "配合单位", "上期进度", "本期进度", "是否达序", "说明")
WIDTHS = (6, 50, 12, 20, 20, 10, 10, 10, 40)
YES = PatternFill("solid", fgColor="C8E6C9")
NO = PatternFill("solid", fgColor="FFCDD2")


def write_xlsx(data: dict[str, Any], path: Path) -> None:
    """One row per item, progress as percentages."""
    book = Workbook()
    sheet = book.active
    sheet.title = "序时进度"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for r in data["table"]:
        sheet.append(
            [
                r["number"],
                r["title"],
                r["leader"],
                r["lead"],
                r["cooperating"],
                r["last"],
                r["this"],
                r["on_schedule"],
                r["remark"],
            ]
        )
        row = sheet.max_row
        for col in (6, 7):
            sheet.cell(row, col).number_format = "0%"
        sheet.cell(row, 8).fill = YES if r["on_schedule"] == "是" else NO
        for col in (2, 9):
            sheet.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.freeze_panes = "A2"
    book.save(str(path))
