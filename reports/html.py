"""The HTML report: narrative, table with progress bars, one embedded chart, and the lagging list."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from reports.chart import data_uri, progress_chart_png
from reports.narrative import blocks, pct


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the report templates (HTML autoescaped)."""
    return Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(("html",)))


def render_html(data: dict[str, Any], expected: float | None) -> str:
    """A self-contained HTML page (the chart is a data: URI)."""
    chart = data_uri(progress_chart_png(data["table"], expected))
    template = environment().get_template("report.html")
    return template.render(data=data, blocks=blocks(data), chart=chart, expected=expected, pct=pct)
