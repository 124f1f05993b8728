"""The narrative report and the family's table (reports.docx_table) as a Word document in 公文 layout (roughly GB/T 9704): A4 with its margins, a 小标宋
title, 黑体/楷体 headings, 仿宋 三号 body indented two characters, page numbers "— 1 —" in the footer."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from reports.docx_table import append_table
from reports.narrative import blocks

BODY_FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体"
PAGE_FONT = "宋体"
# fonts an office may lack, and the one Word should use instead (fontTable altName)
FALLBACKS = {TITLE_FONT: "华文中宋", BODY_FONT: "仿宋_GB2312", SUBHEADING_FONT: "楷体_GB2312"}
BODY_SIZE = 16  # 三号
TITLE_SIZE = 22  # 二号
LINE = Pt(28)  # fixed line pitch: 22 lines to the page
STYLES = {  # block kind → style name, font, size, alignment, first-line indent
    "title": ("公文标题", TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER, False),
    "heading": ("公文一级标题", HEADING_FONT, BODY_SIZE, None, True),
    "subheading": ("公文二级标题", SUBHEADING_FONT, BODY_SIZE, None, True),
    "para": ("公文正文", BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.JUSTIFY, True),
    "closing": ("公文落款", BODY_FONT, BODY_SIZE, WD_ALIGN_PARAGRAPH.RIGHT, False),
}


def _font(run_or_style: Any, name: str, size: float) -> None:
    run_or_style.font.name = name
    run_or_style.font.size = Pt(size)
    r_pr = run_or_style.element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def write_docx(data: dict[str, Any], path: Path) -> None:
    """Write the narrative (the title, item headings, indented paragraphs, the issuer and date, page numbers),
    then the family's table on landscape pages."""
    document = Document()
    _page(document)
    _font(document.styles["Normal"], BODY_FONT, BODY_SIZE)
    styles = {kind: _style(document, *spec).style_id for kind, spec in STYLES.items()}
    paragraphs = "".join(
        f'<w:p><w:pPr><w:pStyle w:val="{styles.get(b.kind, styles["para"])}"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{escape(b.text)}</w:t></w:r></w:p>'
        for b in blocks(data)
        if b.text
    )  # one style per kind and the paragraphs parsed at once: fast for a thousand items
    body = document.element.body
    for index, paragraph in enumerate(parse_xml(f"<w:body {nsdecls('w')}>{paragraphs}</w:body>")):
        body.insert(index, paragraph)
    _page_numbers(document)
    if data.get("tables"):
        title = f"{data['programme']['name']}推进情况表（{data['tables']['this_period']}）"
        append_table(document, data, title, _font)
    _fallbacks(document)
    document.save(str(path))


def _style(document: Any, name: str, font: str, size: float, alignment: Any, indent: bool) -> Any:
    """A paragraph style: its font, fixed line pitch, no spacing between paragraphs, two-character indent."""
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    _font(style, font, size)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE if size <= BODY_SIZE else Pt(size * 1.6)
    fmt.space_before = fmt.space_after = Pt(0)
    if alignment is not None:
        fmt.alignment = alignment
    if indent:
        fmt.first_line_indent = Pt(2 * size)
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")  # two characters whatever the font size
    return style


def _page(document: Any) -> None:
    """A4, margins top 37, bottom 35, left 28, right 26 mm; odd and even footers differ."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(25)
    document.settings.odd_and_even_pages_header_footer = True


def _page_numbers(document: Any) -> None:
    """ "— 1 —" as a PAGE field: odd pages on the right, even pages on the left, one character in."""
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        side = "right_indent" if alignment == WD_ALIGN_PARAGRAPH.RIGHT else "left_indent"
        setattr(paragraph.paragraph_format, side, Pt(14))
        _font(paragraph.add_run("— "), PAGE_FONT, 14)
        _field(paragraph, "PAGE")
        _font(paragraph.add_run(" —"), PAGE_FONT, 14)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field (begin, instruction, separate, shown value, end) in its own runs."""
    for kind, text in (
        ("begin", None),
        ("instr", f" {instruction} "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        _font(run, PAGE_FONT, 14)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        elif kind == "text":
            run.text = text
            continue
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._r.append(element)


def _fallbacks(document: Any) -> None:
    """Name in the font table the font Word should use where the office's font is not installed."""
    part = document.part.part_related_by(RT.FONT_TABLE)
    xml = part.blob.decode("utf-8")
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/></w:font>'
        for name, alt in FALLBACKS.items()
    )
    part._blob = xml.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")
