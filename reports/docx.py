"""The narrative report as a Word document, with Chinese fonts set for East Asian text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.narrative import blocks

BODY_FONT = "仿宋"
TITLE_FONT = "黑体"


def _font(run_or_style: Any, name: str, size: float) -> None:
    run_or_style.font.name = name
    run_or_style.font.size = Pt(size)
    r_pr = run_or_style.element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def write_docx(data: dict[str, Any], path: Path) -> None:
    """Write the narrative: a centred title, item headings, paragraphs, the issuer and date."""
    document = Document()
    _font(document.styles["Normal"], BODY_FONT, 14)
    for block in blocks(data):
        if not block.text:
            continue
        paragraph = document.add_paragraph()
        run = paragraph.add_run(block.text)
        if block.kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(run, TITLE_FONT, 18)
            run.bold = True
        elif block.kind == "heading":
            _font(run, TITLE_FONT, 14)
            run.bold = True
        elif block.kind == "closing":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(str(path))
