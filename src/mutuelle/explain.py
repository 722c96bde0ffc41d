"""How every result of the core explains itself: steps, each a rule applied and its source.

**Sources are structured.** A :class:`Cited` (what a rule cites) is one or several
:class:`Citation` (a document of the offer, an article or a table row, the seed line), the
readings of ``docs/interpretations.md`` it relies on, and, when the texts have a hole there,
that gap in plain words. It renders two ways:

* :meth:`Cited.staff` — for the mutual's staff and reviewers, exactly as the code has always
  cited: ``Règlement particuliers III-1-3 … (003_….txt l. 2773) — lecture
  docs/interpretations.md I-05``;
* :meth:`Cited.public` — for residents: the document's title and its article only
  (« Règlement mutualiste, art. III-1-3 », « Convention, art. 2.2 », « Tarifs mensuels 2025,
  annexe 4 »), never a file name, a line number, an interpretation id, a path or an offer id;
  a gap of the texts is said in plain words (« la grille publiée ne donne pas ce tarif »).

Public pages and documents call ``source.public()`` (templates: the ``public_source`` filter of
``mutuelle.web.public.templatetags.public_tags``); the back office and the CLI keep the staff
rendering, which ``str(source)`` also gives.

**Steps are typed.** Each core defines one frozen dataclass per kind of step (its numbers as
fields, its rule id) and renders them by dispatch (``match`` + ``assert_never``): the
reimbursement steps in :mod:`mutuelle.benefits.steps`, the contribution steps in
:mod:`mutuelle.pricing.steps`. Every step, whatever its core, answers the same protocol
(:class:`Step`): ``rule_id`` (a stable id: a rule of ``guarantees/rules.yaml``, a pricing rule,
a membership rule), ``rule`` (the sentence, in plain French), ``cite`` (its :class:`Cited`,
``None`` when the caller resolves it, e.g. a reimbursement step against the beneficiary's
plan) and ``source`` (the staff rendering). :class:`Said` is the step of the cores whose
sentences are phrased where the rule is applied (membership, CSS): the sentence, its source and
its rule id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

READINGS = "docs/interpretations.md"


@dataclass(frozen=True, slots=True)
class Citation:
    """One place of a text: a document, an article or a table row, and its seed line."""

    document: str  # key of the document in the offer ("annexe1"); "" outside the offer
    title: str  # how a resident names the document: "Règlement mutualiste"
    short: str  # how staff cite it: "Règlement particuliers"
    ref: str  # the article or table ref as written in the data
    article: str = ""  # what a resident reads of ``ref``: "art. III-1-3" ("": the title alone)
    seed: str | None = None  # the seed file (staff only)
    line: int | None = None  # its line (staff only)
    detail: str = ""  # staff-only precision after the line (", formule Vanoise : « 125% BR »")
    table: bool = False  # a table row is cited "Short, ref (…)"; an article "Short ref (…)"

    def staff(self) -> str:
        text = f"{self.short}{', ' if self.table else ' '}{self.ref}" if self.ref else self.short
        if self.seed and self.line:
            text += f" ({self.seed} l. {self.line})"
        return text + self.detail

    def public(self) -> str:
        return f"{self.title}, {self.article}" if self.article else self.title


@dataclass(frozen=True, slots=True)
class Cited:
    """Where a rule is written: its places, the readings it relies on, a gap in plain words."""

    places: tuple[Citation, ...] = ()
    readings: tuple[str, ...] = ()  # entries of docs/interpretations.md (I-xx, G-xx)
    gap: str | None = None  # for residents: what the texts do not give, in plain words
    text: str = ""  # staff text of a source outside the offer's texts (law, reference data)
    public_text: str = ""  # what a resident reads of ``text`` ("Code de la sécurité sociale…")

    @classmethod
    def outside(cls, text: str, public: str) -> Cited:
        """A source outside the offer's texts (the law, a regulation, reference data)."""
        return cls(text=text, public_text=public)

    def __bool__(self) -> bool:
        return bool(self.places or self.text or self.readings)

    def staff(self) -> str:
        parts = [p.staff() for p in self.places]
        if self.text:
            parts.append(self.text)
        out = " ; ".join(parts)
        if self.readings:
            out += f" — lecture {READINGS} " + ", ".join(self.readings)
        return out

    def public(self) -> str:
        parts = list(dict.fromkeys(p.public() for p in self.places))
        if self.public_text:
            parts.append(self.public_text)
        out = " ; ".join(parts)
        if self.gap:
            out = f"{out} — {self.gap}" if out else self.gap
        return out

    def __str__(self) -> str:
        return self.staff()

    def __add__(self, other: Cited) -> Cited:
        """Both sources (a rule written in one place and read with another)."""
        return Cited(
            (*self.places, *(p for p in other.places if p not in self.places)),
            tuple(dict.fromkeys((*self.readings, *other.readings))),
            self.gap or other.gap,
            " ; ".join(t for t in (self.text, other.text) if t),
            " ; ".join(t for t in (self.public_text, other.public_text) if t),
        )


NO_SOURCE = Cited()

_PAREN = re.compile(r"\s*\([^()]{4,}\)")
_ARTICLE = (
    (re.compile(r"^(art\.\s*[\w.-]*\w)"), "{0}"),
    (re.compile(r"^([IVX]+-\d+(?:-\d+)*)\b"), "art. {0}"),
    (re.compile(r"^(\d+-\d+(?:-\d+)*)\b"), "art. {0}"),
    (re.compile(r"^(Cotisations) (\d+-\d+)\b"), "{0}, art. {1}"),
    (re.compile(r"^Annexe (\d+)\b"), "annexe {0}"),
    (re.compile(r"^(L\.?\s?\d[\d-]*)\b"), "art. {0}"),
)


def public_article(ref: str) -> str:
    """What a resident reads of an article ref: « art. III-1-3 », « annexe 2 », or the heading
    without the project's parenthetical notes (« IV-5 Exclusions (établissements) » →
    « art. IV-5 »; « Bases de remboursement (Plafonds AMO incluse) » → « Bases de
    remboursement »)."""
    text = _PAREN.sub("", ref).strip()
    for pattern, form in _ARTICLE:
        m = pattern.match(text)
        if m:
            return form.format(*m.groups())
    return text


@runtime_checkable
class Step(Protocol):
    """What every explanation step of every core answers."""

    @property
    def rule_id(self) -> str: ...

    @property
    def rule(self) -> str: ...

    @property
    def cite(self) -> Cited | None: ...

    @property
    def source(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Said:
    """A step whose sentence the core phrased where it applied the rule (membership, CSS)."""

    rule: str  # the rule applied, in plain French
    cite: Cited
    rule_id: str

    @property
    def source(self) -> str:
        return self.cite.staff()

    def public_source(self) -> str:
        return self.cite.public()


def staff_source(step: Step) -> str:
    return step.cite.staff() if step.cite is not None else ""


def public_source(step: Step) -> str:
    return step.cite.public() if step.cite is not None else ""
