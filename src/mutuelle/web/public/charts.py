"""Server-side SVG bar charts: geometry computed here, drawn by ``public/_chart.html``.

Each bar is a row (its label above it, its value after it), so the chart stays readable on a
phone (the SVG scales with the width of the page). The SVG has a title and a description that
say every value; the page also shows the same figures in a table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mutuelle.money import format_euros

WIDTH = 400
BAR_AREA = 230
ROW = 46
TOP = 4


@dataclass(frozen=True)
class Segment:
    value: int  # cents
    kind: str  # css class: "premium", "rest"…
    label: str  # what it is, for the description


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    value_text: str
    highlight: bool = False
    note: str = ""


def bar_chart(
    title: str,
    bars: list[Bar],
    legend: list[tuple[str, str]],
    chart_id: str,
    best_label: str = "la moins chère",
) -> dict[str, Any]:
    top = max((sum(s.value for s in b.segments) for b in bars), default=0) or 1
    rows = []
    for i, b in enumerate(bars):
        y = TOP + i * ROW
        x = 0.0
        rects = []
        for s in b.segments:
            w = BAR_AREA * s.value / top
            rects.append({"x": round(x, 1), "w": round(w, 1), "kind": s.kind})
            x += w
        rows.append(
            {
                "label": b.label + (" ★" if b.highlight else ""),
                "label_y": y + 14,
                "bar_y": y + 20,
                "rects": rects,
                "value_x": round(x + 6, 1),
                "value_y": y + 34,
                "value_text": b.value_text,
                "highlight": b.highlight,
            }
        )
    desc = "; ".join(
        f"{b.label} : {b.value_text}"
        + (
            " (" + ", ".join(f"{s.label} {format_euros(s.value)}" for s in b.segments) + ")"
            if len(b.segments) > 1
            else ""
        )
        + (f" — {best_label}" if b.highlight else "")
        for b in bars
    )
    return {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "width": WIDTH,
        "height": TOP + ROW * len(bars) + 4,
        "rows": rows,
        "legend": legend,
        "best_label": best_label,
    }
