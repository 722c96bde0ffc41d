"""The offer's guarantee lines compiled, once, into plain Python structures for one range.

The settlement engine never touches pydantic on its per-event path: :func:`compile_plan` turns
the validated guarantee table of a range (``offers/guarantees.py``), the règlement rules
(``guarantees/rules.yaml``) and the reference limits (``data/reference``) into frozen
dataclasses and dicts, with every citation already rendered as the text an explanation prints.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from mutuelle.offers import load_offer
from mutuelle.offers.guarantees import CATEGORY_LABELS, Cell, GuaranteeTable, Line, RuleSource
from mutuelle.offers.model import Offer
from mutuelle.offers.reference import Entry, load_reference

# cell kinds
K_NONE, K_GAP, K_PCT, K_PCT_PLUS, K_FR, K_PCT_FR, K_AMO_PLUS, K_EUR, K_LIMIT = range(9)
_KINDS = {
    "none": K_NONE,
    "gap": K_GAP,
    "pct_br": K_PCT,
    "pct_br_plus": K_PCT_PLUS,
    "frais_reels": K_FR,
    "pct_fr": K_PCT_FR,
    "amo_plus": K_AMO_PLUS,
    "eur": K_EUR,
    "price_limit": K_LIMIT,
}
# how an amount applies
P_EVENT, P_ITEM, P_DAY, P_YEAR, P_SEMESTER, P_24M, P_EYE_YEAR = range(7)
_PERS = {
    "event": P_EVENT,
    "item": P_ITEM,
    "day": P_DAY,
    "year": P_YEAR,
    "semester": P_SEMESTER,
    "24_months": P_24M,
    "eye_year": P_EYE_YEAR,
}
PER_LABELS = {
    P_YEAR: "par année civile",
    P_SEMESTER: "par semestre civil",
    P_24M: "par période de 24 mois",
    P_EYE_YEAR: "par œil et par année civile",
}
# AMO requirement
AMO_ANY, AMO_COVERED, AMO_NOT_COVERED = 0, 1, 2
_AMO = {"any": AMO_ANY, "covered": AMO_COVERED, "not_covered": AMO_NOT_COVERED}

# benefit codes of the TNS table's missing parts (they exist in the other table); a TNS event
# with one of them is refused naming the gap, like any code absent from the surviving part.


class PlanError(LookupError):
    """The request cannot be settled at all (unknown range, no table): exit status 2."""

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source


@dataclass(frozen=True, slots=True)
class CompiledLine:
    """One guarantee line in one formula, ready for the engine."""

    line_id: str
    label: str
    section: str
    category: str
    formula: str
    kind: int
    rate_bp: int
    cents: int
    per: int
    days_per_year: int | None
    per_session_cents: int | None
    limit: str | None  # "PLV" / "HLF"
    ceiling: str | None
    ceiling_label: str | None
    max_items_per_year: int | None
    max_claims_per_year: int | None
    amo: int
    periodicity: str | None
    prorata_semester: bool
    half_for_one_eye: bool
    requires_distance: bool
    requires_adult: bool
    requires_enrolment: bool
    tm_floor: bool
    hearing_cap: bool
    frame_cap: bool
    equipment_caps: bool
    cell_text: str
    gap: str | None
    source: (
        str  # "Tableau de garanties, ligne « … » (003_… l. 5975), formule Belledonne : « 125% BR »"
    )
    rules: tuple[str, ...]
    interpretations: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    """A line a benefit code may settle, and the event fields that select it."""

    dptam: bool | None
    basket: str | None
    lens_category: str | None
    amo: int | None  # the code's own AMO requirement (overrides the line's)
    by_formula: dict[str, CompiledLine]


@dataclass(frozen=True)
class RuleInfo:
    id: str
    title: str
    value: int | None
    source: str  # citation in the range's règlement (and the table when it says it)


@dataclass(frozen=True)
class Plan:
    offer_id: str
    offer_label: str
    range_id: str
    range_label: str
    document: str  # the range's règlement (annexe1, annexe2, annexe3)
    table_id: str
    table_title: str
    table_short: str
    formulas: tuple[str, ...]
    codes: dict[str, tuple[Choice, ...]]
    code_labels: dict[str, str]  # code → label of its (first) line
    code_categories: dict[str, str]
    known_codes: frozenset[str]  # every code of every table of the offer
    not_in_table: str  # "not_covered" / "gap"
    not_in_table_gap: str | None
    missing_parts: tuple[str, ...]
    rules: dict[str, RuleInfo]
    interpretations: dict[str, str]  # id → title
    reference: dict[str, Entry]
    valid_from: dt.date
    valid_to: dt.date

    def rule(self, rule_id: str) -> RuleInfo:
        return self.rules[rule_id]

    def ref_value(self, key: str, on: dt.date) -> tuple[int, str, str] | None:
        """(value, label, source) of a reference entry on a date, None when none applies."""
        entry = self.reference.get(key)
        if entry is None:
            return None
        d = entry.on(on)
        if d is None:
            return None
        return d.value, entry.label, f"{d.source} [{d.tag}]"


def _cite_sources(offer: Offer, doc: str, sources: tuple[RuleSource, ...]) -> str:
    document = offer.documents[doc]
    parts = []
    for s in sources:
        where = f"{document.seed} l. {s.line}" if document.seed else ""
        parts.append(
            f"{document.short} {s.ref} ({where})" if where else f"{document.short} {s.ref}"
        )
    return " ; ".join(parts)


def _line_source(offer: Offer, table: GuaranteeTable, ln: Line, cell: Cell, formula: str) -> str:
    doc = offer.documents[table.document]
    text = f"{doc.short}, ligne « {ln.label} » ({table.seed} l. {ln.line}), formule {formula}"
    if cell.kind == "gap":
        text += " : cellule vide"
    else:
        text += f" : « {cell.text} »"
        if cell.line != ln.line:
            text += f" (l. {cell.line})"
    for note in ln.footnotes:
        fn = table.footnotes.get(note)
        if fn is not None:
            text += f", {fn.ref} (l. {fn.line})"
    interp = [i for i in (cell.interpretation, ln.interpretation) if i]
    if interp:
        text += " — lecture docs/interpretations.md " + ", ".join(dict.fromkeys(interp))
    return text


def _compile_line(
    offer: Offer, table: GuaranteeTable, ln: Line, formula: str, rulebook_ids: set[str]
) -> CompiledLine:
    cell = table.value(ln.id, formula)
    rules = tuple(r for r in ln.rules if r in rulebook_ids)
    interps = tuple(i for i in (cell.interpretation, ln.interpretation, cell.gap) if i)
    return CompiledLine(
        line_id=ln.id,
        label=ln.label,
        section=ln.section,
        category=ln.category,
        formula=formula,
        kind=_KINDS[cell.kind],
        rate_bp=cell.rate_bp,
        cents=cell.cents,
        per=_PERS[ln.per],
        days_per_year=cell.days_per_year,
        per_session_cents=cell.per_session_cents,
        limit=cell.limit,
        ceiling=ln.ceiling,
        ceiling_label=ln.ceiling_label,
        max_items_per_year=ln.max_items_per_year,
        max_claims_per_year=ln.max_claims_per_year,
        amo=_AMO[ln.amo],
        periodicity=ln.periodicity,
        prorata_semester=ln.prorata_semester,
        half_for_one_eye=ln.half_for_one_eye,
        requires_distance="distance_over_50km" in ln.requires,
        requires_adult="adult" in ln.requires,
        requires_enrolment="enrolment_3_months" in ln.requires,
        tm_floor="tm_floor" in ln.rules,
        hearing_cap="hearing_cap" in ln.rules,
        frame_cap="optical_frame_cap" in ln.rules,
        equipment_caps="optical_equipment_caps" in ln.rules,
        cell_text=cell.text,
        gap=cell.gap,
        source=_line_source(offer, table, ln, cell, formula),
        rules=rules,
        interpretations=interps,
    )


@functools.cache
def compile_plan(offer_id: str, range_id: str) -> Plan:
    """The plan of a range of an offer; :class:`PlanError` when it cannot be settled."""
    offer = load_offer(offer_id)
    ranges = dict(offer.ranges)
    if range_id not in ranges:
        known = ", ".join(ranges)
        raise PlanError(f"gamme inconnue : {range_id!r} (gammes de l'offre : {known})")
    rng = ranges[range_id]
    table = offer.guarantee_table(range_id)
    if table is None or offer.rulebook is None:
        raise PlanError(
            f"l'offre {offer.id} ne publie pas de tableau de garanties pour {rng.label}"
        )
    rulebook = offer.rulebook
    rule_ids = {r.id for r in rulebook.rules}
    codes: dict[str, list[Choice]] = {}
    code_labels: dict[str, str] = {}
    code_categories: dict[str, str] = {}
    for ln in table.lines:
        by_formula = {f: _compile_line(offer, table, ln, f, rule_ids) for f in table.formulas}
        for b in ln.codes:
            amo = None if b.amo is None else _AMO[b.amo]
            codes.setdefault(b.code, []).append(
                Choice(b.dptam, b.basket, b.lens_category, amo, by_formula)
            )
            code_labels.setdefault(b.code, ln.label)
            code_categories.setdefault(b.code, ln.category)
    rules: dict[str, RuleInfo] = {}
    for r in rulebook.rules:
        parts = []
        for doc in (rng.document, table.document):
            if doc in r.sources:
                parts.append(_cite_sources(offer, doc, r.sources[doc]))
        if not parts:  # the range's texts do not state it: cite where the offer does
            parts = [_cite_sources(offer, d, s) for d, s in r.sources.items()]
        source = " ; ".join(parts)
        if r.interpretation:
            source += f" — lecture docs/interpretations.md {r.interpretation}"
        rules[r.id] = RuleInfo(r.id, r.title, r.value, source)
    known_codes = frozenset(
        b.code for t in offer.guarantees.values() for ln in t.lines for b in ln.codes
    )
    ref = load_reference()
    reference = {k: ref.entry(k) for k in ref.keys()}  # noqa: SIM118 (a method)
    return Plan(
        offer_id=offer.id,
        offer_label=offer.label,
        range_id=range_id,
        range_label=rng.label,
        document=rng.document,
        table_id=table.id,
        table_title=table.title,
        table_short=offer.documents[table.document].short,
        formulas=table.formulas,
        codes={k: tuple(v) for k, v in codes.items()},
        code_labels=code_labels,
        code_categories=code_categories,
        known_codes=known_codes,
        not_in_table=table.not_in_table,
        not_in_table_gap=table.not_in_table_gap,
        missing_parts=table.missing_parts,
        rules=rules,
        interpretations={k: v.title for k, v in offer.interpretations.items()},
        reference=reference,
        valid_from=offer.valid_from,
        valid_to=offer.valid_to,
    )


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)
