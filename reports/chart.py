"""One chart: each item's progress beside the time-proportional line, as inline SVG whose labels are Chinese
text the browser draws (no font needed where the report is built)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

MAX_BARS = 60
WIDTH, HEIGHT = 800, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 44  # plot margins
TOP_VALUE = 125  # per cent at the top of the axis
GREEN, RED, BLUE = "#2e7d32", "#c62828", "#1565c0"


def _y(value: float) -> float:
    plot = HEIGHT - TOP - BOTTOM
    return round(TOP + plot * (1 - min(value, TOP_VALUE) / TOP_VALUE), 1)


def _axes(count: int) -> list[str]:
    parts = []
    for tick in range(0, TOP_VALUE + 1, 25):
        y = _y(tick)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="#ddd"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end">{tick}%</text>')
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 6}" text-anchor="middle">项目序号（共{count}项）</text>'
    )
    parts.append(
        f'<text x="14" y="{(TOP + HEIGHT - BOTTOM) / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {(TOP + HEIGHT - BOTTOM) / 2})">本期完成进度</text>'
    )
    return parts


def _bars(rows: list[dict[str, Any]]) -> list[str]:
    plot = WIDTH - LEFT - RIGHT
    step = plot / max(len(rows), 1)
    parts = []
    for index, r in enumerate(rows):
        value = (r["this"] or 0) * 100
        x = round(LEFT + index * step + step * 0.15, 1)
        y = _y(value)
        colour = GREEN if r["on_schedule"] == "是" else RED
        label = escape(f"第{r['number']}项：{value:.0f}%，{'达序' if r['on_schedule'] == '是' else '未达序'}")
        parts.append(
            f'<rect x="{x}" y="{y}" width="{round(step * 0.7, 1)}" height="{round(_y(0) - y, 1)}" '
            f'fill="{colour}"><title>{label}</title></rect>'
        )
        parts.append(
            f'<text x="{round(x + step * 0.35, 1)}" y="{_y(0) + 14}" text-anchor="middle">{r["number"]}</text>'
        )
    return parts


def _profile(rows: list[dict[str, Any]]) -> list[str]:
    """Many items: one filled profile instead of a thousand bars, first and last numbers on the axis."""
    plot = WIDTH - LEFT - RIGHT
    step = plot / len(rows)
    points = [f"{LEFT},{_y(0)}"]
    for index, r in enumerate(rows):
        y = _y((r["this"] or 0) * 100)
        points += [f"{round(LEFT + index * step, 1)},{y}", f"{round(LEFT + (index + 1) * step, 1)},{y}"]
    points.append(f"{WIDTH - RIGHT},{_y(0)}")
    first, last = rows[0]["number"], rows[-1]["number"]
    return [
        f'<polygon points="{" ".join(points)}" fill="{GREEN}" fill-opacity="0.7"/>',
        f'<text x="{LEFT}" y="{_y(0) + 14}">{first}</text>',
        f'<text x="{WIDTH - RIGHT}" y="{_y(0) + 14}" text-anchor="end">{last}</text>',
    ]


def progress_chart_svg(rows: list[dict[str, Any]], expected: float | None) -> Markup:
    """Bars of item progress (the axis tops at 125%) with the expected share as a dashed line, as inline SVG."""
    parts = _axes(len(rows))
    if rows:
        parts += _bars(rows) if len(rows) <= MAX_BARS else _profile(rows)
    if expected is not None:
        y = _y(expected * 100)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="{BLUE}" '
            f'stroke-dasharray="6 4" stroke-width="1.5"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{y - 4}" text-anchor="end" fill="{BLUE}">序时进度{expected * 100:.0f}%</text>'
        )
    return Markup(
        f'<svg id="progress-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="各项目完成进度与序时进度对比图" font-size="12">'
        + "".join(parts)
        + "</svg>"
    )
