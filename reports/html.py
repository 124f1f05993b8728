"""The HTML report: narrative, the family's table with progress bars, an inline chart, the exception tables."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from reports.chart import progress_chart_svg
from reports.columns import columns, lines, spans, text
from reports.narrative import blocks, light_words, pct


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the report templates (HTML autoescaped)."""
    return Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(("html",)))


def table_cells(data: dict[str, Any]) -> tuple[list[str], list[list[dict[str, Any]]]]:
    """The family table's headers and, per printed line, its cells (text, rowspan, class); merged cells left out."""
    cols = columns(data)
    printed = lines(data)
    merged = [spans(data, c, printed) if c.per_item or c.header == "主要任务" else None for c in cols]
    body = []
    for index, (row, line, _count) in enumerate(printed):
        cells = []
        for column, span in zip(cols, merged, strict=True):
            rowspan = 1 if span is None else span[index]
            if rowspan == 0:
                continue
            value = text(column, row, line)
            css = (
                ("yes" if value == "是" else "no") if column.verdict else ("wrap" if column.wrap else "short")
            )
            cells.append({"text": value, "rowspan": rowspan, "class": css})
        body.append(cells)
    return [c.header for c in cols], body


def render_html(data: dict[str, Any], expected: float | None) -> str:
    """A self-contained HTML page (the chart is inline SVG)."""
    headers, body = table_cells(data)
    template = environment().get_template("report.html")
    return template.render(
        data=data,
        blocks=blocks(data),
        chart=progress_chart_svg(data["table"], expected),
        expected=expected,
        pct=pct,
        light_words=light_words,
        headers=headers,
        body=body,
    )
