"""The offer's guarantee lines compiled, once, into plain Python structures for one range.

The settlement engine never touches pydantic on its per-event path: :func:`compile_plan` turns
the validated guarantee table of a range (``offers/guarantees.py``), the règlement rules
(``guarantees/rules.yaml``) and the reference limits (``data/reference``) into frozen
dataclasses, with every citation already structured (:class:`mutuelle.explain.Cited`).

**No number without a source.** Every value the engine uses is read here from the data, with
its rule: the durations, ages and counts of ``rules.yaml`` (:class:`Parameters`), the amounts of
the guarantee cells, the contrat responsable limits and price limits of the reference data. A
value the engine needs and the data lacks stops the compilation with a :class:`PlanError`
naming the rule; nothing falls back to a number written in the code.

**Rule flags are typed.** A line's ``rules`` (ids of ``rules.yaml``; the offer loader refuses
an unknown id) compile into :class:`LineFlags`, one boolean per rule that changes how the
engine settles (forfait journalier, private room, companion, HLF, ticket modérateur floor,
contrat responsable caps). The engine reads ``line.flags.tm_floor``, never a string.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from mutuelle.benefits.parameters import (
    ENGINE_REFERENCE,
    ENGINE_RULES,
    Parameters,
    RuleFlag,
    parameters_of,
)
from mutuelle.explain import Citation, Cited
from mutuelle.offers import load_offer
from mutuelle.offers.guarantees import CATEGORY_LABELS, Cell, GuaranteeTable, Line, Rule
from mutuelle.offers.model import Offer
from mutuelle.offers.reference import Entry, load_reference
from mutuelle.refusal import Code, Refusal


class Kind(StrEnum):
    """How a cell pays (``offers/guarantees.py`` ``CellKind``)."""

    NONE = "none"  # « - »: no cover in this formula
    GAP = "gap"  # the text gives no value: refused, naming the gap
    PCT_BR = "pct_br"  # rate × BR, AMO included
    PCT_BR_PLUS = "pct_br_plus"  # rate × BR + a lump sum
    FRAIS_REELS = "frais_reels"  # the bill less AMO
    PCT_FR = "pct_fr"  # rate × the bill, AMO included
    AMO_PLUS = "amo_plus"  # a lump sum on top of the AMO
    EUR = "eur"  # an amount in euros, AMO included
    PRICE_LIMIT = "price_limit"  # full cover up to the PLV / HLF


class Per(StrEnum):
    """What an amount in euros applies to (``offers/guarantees.py`` ``Per``)."""

    EVENT = "event"
    ITEM = "item"
    DAY = "day"
    YEAR = "year"
    SEMESTER = "semester"
    MONTHS_24 = "24_months"
    EYE_YEAR = "eye_year"


PER_LABELS = {
    Per.YEAR: "par année civile",
    Per.SEMESTER: "par semestre civil",
    Per.MONTHS_24: "par période de 24 mois",
    Per.EYE_YEAR: "par œil et par année civile",
}
PERIOD_CEILINGS = frozenset((Per.YEAR, Per.SEMESTER, Per.MONTHS_24, Per.EYE_YEAR))


class Amo(IntEnum):
    """What the line requires of the AMO."""

    ANY = 0
    COVERED = 1
    NOT_COVERED = 2


class Periodicity(StrEnum):
    OPTICAL_FRAME = "optical_frame"
    OPTICAL_LENS = "optical_lens"
    HEARING = "hearing"
    REPLACEMENT_FRAME = "replacement_frame"
    REPLACEMENT_LENS = "replacement_lens"


# compatibility names of the cell kinds and periods (they read better in the engine's tests)
K_NONE, K_GAP, K_PCT, K_PCT_PLUS, K_FR, K_PCT_FR, K_AMO_PLUS, K_EUR, K_LIMIT = tuple(Kind)
P_EVENT, P_ITEM, P_DAY, P_YEAR, P_SEMESTER, P_24M, P_EYE_YEAR = tuple(Per)
AMO_ANY, AMO_COVERED, AMO_NOT_COVERED = tuple(Amo)


class PlanError(Refusal, LookupError):
    """The request cannot be settled at all (unknown range, no table, a rule without its
    value): exit status 2."""

    default_code = Code.PLAN
    source_in_str = False


@dataclass(frozen=True, slots=True)
class LineFlags:
    """The engine-relevant rules a line lists, as typed fields."""

    fjh: bool = False
    chambre: bool = False
    accompagnant: bool = False
    dental_maitrise: bool = False
    tm_floor: bool = False
    hearing_cap: bool = False
    frame_cap: bool = False
    equipment_caps: bool = False

    @classmethod
    def of(cls, rules: tuple[str, ...]) -> LineFlags:
        on = set(rules)
        return cls(
            fjh=RuleFlag.FJH in on,
            chambre=RuleFlag.CHAMBRE in on,
            accompagnant=RuleFlag.ACCOMPAGNANT in on,
            dental_maitrise=RuleFlag.DENTAL_MAITRISE in on,
            tm_floor=RuleFlag.TM_FLOOR in on,
            hearing_cap=RuleFlag.HEARING_CAP in on,
            frame_cap=RuleFlag.OPTICAL_FRAME_CAP in on,
            equipment_caps=RuleFlag.OPTICAL_EQUIPMENT_CAPS in on,
        )


@dataclass(frozen=True, slots=True)
class CompiledLine:
    """One guarantee line in one formula, ready for the engine."""

    line_id: str
    label: str
    section: str
    category: str
    formula: str
    kind: Kind
    rate_bp: int
    cents: int
    per: Per
    days_per_year: int | None
    per_session_cents: int | None
    limit: str | None  # "PLV" / "HLF"
    ceiling: str | None
    ceiling_label: str | None
    max_items_per_year: int | None
    max_claims_per_year: int | None
    amo: Amo
    periodicity: Periodicity | None
    prorata_semester: bool
    half_for_one_eye: bool
    requires_distance: bool
    requires_adult: bool
    requires_enrolment: bool
    flags: LineFlags
    cell_text: str
    gap: str | None
    cite: Cited  # the table row, the cell, its footnotes and readings
    rules: tuple[str, ...]
    interpretations: tuple[str, ...]

    @property
    def source(self) -> str:
        """Staff: "Tableau de garanties, ligne « … » (003_… l. 5975), formule Belledonne :
        « 125% BR »"."""
        return self.cite.staff()

    # the flags as the engine of issue 7 read them (kept for the callers of CompiledLine)
    @property
    def tm_floor(self) -> bool:
        return self.flags.tm_floor

    @property
    def hearing_cap(self) -> bool:
        return self.flags.hearing_cap

    @property
    def frame_cap(self) -> bool:
        return self.flags.frame_cap

    @property
    def equipment_caps(self) -> bool:
        return self.flags.equipment_caps


