"""The committee's report as a printable document (pure core: no Django, no I/O).

:func:`committee_document` turns the protected :class:`~mutuelle.reporting.report.Report` — the
very object the town's pages and the CSV/XLSX exports read — into a
:class:`mutuelle.documents.Document`, which the documents app renders to PDF (WeasyPrint). The
document shows only what the report shows: a suppressed figure is the secret mark, never its
value; it carries no name, number or date of any person. The ten indicators of art. 5 in
their order, then the P/C with every term and its source and the revision table's answer beside
the 2026 freeze, then the outreach commitments of art. 4 (what is behind, in red), each table's
chart as inline SVG.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from mutuelle.documents import (
    Block,
    Document,
    Field,
    Figure,
    KeyValues,
    Paragraph,
    Section,
    Table,
    Text,
)
from mutuelle.membership.bulletin import MUTUAL, TOWN
from mutuelle.offers import OfferNotFound, load_offer
from mutuelle.reporting.disclosure import SECRET_TEXT
from mutuelle.reporting.report import Report, SectionOut, TableOut
from mutuelle.reporting.sections import ANSWER, LAW

# The convention's parties (convention art. 1), printed as the letterhead (as on the bulletin).
BRANDS = (MUTUAL, TOWN)

_DESC = re.compile(r"<desc[^>]*>(.*?)</desc>", re.S)
# Staff references a committee does not read: a seed file's name and line, a reference file's
# path, the interpretations file's path (the « Sources » at the end keep them whole).
_SEED_LINE = re.compile(r" \(\d{3}_[0-9a-f]+\.txt l\. \d+\)")
_REFERENCE = re.compile(r" ; \.\./shared/reference/[\w.-]+ §\d+")
_READINGS = "lecture docs/interpretations.md "


def readable(text: str) -> str:
    """A source as a committee reads it: « Convention art. 5, 2e indicateur »."""
    text = _REFERENCE.sub("", _SEED_LINE.sub("", text))
    return text.replace(_READINGS, "lecture ")


def _cell(text: str) -> str:
    """A figure that never breaks before its unit (« 110,00 % » stays on one line)."""
    return text.replace(" %", "\u00a0%").replace(" €", "\u00a0€")


def _alt(t: TableOut) -> str:
    """The chart's words: its SVG description (every value, the secret mark for a hidden one)."""
    found = _DESC.search(t.chart_svg)
    said = unescape(found.group(1)) if found else ""
    return f"{t.title} : {said}" if said else t.title


