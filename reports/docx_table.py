"""The family's table in the Word file, after the narrative: a landscape A4 section with the table's title,
仿宋 五号 cells with borders, the header row repeated on every page and an item's cells merged over its lines."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Mm, Pt

from reports.columns import Column, columns, lines, spans, text

TABLE_FONT = "仿宋"
TABLE_HEAD_FONT = "黑体"
TABLE_SIZE = 10.5  # 五号: smaller than the body's 三号
TEXT_WIDTH = 16838 - 2 * 1400  # twips across a landscape A4 page (297 mm) inside its 24.7 mm margins
BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'


def append_table(document: Any, data: dict[str, Any], title: str, font: Any) -> None:
    """A landscape section after the narrative holding the table's title and the family's table."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(24.7)
    style = _cell_style(document, font)
    cols = columns(data)
    heading = (
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/><w:jc w:val="center"/></w:pPr>'
        f'<w:r><w:rPr><w:rFonts w:eastAsia="{TABLE_HEAD_FONT}" w:ascii="{TABLE_HEAD_FONT}"/><w:sz w:val="32"/>'
        f'</w:rPr><w:t xml:space="preserve">{escape(title)}</w:t></w:r></w:p>'
    )
    body = document.element.body
    for xml in (heading, _table(data, cols, style), "<w:p></w:p>"):
        # each element declares its namespace itself: moving it into the document then costs nothing per node
        # (a fragment's namespace on a parent outside the moved element made a thousand-line table take 50 s)
        end = xml.index(">")
        body.insert(len(body) - 1, parse_xml(f"{xml[:end]} {nsdecls('w')}{xml[end:]}"))  # before the sectPr


def _cell_style(document: Any, font: Any) -> str:
    """The paragraph style of a cell: 仿宋 五号, single spacing, no indent."""
    style = document.styles.add_style("公文表格", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    font(style, TABLE_FONT, TABLE_SIZE)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    return str(style.style_id)


def _table(data: dict[str, Any], cols: list[Column], style: str) -> str:
    """The table's XML in one string (parsed at once: fast for a thousand items)."""
    total = sum(c.width for c in cols)
    widths = [TEXT_WIDTH * c.width // total for c in cols]
    borders = "".join(BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
    head = "".join(_cell(c.header, w, style, True) for c, w in zip(cols, widths, strict=True))
    rows = [f"<w:tr><w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>{head}</w:tr>"]
    printed = lines(data)
    merged = [spans(data, c, printed) if c.per_item or c.header == "主要任务" else None for c in cols]
    for index, (row, line, _count) in enumerate(printed):
        cells = []
        for column, width, span in zip(cols, widths, merged, strict=True):
            rowspan = 1 if span is None else span[index]
            merge = "" if rowspan == 1 else ("restart" if rowspan > 1 else "continue")
            words = "" if rowspan == 0 else text(column, row, line)
            cells.append(_cell(words, width, style, False, merge))
        rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def _cell(words: str, width: int, style: str, head: bool, merge: str = "") -> str:
    v_merge = {"": "", "restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}[merge]
    bold = f'<w:rPr><w:rFonts w:eastAsia="{TABLE_HEAD_FONT}" w:ascii="{TABLE_HEAD_FONT}"/><w:b/></w:rPr>'
    run = f'<w:r>{bold if head else ""}<w:t xml:space="preserve">{escape(words)}</w:t></w:r>' if words else ""
    centre = '<w:jc w:val="center"/>' if head else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{v_merge}<w:vAlign w:val="center"/></w:tcPr>'
        f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{centre}</w:pPr>{run}</w:p></w:tc>'
    )
