"""Server-side SVG bar charts (no JavaScript): the geometry and the SVG, in plain Python.

Each bar is a row (its label above it, its value after it), so the chart stays readable on a
phone (the SVG scales with the width of the page). The SVG has a title and a description that
say every value; pages also show the same figures in a table. Used by the public site
(``web/public``: prices, needs-based advice) and the steering committee's report (counts, with
suppressed figures drawn as no bar and the secret mark). Colours are presentation attributes,
so a standalone SVG (a PDF, a spreadsheet) has them, and a page's CSS classes override them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from mutuelle.money import format_euros

WIDTH = 400
BAR_AREA = 230
ROW = 46
TOP = 4

# Fallback colours of the bar kinds (the public site's CSS sets its own).
COLORS: Mapping[str, str] = {
    "premium": "#1f5fa8",
    "rest": "#c77c02",
    "count": "#1f5fa8",
    "behind": "#b3261e",
    "met": "#2e7d32",
    "none": "#7a7a7a",
}


@dataclass(frozen=True)
class Segment:
    value: int  # cents for the public charts, a count for the committee's
    kind: str  # css class: "premium", "rest", "count"…
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
    fmt: Callable[[int], str] = format_euros,
) -> dict[str, Any]:
    """The chart as a dict (geometry for a template, and ``svg``, the rendered SVG)."""
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
            " (" + ", ".join(f"{s.label} {fmt(s.value)}" for s in b.segments) + ")"
            if len(b.segments) > 1
            else ""
        )
        + (f" — {best_label}" if b.highlight else "")
        for b in bars
    )
    # Long labels (the committee's categories) widen the drawing rather than being cut.
    longest = max((len(b.label) + 2 for b in bars), default=0)
    chart: dict[str, Any] = {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "width": max(WIDTH, round(longest * 7.5) + 10),
        "height": TOP + ROW * len(bars) + 4,
        "rows": rows,
        "legend": legend,
        "best_label": best_label,
    }
    chart["svg"] = render_svg(chart)
    return chart


def render_svg(chart: Mapping[str, Any]) -> str:
    """The SVG of :func:`bar_chart`'s geometry (escaped text, dot decimals)."""
    cid = escape(str(chart["id"]), quote=True)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {chart["width"]} '
        f'{chart["height"]}" width="100%" preserveAspectRatio="xMinYMin meet" focusable="false" '
        'font-family="sans-serif">',
        f'<title id="{cid}-title">{escape(str(chart["title"]))}</title>',
        f'<desc id="{cid}-desc">{escape(str(chart["desc"]))}</desc>',
    ]
    for r in chart["rows"]:
        best = " is-best" if r["highlight"] else ""
        out.append(
            f'<text x="0" y="{r["label_y"]}" class="chart-label{best}" font-size="13" '
            f'font-weight="700">{escape(str(r["label"]))}</text>'
        )
        for rect in r["rects"]:
            kind = escape(str(rect["kind"]), quote=True)
            fill = COLORS.get(str(rect["kind"]), COLORS["count"])
            out.append(
                f'<rect x="{rect["x"]}" y="{r["bar_y"]}" width="{rect["w"]}" height="18" '
                f'class="bar-{kind}{best}" fill="{fill}"></rect>'
            )
        out.append(
            f'<text x="{r["value_x"]}" y="{r["value_y"]}" class="chart-value" '
            f'font-size="13">{escape(str(r["value_text"]))}</text>'
        )
    out.append("</svg>")
    return "".join(out)
