"""Inline SVG charts for documents (a committee report's bars), drawn here as plain strings.

Horizontal bars, one per row, the label on the left and the value written after the bar, so the
figure reads without colours; the figure's ``alt`` text repeats every value in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from mutuelle.documents.model import Figure

_WIDTH = 480
_LABEL = 150
_BARS = 240
_ROW = 22


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int  # any unit (cents, counts…); drawn to scale, never negative
    text: str  # the value as printed (« 1 234,56 € », « 42 % »)


def bar_chart(title: str, bars: Sequence[Bar], caption: str = "") -> Figure:
    if any(b.value < 0 for b in bars):
        raise ValueError("un diagramme en barres ne montre pas de valeur négative")
    top = max((b.value for b in bars), default=0) or 1
    height = _ROW * len(bars) + 8
    rows = []
    for i, b in enumerate(bars):
        y = 4 + i * _ROW
        w = round(_BARS * b.value / top, 1)
        rows.append(
            f'<text x="{_LABEL - 6}" y="{y + 14}" text-anchor="end" font-size="10">'
            f"{escape(b.label)}</text>"
            f'<rect x="{_LABEL}" y="{y + 3}" width="{w}" height="14" fill="#0b5c55"/>'
            f'<text x="{_LABEL + w + 4}" y="{y + 14}" font-size="10">{escape(b.text)}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="{_WIDTH}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<g font-family="DejaVu Sans, Arial, sans-serif" fill="#1b1b1b">{"".join(rows)}</g>'
        "</svg>"
    )
    alt = f"{title} : " + "; ".join(f"{b.label} {b.text}" for b in bars) + "."
    return Figure(svg=svg, caption=caption or title, alt=alt)
