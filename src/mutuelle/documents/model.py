"""Plain document models (pure core, no Django, no I/O).

A core builds a :class:`Document` — a title, the parties, sections of paragraphs, key–value
lists, tables and figures (inline SVG), the sources of its rules and a footer — and the shell's
one renderer (:mod:`mutuelle.web.documents.render`, WeasyPrint) turns it into a PDF. Enough for
a bulletin d'adhésion, an échéancier, a mise en demeure, a décompte, an attestation or a
steering-committee report with charts. A document is a value: :meth:`Document.to_data` and
:func:`document_from_data` round-trip it through JSON, so a produced document can be rendered
again from its record and proved identical (:mod:`mutuelle.web.documents.services`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class DocumentKind(StrEnum):
    bulletin = "bulletin"
    echeancier = "echeancier"
    mise_en_demeure = "mise_en_demeure"
    decompte = "decompte"
    attestation = "attestation"
    committee_report = "committee_report"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.bulletin: "Bulletin d'adhésion (récapitulatif de la demande)",
    DocumentKind.echeancier: "Échéancier des cotisations",
    DocumentKind.mise_en_demeure: "Mise en demeure (cotisations impayées)",
    DocumentKind.decompte: "Décompte de prestations",
    DocumentKind.attestation: "Attestation",
    DocumentKind.committee_report: "Rapport au comité de pilotage",
}

# "alert": in red (a committee report's commitments behind schedule, convention art. 4).
ParagraphStyle = Literal["normal", "box", "small", "alert"]
_STYLES: tuple[ParagraphStyle, ...] = ("normal", "box", "small", "alert")


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text; ``strong`` runs are set in bold."""

    text: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Paragraph:
    parts: tuple[Text, ...]
    style: ParagraphStyle = "normal"

    @classmethod
    def of(cls, *parts: str | Text, style: ParagraphStyle = "normal") -> Paragraph:
        return cls(tuple(p if isinstance(p, Text) else Text(p) for p in parts), style)

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.parts)


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class KeyValues:
    rows: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[int, ...] = ()  # indexes of right-aligned columns
    caption: str = ""
    widths: tuple[int, ...] = ()  # per cent of the width, per column (optional)

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"ligne de {len(row)} cases pour {len(self.columns)} colonnes")
        if self.widths and len(self.widths) != len(self.columns):
            raise ValueError("une largeur par colonne")


@dataclass(frozen=True, slots=True)
class Figure:
    """An inline SVG chart; ``alt`` says in words what it shows (read aloud, tagged PDF)."""

    svg: str
    caption: str
    alt: str

    def __post_init__(self) -> None:
        if not self.svg.lstrip().startswith("<svg"):
            raise ValueError("une figure est un SVG")
        if not self.alt:
            raise ValueError("une figure a un texte de remplacement")


Block = Paragraph | KeyValues | Table | Figure


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Party:
    """Who sends or receives the document (a letter's address blocks)."""

    role: str  # « Expéditeur », « Destinataire »…
    name: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    reference: str  # printed in every page's footer (adhesion number, report period…)
    issued_at: dt.datetime  # « édité le », and the PDF's creation date
    brands: tuple[str, ...] = ()  # letterhead: the partners' names (convention art. 4.2)
    parties: tuple[Party, ...] = ()
    intro: tuple[Paragraph, ...] = ()
    sections: tuple[Section, ...] = ()
    sources: tuple[str, ...] = ()  # the rules applied, printed at the end
    footer: tuple[str, ...] = ()  # legal mentions
    language: str = "fr"
    meta: dict[str, str] = field(default_factory=dict)  # free facts kept with the record

    def __post_init__(self) -> None:
        if not self.title:
            raise ValueError("un document a un titre")
        if self.issued_at.tzinfo is None:
            raise ValueError("la date d'édition porte son fuseau horaire")

    def to_data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "reference": self.reference,
            "issued_at": self.issued_at.isoformat(),
            "brands": list(self.brands),
            "parties": [
                {"role": p.role, "name": p.name, "lines": list(p.lines)} for p in self.parties
            ],
            "intro": [_paragraph_data(p) for p in self.intro],
            "sections": [
                {"title": s.title, "blocks": [_block_data(b) for b in s.blocks]}
                for s in self.sections
            ],
            "sources": list(self.sources),
            "footer": list(self.footer),
            "language": self.language,
            "meta": dict(sorted(self.meta.items())),
        }

    def fingerprint(self) -> str:
        """sha256 of the content, the edition date aside: the same content is one document."""
        data = self.to_data()
        del data["issued_at"]
        raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


def _paragraph_data(p: Paragraph) -> dict[str, Any]:
    return {
        "type": "paragraph",
        "style": p.style,
        "parts": [[t.text, t.strong] for t in p.parts],
    }


def _block_data(b: Block) -> dict[str, Any]:
    match b:
        case Paragraph():
            return _paragraph_data(b)
        case KeyValues():
            return {"type": "keyvalues", "rows": [[f.label, f.value, f.strong] for f in b.rows]}
        case Table():
            return {
                "type": "table",
                "columns": list(b.columns),
                "rows": [list(r) for r in b.rows],
                "numeric": list(b.numeric),
                "caption": b.caption,
                "widths": list(b.widths),
            }
        case Figure():
            return {"type": "figure", "svg": b.svg, "caption": b.caption, "alt": b.alt}


def _paragraph(d: dict[str, Any]) -> Paragraph:
    style = d.get("style", "normal")
    if style not in _STYLES:
        raise ValueError(f"style de paragraphe inconnu : {style!r}")
    return Paragraph(tuple(Text(str(t), bool(s)) for t, s in d["parts"]), style)


def _block(d: dict[str, Any]) -> Block:
    match d.get("type"):
        case "paragraph":
            return _paragraph(d)
        case "keyvalues":
            return KeyValues(tuple(Field(str(a), str(b), bool(c)) for a, b, c in d["rows"]))
        case "table":
            return Table(
                tuple(d["columns"]),
                tuple(tuple(r) for r in d["rows"]),
                tuple(d.get("numeric", ())),
                d.get("caption", ""),
                tuple(d.get("widths", ())),
            )
        case "figure":
            return Figure(d["svg"], d["caption"], d["alt"])
        case other:
            raise ValueError(f"bloc de document inconnu : {other!r}")


def document_from_data(d: dict[str, Any]) -> Document:
    """The inverse of :meth:`Document.to_data` (a stored record back to a document)."""
    return Document(
        title=d["title"],
        reference=d["reference"],
        issued_at=dt.datetime.fromisoformat(d["issued_at"]),
        brands=tuple(d.get("brands", ())),
        parties=tuple(
            Party(p["role"], p["name"], tuple(p.get("lines", ()))) for p in d.get("parties", ())
        ),
        intro=tuple(_paragraph(p) for p in d.get("intro", ())),
        sections=tuple(
            Section(s["title"], tuple(_block(b) for b in s["blocks"]))
            for s in d.get("sections", ())
        ),
        sources=tuple(d.get("sources", ())),
        footer=tuple(d.get("footer", ())),
        language=d.get("language", "fr"),
        meta=dict(d.get("meta", {})),
    )