@dataclass(frozen=True, slots=True)
class Choice:
    """A line a benefit code may settle, and the event fields that select it."""

    dptam: bool | None
    basket: str | None
    lens_category: str | None
    amo: Amo | None  # the code's own AMO requirement (overrides the line's)
    by_formula: dict[str, CompiledLine]


@dataclass(frozen=True)
class RuleInfo:
    id: str
    title: str
    value: int | None
    cite: Cited  # in the range's règlement (and the table when it says it)

    @property
    def source(self) -> str:
        return self.cite.staff()


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
    not_in_table_cite: Cited  # the table, and the gap when its parts are missing
    missing_parts: tuple[str, ...]
    rules: dict[str, RuleInfo]
    parameters: Parameters
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


def _cite_rule(offer: Offer, rule: Rule, docs: tuple[str, ...]) -> Cited:
    places: list[Citation] = []
    chosen = [d for d in docs if d in rule.sources]
    if not chosen:  # the range's texts do not state it: cite where the offer does
        chosen = list(rule.sources)
    for key in chosen:
        document = offer.documents[key]
        places.extend(document.citation(key, s.ref, s.line) for s in rule.sources[key])
    return offer.sourced(tuple(places), (rule.interpretation,) if rule.interpretation else ())


def _line_cite(offer: Offer, table: GuaranteeTable, ln: Line, cell: Cell, formula: str) -> Cited:
    doc = offer.documents[table.document]
    detail = f", formule {formula}"
    if cell.kind == "gap":
        detail += " : cellule vide"
    else:
        detail += f" : « {cell.text} »"
        if cell.line != ln.line:
            detail += f" (l. {cell.line})"
    for note in ln.footnotes:
        fn = table.footnotes.get(note)
        if fn is not None:
            detail += f", {fn.ref} (l. {fn.line})"
    place = dataclasses.replace(
        doc.citation(table.document, f"ligne « {ln.label} »", ln.line, detail=detail, table=True),
        seed=table.seed,
    )
    readings = tuple(dict.fromkeys(i for i in (cell.interpretation, ln.interpretation) if i))
    cited = offer.sourced((place,), readings)
    if cell.gap:  # residents read the gap in plain words (staff read it in the refusal)
        cited = dataclasses.replace(cited, gap=offer.sourced((), (cell.gap,)).gap)
    return cited


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
        kind=Kind(cell.kind),
        rate_bp=cell.rate_bp,
        cents=cell.cents,
        per=Per(ln.per),
        days_per_year=cell.days_per_year,
        per_session_cents=cell.per_session_cents,
        limit=cell.limit,
        ceiling=ln.ceiling,
        ceiling_label=ln.ceiling_label,
        max_items_per_year=ln.max_items_per_year,
        max_claims_per_year=ln.max_claims_per_year,
        amo=Amo[ln.amo.upper()],
        periodicity=Periodicity(ln.periodicity) if ln.periodicity else None,
        prorata_semester=ln.prorata_semester,
        half_for_one_eye=ln.half_for_one_eye,
        requires_distance="distance_over_50km" in ln.requires,
        requires_adult="adult" in ln.requires,
        requires_enrolment="enrolment_3_months" in ln.requires,
        flags=LineFlags.of(rules),
        cell_text=cell.text,
        gap=cell.gap,
        cite=_line_cite(offer, table, ln, cell, formula),
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
        raise PlanError(
            f"gamme inconnue : {range_id!r} (gammes de l'offre : {known})", code=Code.RANGE
        )
    rng = ranges[range_id]
    table = offer.guarantee_table(range_id)
    if table is None or offer.rulebook is None:
        raise PlanError(
            f"l'offre {offer.id} ne publie pas de tableau de garanties pour {rng.label}",
            code=Code.NO_TABLE,
        )
    rulebook = offer.rulebook
    by_id = {r.id: r for r in rulebook.rules}
    missing = sorted(ENGINE_RULES - set(by_id))
    if missing:
        raise PlanError(
            f"guarantees/rules.yaml ne définit pas les règles {', '.join(missing)}, que le moteur "
            "de prestations applique et cite",
            code=Code.RULE_WITHOUT_VALUE,
        )
    ref = load_reference()
    reference = {k: ref.entry(k) for k in ref.keys()}  # noqa: SIM118 (a method)
    lacking = sorted(ENGINE_REFERENCE - set(reference))
    if lacking:
        raise PlanError(
            f"données de référence : {', '.join(lacking)} manquent au moteur de prestations",
            code=Code.RULE_WITHOUT_VALUE,
        )
    parameters = parameters_of(by_id, f"offre {offer.id}")
    rule_ids = set(by_id)
    codes: dict[str, list[Choice]] = {}
    code_labels: dict[str, str] = {}
    code_categories: dict[str, str] = {}
    for ln in table.lines:
        by_formula = {f: _compile_line(offer, table, ln, f, rule_ids) for f in table.formulas}
        for b in ln.codes:
            amo = None if b.amo is None else Amo[b.amo.upper()]
            codes.setdefault(b.code, []).append(
                Choice(b.dptam, b.basket, b.lens_category, amo, by_formula)
            )
            code_labels.setdefault(b.code, ln.label)
            code_categories.setdefault(b.code, ln.category)
    docs = (rng.document, table.document)
    rules = {
        r.id: RuleInfo(r.id, r.title, r.value, _cite_rule(offer, r, docs)) for r in rulebook.rules
    }
    known_codes = frozenset(
        b.code for t in offer.guarantees.values() for ln in t.lines for b in ln.codes
    )
    table_doc = offer.documents[table.document]
    not_in_table_cite = offer.sourced(
        (table_doc.citation(table.document, f"({table.title})", None),),
        (table.not_in_table_gap,) if table.not_in_table_gap else (),
    )
    return Plan(
        offer_id=offer.id,
        offer_label=offer.label,
        range_id=range_id,
        range_label=rng.label,
        document=rng.document,
        table_id=table.id,
        table_title=table.title,
        table_short=table_doc.short,
        formulas=table.formulas,
        codes={k: tuple(v) for k, v in codes.items()},
        code_labels=code_labels,
        code_categories=code_categories,
        known_codes=known_codes,
        not_in_table=table.not_in_table,
        not_in_table_gap=table.not_in_table_gap,
        not_in_table_cite=not_in_table_cite,
        missing_parts=table.missing_parts,
        rules=rules,
        parameters=parameters,
        interpretations={k: v.title for k, v in offer.interpretations.items()},
        reference=reference,
        valid_from=offer.valid_from,
        valid_to=offer.valid_to,
    )


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)
