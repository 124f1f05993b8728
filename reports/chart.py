"""One chart: each item's progress beside the time-proportional line, as an embeddable PNG."""

from __future__ import annotations

import base64
import io
from typing import Any

MAX_BARS = 60
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei", "Microsoft YaHei")


def _cjk_font() -> str | None:
    """The first installed font that draws Chinese, if any."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def progress_chart_png(rows: list[dict[str, Any]], expected: float | None) -> bytes:
    """Bars of item progress (capped at 120%) with the expected share as a horizontal line."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    numbers = [r["number"] for r in rows]
    values = [min((r["this"] or 0) * 100, 120) for r in rows]
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=110)
    if len(rows) <= MAX_BARS:
        colours = ["#2e7d32" if r["on_schedule"] == "是" else "#c62828" for r in rows]
        ax.bar([str(n) for n in numbers], values, color=colours)
    else:  # many items: one filled profile instead of a thousand bars
        ax.fill_between(numbers, values, step="mid", color="#2e7d32", alpha=0.7, linewidth=0)
        ax.set_xlim(numbers[0], numbers[-1])
    if expected is not None:
        ax.axhline(expected * 100, color="#1565c0", linestyle="--", linewidth=1.5)
    ax.set_ylim(0, 125)
    ax.set_ylabel("%")
    font = _cjk_font()
    if font is not None:  # without a Chinese font the axis stays unlabelled: the report's caption names it
        ax.set_xlabel("项目序号", fontfamily=font)
    ax.grid(axis="y", alpha=0.3)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.95, bottom=0.16)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    """The PNG as a data: URI for an <img> in a self-contained HTML file."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
