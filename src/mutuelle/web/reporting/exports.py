"""Exports of a committee report: CSV (one figure a line, `;`, UTF-8 with BOM, as French Excel
opens it) and XLSX (XlsxWriter, ``constant_memory``: one sheet per section, rows written in
order). A suppressed figure is the secret mark in both, never its value."""

from __future__ import annotations

import csv
import io
from typing import IO

import xlsxwriter

from mutuelle.reporting.disclosure import SECRET_TEXT
from mutuelle.reporting.report import Report

CSV_HEADER = (
    "période",
    "section",
    "indicateur",
    "tableau",
    "ligne",
    "colonne",
    "valeur",
    "texte",
    "source",
)


def rows(report: Report) -> list[tuple[str, ...]]:
    out = []
    for s in report.sections:
        number = str(s.number) if s.number else ""
        for t in s.tables:
            lines = [*t.rows, *((t.total,) if t.total else ())]
            for label, cells in lines:
                for col, c in zip(t.columns, cells, strict=True):
                    value = "" if c.suppressed or c.value is None else str(c.value)
                    out.append(
                        (
                            report.period_key,
                            s.title,
                            number,
                            t.title,
                            label,
                            col,
                            value,
                            c.text,
                            t.source or s.source,
                        )
                    )
        if s.unavailable:
            out.append(
                (report.period_key, s.title, number, "", "", "", "", s.unavailable, s.source)
            )
        for title, items in s.lists:
            for item in items:
                out.append((report.period_key, s.title, number, title, item, "", "", "", s.source))
        for c in s.checks:
            out.append(
                (
                    report.period_key,
                    s.title,
                    number,
                    "Engagements",
                    str(c["commitment"]),
                    str(c["state_label"]),
                    "",
                    str(c["done"]),
                    str(c["source"]),
                )
            )
    return out


def to_csv(report: Report) -> str:
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    w.writerows(rows(report))
    return buf.getvalue()


def to_xlsx(report: Report, stream: IO[bytes]) -> None:
    book = xlsxwriter.Workbook(stream, {"constant_memory": True, "in_memory": False})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    secret = book.add_format({"italic": True, "font_color": "#555555", "align": "right"})
    note = book.add_format({"italic": True, "text_wrap": False})
    red = book.add_format({"bold": True, "font_color": "#b3261e"})
    cover = book.add_worksheet("Rapport")
    cover.set_column(0, 0, 100)
    cover.write(0, 0, report.title, title)
    cover.write(
        1,
        0,
        f"Période : {report.period_label} (du {report.start:%d/%m/%Y} au {report.end:%d/%m/%Y})",
    )
    cover.write(2, 0, f"Offre : {report.offer}")
    cover.write(3, 0, f"« s » : {SECRET_TEXT}", note)
    r = 5
    for n in (*report.notes, *report.left):
        cover.write(r, 0, n, note)
        r += 1
    used: set[str] = set()
    for s in report.sections:
        name = (f"{s.number}. " if s.number else "") + s.id
        name = name[:31]
        while name in used:
            name = name[:29] + "_"
        used.add(name)
        ws = book.add_worksheet(name)
        ws.set_column(0, 0, 48)
        ws.set_column(1, 8, 18)
        ws.write(0, 0, s.title, title)
        ws.write(1, 0, f"Source : {s.source}", note)
        row = 3
        if s.unavailable:
            ws.write(row, 0, s.unavailable, red)
            row += 2
        for t in s.tables:
            ws.write(row, 0, t.title, bold)
            row += 1
            ws.write(row, 0, t.row_header, bold)
            for j, col in enumerate(t.columns, start=1):
                ws.write(row, j, col, bold)
            row += 1
            for label, cells in [*t.rows, *((t.total,) if t.total else ())]:
                ws.write(row, 0, label)
                for j, c in enumerate(cells, start=1):
                    if c.suppressed:
                        ws.write_string(row, j, c.text, secret)
                    elif isinstance(c.value, int) and not c.text.endswith(("€", "%")):
                        ws.write_number(row, j, c.value)
                    else:
                        ws.write_string(row, j, c.text)
                row += 1
            if t.note:
                ws.write(row, 0, t.note, note)
                row += 1
            row += 1
        for heading, items in s.lists:
            ws.write(row, 0, heading, bold)
            row += 1
            for item in items:
                ws.write(row, 0, item)
                row += 1
            row += 1
        for c in s.checks:
            ws.write(row, 0, str(c["commitment"]))
            ws.write(row, 1, str(c["state_label"]), red if c["state"] == "behind" else bold)
            ws.write(row, 2, str(c["done"]))
            row += 1
        for n in s.notes:
            ws.write(row, 0, n, note)
            row += 1
    book.close()
