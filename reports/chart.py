"""One chart: each item's progress beside the time-proportional line, as an embeddable PNG."""

from __future__ import annotations

import base64
import io
from typing import Any


def progress_chart_png(rows: list[dict[str, Any]], expected: float | None) -> bytes:
    """Bars of item progress (capped at 120%) with the expected share as a horizontal line."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    numbers = [str(r["number"]) for r in rows]
    values = [min((r["this"] or 0) * 100, 120) for r in rows]
    colours = ["#2e7d32" if r["on_schedule"] == "是" else "#c62828" for r in rows]
    fig, ax = plt.subplots(figsize=(8, 3.2), dpi=110)
    ax.bar(numbers, values, color=colours)
    if expected is not None:
        ax.axhline(expected * 100, color="#1565c0", linestyle="--", linewidth=1.5)
    ax.set_ylim(0, 125)
    ax.set_ylabel("%")
    ax.set_xlabel("item")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    """The PNG as a data: URI for an <img> in a self-contained HTML file."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
