"""The committee's report as a plain data object: sections, tables, lists, checks and SVG charts.

Built by :mod:`mutuelle.reporting.indicators`; the web pages, the CSV and XLSX exports, the CLI
and (later) the PDF renderer of the documents app all read this one object. A table cell is
either a plain figure (a count of permanences, a date) or a reference to a protected figure
(:class:`Ref`), resolved against a :class:`~mutuelle.reporting.disclosure.Protection`: a
suppressed figure is the secret mark, never its value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mutuelle.charts import Bar, Segment, bar_chart
from mutuelle.money import format_euros
from mutuelle.reporting.disclosure import SECRET_MARK, SECRET_TEXT, Protection
from mutuelle.reporting.tables import Key


@dataclass(frozen=True, slots=True)
class Ref:
    key: Key


class Format(StrEnum):
    COUNT = "count"  # a count (people or things)
    CENTS = "cents"
    RATIO = "ratio"  # basis points
    TEXT = "text"


Value = Ref | int | str | None


@dataclass(frozen=True)
class DisplayTable:
    id: str
    title: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Value, ...]], ...]
    total: tuple[str, tuple[Value, ...]] | None = None
    formats: tuple[Format, ...] = ()
    note: str = ""
    source: str = ""
    chart: str = ""  # "rows": a bar chart of the last column, one bar per row


@dataclass(frozen=True)
class Section:
    id: str
    number: int | None
    title: str
    source: str
    tables: tuple[DisplayTable, ...] = ()
    lists: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (title, items)
    checks: tuple[Mapping[str, Any], ...] = ()  # outreach checks (id, commitment, done, state…)
    notes: tuple[str, ...] = ()
    unavailable: str = ""  # why the section has no figures yet


@dataclass(frozen=True)
class Draft:
    """A report before protection (the refs are not resolved yet)."""

    period_key: str
    period_label: str
    start: dt.date
    end: dt.date
    offer: str
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = ()


# --- resolved, as the committee reads it --------------------------------------------------


@dataclass(frozen=True, slots=True)
class CellOut:
    value: int | str | None
    text: str
    suppressed: bool = False

    @property
    def numeric(self) -> bool:
        """A figure (aligned right), not a text such as a date or a title."""
        return not isinstance(self.value, str)

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "text": self.text, "suppressed": self.suppressed}


def _text(value: int | str | None, fmt: Format) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    match fmt:
        case Format.CENTS:
            return format_euros(value)
        case Format.RATIO:
            units, rem = divmod(abs(value), 100)
            return f"{'-' if value < 0 else ''}{units},{rem:02d} %"
        case _:
            return f"{value:,}".replace(",", "\u202f")


def resolve(value: Value, fmt: Format, protection: Protection) -> CellOut:
    if isinstance(value, Ref):
        shown = protection.shown(value.key)
        if shown is None:
            return CellOut(None, SECRET_MARK, True)
        return CellOut(shown, _text(shown, fmt))
    return CellOut(value, _text(value, fmt))


@dataclass(frozen=True)
class TableOut:
    id: str
    title: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[CellOut, ...]], ...]
    total: tuple[str, tuple[CellOut, ...]] | None
    note: str
    source: str
    chart_svg: str = ""

    @property
    def suppressed(self) -> int:
        rows = list(self.rows) + ([self.total] if self.total else [])
        return sum(1 for _, cells in rows for c in cells if c.suppressed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "row_header": self.row_header,
            "columns": list(self.columns),
            "rows": [
                {"label": label, "cells": [c.as_dict() for c in cells]}
                for label, cells in self.rows
            ],
            "total": (
                {"label": self.total[0], "cells": [c.as_dict() for c in self.total[1]]}
                if self.total
                else None
            ),
            "note": self.note,
            "source": self.source,
            "chart_svg": self.chart_svg,
        }


@dataclass(frozen=True)
class SectionOut:
    id: str
    number: int | None
    title: str
    source: str
    tables: tuple[TableOut, ...]
    lists: tuple[tuple[str, tuple[str, ...]], ...]
    checks: tuple[Mapping[str, Any], ...]
    notes: tuple[str, ...]
    unavailable: str

    @property
    def behind(self) -> int:
        return sum(1 for c in self.checks if c.get("state") == "behind")

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "source": self.source,
            "tables": [t.as_dict() for t in self.tables],
            "lists": [{"title": t, "items": list(items)} for t, items in self.lists],
            "checks": [dict(c) for c in self.checks],
            "notes": list(self.notes),
            "unavailable": self.unavailable,
        }


@dataclass(frozen=True)
class Report:
    """What the steering committee receives for one period (every figure protected)."""

    title: str
    period_key: str
    period_label: str
    start: dt.date
    end: dt.date
    offer: str
    generated_on: dt.date
    sections: tuple[SectionOut, ...]
    notes: tuple[str, ...] = ()
    published_on: dt.date | None = None
    left: tuple[str, ...] = field(default_factory=tuple)  # what the report cannot show yet

    def section(self, id_: str) -> SectionOut:
        return next(s for s in self.sections if s.id == id_)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "period": {
                "key": self.period_key,
                "label": self.period_label,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
            },
            "offer": self.offer,
            "generated_on": self.generated_on.isoformat(),
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "secret": SECRET_TEXT,
            "sections": [s.as_dict() for s in self.sections],
            "notes": list(self.notes),
            "left": list(self.left),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Report:
        """The report as stored at publication (the committee's figures, frozen)."""

        def cells(items: Sequence[Mapping[str, Any]]) -> tuple[CellOut, ...]:
            return tuple(CellOut(c["value"], c["text"], c["suppressed"]) for c in items)

        sections = []
        for s in d["sections"]:
            tables = tuple(
                TableOut(
                    t["id"],
                    t["title"],
                    t["row_header"],
                    tuple(t["columns"]),
                    tuple((r["label"], cells(r["cells"])) for r in t["rows"]),
                    (t["total"]["label"], cells(t["total"]["cells"])) if t["total"] else None,
                    t["note"],
                    t["source"],
                    t.get("chart_svg", ""),
                )
                for t in s["tables"]
            )
            sections.append(
                SectionOut(
                    s["id"],
                    s["number"],
                    s["title"],
                    s["source"],
                    tables,
                    tuple((x["title"], tuple(x["items"])) for x in s["lists"]),
                    tuple(s["checks"]),
                    tuple(s["notes"]),
                    s["unavailable"],
                )
            )
        published = d.get("published_on")
        return cls(
            title=d["title"],
            period_key=d["period"]["key"],
            period_label=d["period"]["label"],
            start=dt.date.fromisoformat(d["period"]["start"]),
            end=dt.date.fromisoformat(d["period"]["end"]),
            offer=d["offer"],
            generated_on=dt.date.fromisoformat(d["generated_on"]),
            sections=tuple(sections),
            notes=tuple(d["notes"]),
            published_on=dt.date.fromisoformat(published) if published else None,
            left=tuple(d.get("left", ())),
        )


def _chart(t: DisplayTable, rows: tuple[tuple[str, tuple[CellOut, ...]], ...]) -> str:
    """A bar per row (its last column); none when fewer than two figures can be drawn."""
    shown = [c for _, cells in rows for c in cells[-1:] if not c.suppressed and c.value]
    if len(shown) < 2:
        return ""
    bars = []
    for label, cells in rows:
        c = cells[-1]
        if c.suppressed or not isinstance(c.value, int):
            bars.append(Bar(label, (), f"{SECRET_MARK} (secret)" if c.suppressed else c.text))
        else:
            bars.append(Bar(label, (Segment(c.value, "count", t.columns[-1]),), c.text))
    chart = bar_chart(
        t.title,
        bars,
        [],
        chart_id=f"chart-{t.id}",
        best_label="",
        fmt=lambda n: f"{n}",
    )
    return str(chart["svg"])


def resolve_draft(
    draft: Draft, protection: Protection, generated_on: dt.date, title: str, left: Sequence[str]
) -> Report:
    sections = []
    for s in draft.sections:
        tables = []
        for t in s.tables:
            fmts = t.formats or tuple(Format.COUNT for _ in t.columns)
            rows = tuple(
                (label, tuple(resolve(v, f, protection) for v, f in zip(vals, fmts, strict=True)))
                for label, vals in t.rows
            )
            total = (
                (
                    t.total[0],
                    tuple(resolve(v, f, protection) for v, f in zip(t.total[1], fmts, strict=True)),
                )
                if t.total
                else None
            )
            tables.append(
                TableOut(
                    t.id,
                    t.title,
                    t.row_header,
                    t.columns,
                    rows,
                    total,
                    t.note,
                    t.source,
                    _chart(t, rows) if t.chart == "rows" else "",
                )
            )
        sections.append(
            SectionOut(
                s.id,
                s.number,
                s.title,
                s.source,
                tuple(tables),
                s.lists,
                s.checks,
                s.notes,
                s.unavailable,
            )
        )
    return Report(
        title=title,
        period_key=draft.period_key,
        period_label=draft.period_label,
        start=draft.start,
        end=draft.end,
        offer=draft.offer,
        generated_on=generated_on,
        sections=tuple(sections),
        notes=draft.notes,
        left=tuple(left),
    )