def _table(t: TableOut) -> tuple[Block, ...]:
    lines = [*t.rows, *((t.total,) if t.total else ())]
    numeric = tuple(
        i + 1
        for i in range(len(t.columns))
        if any(cells[i].numeric or cells[i].suppressed for _, cells in lines)
    )
    rows = tuple((label, *(_cell(c.text) for c in cells)) for label, cells in lines)
    if not rows:
        rows = (("Aucune donnée sur la période.", *("" for _ in t.columns)),)
    blocks: list[Block] = []
    if t.chart_svg:
        # The page's chart spans its column; on paper, a little over half the width keeps its
        # text at the size of the body's.
        svg = t.chart_svg.replace('width="100%"', 'width="55%"', 1)
        blocks.append(
            Figure(
                svg,
                f"{t.title} — les mêmes chiffres sont dans le tableau ; « s » : secret.",
                _alt(t),
            )
        )
    # The row labels get a wide first column: a label wrapped over three lines made a row tall
    # enough to be cut by a page break, its figures on one page and its label on the next.
    n = len(t.columns)
    first = 40 if n <= 4 else 30
    widths = (first, *((100 - first) // n for _ in range(n))) if n else ()
    blocks.append(Table((t.row_header, *t.columns), rows, numeric, t.title, widths))
    if t.suppressed:
        blocks.append(
            Paragraph.of(
                f"{t.suppressed} case(s) masquée(s) dans ce tableau (« s ») : moins de 11 "
                "personnes, ou complément d'une case masquée.",
                style="small",
            )
        )
    if t.note:
        blocks.append(Paragraph.of(readable(t.note), style="small"))
    return tuple(blocks)


def _checks(s: SectionOut) -> tuple[Block, ...]:
    if not s.checks:
        return ()
    rows = tuple(
        (
            str(c["commitment"]),
            str(c["done"]),
            "EN RETARD" if c["state"] == "behind" else str(c["state_label"]),
        )
        for c in s.checks
    )
    blocks: list[Block] = [
        Table(
            ("Engagement", "Réalisé", "État"),
            rows,
            caption="Engagements de la convention",
            widths=(50, 35, 15),
        )
    ]
    behind = [c for c in s.checks if c["state"] == "behind"]
    for c in behind:
        blocks.append(
            Paragraph.of(
                Text("En retard : ", strong=True),
                f"{c['commitment']} — réalisé : {c['done']} ({readable(str(c['source']))})",
                style="alert",
            )
        )
    return tuple(blocks)


def _section(s: SectionOut) -> Section:
    title = f"{s.number}. {s.title}" if s.number else s.title
    blocks: list[Block] = [Paragraph.of(f"Source : {readable(s.source)}", style="small")]
    if s.unavailable:
        text = s.unavailable[:1].upper() + s.unavailable[1:]
        blocks.append(Paragraph.of(Text(text.rstrip(".") + ".", strong=True), style="box"))
    for t in s.tables:
        blocks.extend(_table(t))
        if t.source and t.source != s.source:
            blocks.append(Paragraph.of(f"Source : {readable(t.source)}", style="small"))
    for heading, items in s.lists:
        if items:
            blocks.append(Table((heading,), tuple((readable(i),) for i in items)))
        else:
            blocks.append(Paragraph.of(Text(heading, strong=True), " : aucun sur la période."))
    blocks.extend(_checks(s))
    # The revision rule's answer and, beside it, the law (the 2026 freeze), as one box.
    side = [
        Field(
            n.split(":", 1)[0].strip(), readable(n.split(":", 1)[1].strip()), n.startswith(ANSWER)
        )
        for n in s.notes
        if n.startswith((ANSWER, LAW))
    ]
    for n in s.notes:
        if not n.startswith((ANSWER, LAW)):
            blocks.append(Paragraph.of(readable(n)))
    if side:
        blocks.append(Paragraph.of(Text("La révision des tarifs", strong=True)))
        blocks.append(KeyValues(tuple(side)))
    return Section(title, tuple(blocks))


# The figures a committee looks for first: (table id, column or None for the last, label).
_KEY_FIGURES = (
    ("adhesions", None, "Adhésions en cours (fin de période)"),
    ("persons", None, "Personnes couvertes (fin de période)"),
    ("permanences", 0, "Demi-journées de permanence"),
    ("complaints_subject", None, "Réclamations reçues"),
    ("pc", None, "P/C de l'offre"),
)


def _key_figures(report: Report) -> list[Field]:
    """The totals of a few tables, as the tables show them (« s » when suppressed)."""
    tables = {t.id: t for s in report.sections for t in s.tables}
    out = []
    for table_id, column, label in _KEY_FIGURES:
        t = tables.get(table_id)
        if t is None or t.total is None or not t.total[1]:
            continue
        cell = t.total[1][-1 if column is None else column]
        out.append(Field(label, _cell(cell.text), strong=True))
    return out


def _offer_label(offer_id: str) -> str:
    """The offer as its texts name it (the committee reads « Mutuelle communale – Ville de
    Grenoble × … », not the folder's id); the id only if that folder is no longer installed."""
    try:
        return load_offer(offer_id).label
    except OfferNotFound:
        return offer_id


def _order(report: Report) -> list[SectionOut]:
    """The ten indicators in their order, then the P/C and revision, then the commitments."""
    numbered = sorted((s for s in report.sections if s.number), key=lambda s: s.number or 0)
    rest = [s for s in report.sections if not s.number]
    rank = {"pc": 0, "outreach": 1}
    return [*numbered, *sorted(rest, key=lambda s: rank.get(s.id, 2))]


def committee_document(report: Report, issued_at: dt.datetime) -> Document:
    """The committee's report for one period, as a document (``issued_at``: aware)."""
    state = (
        f"Rapport publié à la Ville le {report.published_on:%d/%m/%Y}."
        if report.published_on
        else "Aperçu : ce rapport n'est pas encore publié à la Ville."
    )
    behind = sum(s.behind for s in report.sections)
    unavailable = [s.title for s in report.sections if s.unavailable]
    summary = [
        Field(
            "Période",
            f"{report.period_label} (du {report.start:%d/%m/%Y} au {report.end:%d/%m/%Y})",
        ),
        Field("Offre", _offer_label(report.offer)),
        Field("État", state),
        *_key_figures(report),
        Field("Secret statistique", SECRET_TEXT),
        Field(
            "Engagements en retard",
            f"{behind}" if behind else "aucun",
            strong=bool(behind),
        ),
    ]
    if unavailable:
        summary.append(Field("Pas encore disponible", " ; ".join(unavailable)))
    intro = (
        Paragraph.of(
            "Rapport de la Mutuelle au comité de pilotage de la convention (art. 5) : des "
            "chiffres agrégés seulement. Aucune donnée individuelle n'y figure ; toute case de "
            "moins de 11 personnes est masquée, ainsi que la case qui permettrait de la "
            "recalculer.",
        ),
        *(Paragraph.of(readable(n), style="box") for n in report.notes),
    )
    sections = (
        Section("Résumé", (KeyValues(tuple(summary)),)),
        *(_section(s) for s in _order(report)),
    )
    return Document(
        title=report.title,
        reference=f"Comité de pilotage — {report.period_label}",
        issued_at=issued_at,
        brands=BRANDS,
        intro=intro,
        sections=sections,
        sources=tuple(dict.fromkeys(s.source for s in report.sections if s.source)),
        footer=tuple(report.left),
        meta={"period": report.period_key, "offer": report.offer},
    )
