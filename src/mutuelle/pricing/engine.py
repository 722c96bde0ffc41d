"""The contribution (cotisation) engine: a household, a date, every formula of a range.

Pure functions of (offer, household) → :class:`Quote`. Every amount carries the rules that
produced it and their sources; every refusal names its reason and its source.

What it implements (the sources are in the offer data, quoted in each result):

* the tariff age, cotisation year − birth year (Règlement particuliers III-1-1; agents
  Cotisations 1-1; TNS art. 8.3, docs I-06);
* the adult grid for the member and the spouse, the child grid per child, the student grid for
  a student member without dependants (Règlement particuliers I-8), the TNS adult/child
  structure and its "taux unique familial" (TNS art. 8.1, docs I-04);
* free cover of newborns by rank and seniority, and from the 4th child (Règlement particuliers
  III-1-3, agents Cotisations 1-3), from the 3rd child in TNS (art. 8.2), ranks per docs I-02;
* the agents' late-entry surcharge of 2 % per uncovered year after 30 (Règlement agents
  Cotisations 1-1, docs I-07, G-03);
* the prorata when cover starts during the year (docs I-01): whole months from the 1st,
  a started month by its days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from mutuelle.dates import (
    add_months,
    age_on,
    days_in_month,
    full_months_between,
    month_starts,
    overlap_days,
)
from mutuelle.explain import Cited
from mutuelle.money import BP_PER_UNIT, mul_div_round, parse_euros
from mutuelle.offers.model import Offer, PricingRules, Range, Source, TariffRow
from mutuelle.pricing.checks import (
    FormulaGap,
    Majoration,
    QuoteRefused,
    age_span,
    agent_majoration,
    check_date,
    check_household,
    citation_of,
    grid,
    grid_cite,
    row_for,
    tariff_age,
)
from mutuelle.pricing.household import PROOF_LABELS, Household, Member
from mutuelle.pricing.steps import (
    FamilyCovered,
    FreeFromRank,
    NewbornFree,
    PricingStep,
    Prorata,
    Structure,
    SurchargeApplied,
    Tariff,
    TariffAge,
    ordinal,
    years,
)
from mutuelle.refusal import Code

__all__ = [
    "STRUCTURE_LABELS",
    "FormulaQuote",
    "FormulaRefusal",
    "MemberQuote",
    "MonthDue",
    "Quote",
    "QuoteRefused",
    "StructureQuote",
    "StructureRefusal",
    "ordinal",
    "quote",
    "tariff_age",
    "years",
]

# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberQuote:
    member: Member
    age: int  # tariff age (cotisation year − birth year)
    tariff_cents: int  # the grid cell (before surcharge, exemption, prorata)
    monthly_cents: int  # what a full month costs for this person (0 when free for good)
    year_cents: int  # due from the quote date to 31 December
    cite: Cited  # the grid cell
    steps: tuple[PricingStep, ...]
    free_until: dt.date | None = None  # last free day of a newborn's exemption
    notes: tuple[str, ...] = ()
    months: tuple[int, ...] = ()  # due per month, aligned with the formula's ``months``

    @property
    def source(self) -> str:
        return self.cite.staff()


@dataclass(frozen=True)
class MonthDue:
    month: dt.date  # first day of the month
    cents: int


@dataclass(frozen=True)
class StructureQuote:
    structure: str
    monthly_cents: int
    year_cents: int
    members: tuple[MemberQuote, ...]
    months: tuple[MonthDue, ...]


@dataclass(frozen=True)
class FormulaQuote:
    formula: str
    structure: str
    monthly_cents: int
    year_cents: int
    members: tuple[MemberQuote, ...]
    months: tuple[MonthDue, ...]
    alternatives: tuple[StructureQuote | StructureRefusal, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StructureRefusal:
    structure: str
    error: str
    cite: Cited
    code: Code = Code.TARIFF_GAP

    @property
    def source(self) -> str:
        return self.cite.staff()


@dataclass(frozen=True)
class FormulaRefusal:
    formula: str
    error: str
    cite: Cited
    code: Code = Code.TARIFF_GAP

    @property
    def source(self) -> str:
        return self.cite.staff()


@dataclass(frozen=True)
class Quote:
    offer: str
    range: str
    date: dt.date
    period_end: dt.date
    formulas: tuple[FormulaQuote | FormulaRefusal, ...]
    notes: tuple[str, ...] = field(default=())


STRUCTURE_LABELS = {
    "adult_child": "cotisations Adulte / Enfant",
    "student": "cotisation Étudiant",
    "family": "taux unique familial",
}


# --- entry point --------------------------------------------------------------------------


def quote(offer: Offer, household: Household, formula: str | None = None) -> Quote:
    """Quote ``household`` in every formula of its range (or only ``formula``)."""
    rng = offer.ranges.get(household.range)
    if rng is None:
        raise QuoteRefused(
            f"la gamme {household.range!r} n'existe pas dans l'offre {offer.id} "
            f"(gammes : {', '.join(offer.ranges)})",
            code=Code.RANGE,
        )
    if formula is not None:
        match = [f for f in rng.formulas if f.casefold() == formula.casefold()]
        if not match:
            raise QuoteRefused(
                f"formule inconnue {formula!r} pour la gamme {rng.label} "
                f"(formules : {', '.join(rng.formulas)})",
                code=Code.FORMULA,
            )
        formulas: Sequence[str] = match
    else:
        formulas = rng.formulas
    if household.current_formula is not None and household.current_formula not in rng.formulas:
        raise QuoteRefused(
            f"formule actuelle inconnue {household.current_formula!r} "
            f"(formules : {', '.join(rng.formulas)})",
            code=Code.FORMULA,
        )

    notes = list(check_date(offer, household.date))
    check_household(offer, rng, household)
    majoration = agent_majoration(offer, rng, household)

    results: list[FormulaQuote | FormulaRefusal] = []
    for f in formulas:
        try:
            results.append(_quote_formula(offer, rng, household, f, majoration))
        except FormulaGap as r:
            assert r.cite is not None
            results.append(FormulaRefusal(f, r.message, r.cite, r.code))
    return Quote(
        offer=offer.id,
        range=rng.id,
        date=household.date,
        period_end=dt.date(household.date.year, 12, 31),
        formulas=tuple(results),
        notes=tuple(notes),
    )


# --- per formula --------------------------------------------------------------------------


def _quote_formula(
    offer: Offer, rng: Range, hh: Household, formula: str, maj: Majoration | None
) -> FormulaQuote:
    p = rng.pricing
    structures: list[str] = [hh.structure] if hh.structure else list(p.structures)
    done: list[StructureQuote] = []
    refused: list[StructureRefusal] = []
    for s in structures:
        if s not in p.structures:
            raise QuoteRefused(
                f"structure {s!r} inconnue pour la gamme {rng.label}", code=Code.STRUCTURE
            )
        try:
            done.append(_price_structure(offer, rng, hh, formula, s, maj))
        except FormulaGap as r:
            assert r.cite is not None
            refused.append(StructureRefusal(s, r.message, r.cite, r.code))
    if not done:
        first = refused[0]
        raise FormulaGap(first.error, first.cite, code=first.code)
    best = min(done, key=lambda q: (q.year_cents, q.monthly_cents, structures.index(q.structure)))
    others: list[StructureQuote | StructureRefusal] = [q for q in done if q is not best]
    others.extend(refused)
    notes: list[str] = []
    if len(structures) > 1:
        notes.append(
            f"Structure retenue : {STRUCTURE_LABELS[best.structure]}, la moins chère sur la "
            "période (l'autre structure est chiffrée dans le détail de la formule)."
        )
    if p.starts_first_of_month and hh.date.day != 1:
        notes.append(
            "L'affiliation TNS prend effet le 1er jour du mois suivant la réception du dossier "
            f"complet ({offer.cite(p.starts_first_of_month)}) : une date d'effet au "
            f"{hh.date:%d/%m/%Y} n'est pas possible, le montant est calculé au prorata des jours."
        )
    return FormulaQuote(
        formula=formula,
        structure=best.structure,
        monthly_cents=best.monthly_cents,
        year_cents=best.year_cents,
        members=best.members,
        months=best.months,
        alternatives=tuple(others),
        notes=tuple(notes),
    )


def _cell(offer: Offer, ref: str, age: int, formula: str) -> tuple[int, TariffRow]:
    g, table = grid(offer, ref)
    row = row_for(offer, ref, age)
    if row is None:  # guarded by check_household, except the family grid
        raise FormulaGap(
            f"aucun tarif publié pour l'âge {age} ans ({age_span(offer, ref)})",
            grid_cite(offer, ref, gap="G-04"),
        )
    cell = row.eur[g.formulas.index(formula)]
    if cell is None:
        interp = g.gap_for(table, row.age, formula)
        raise FormulaGap(
            f"tarif non publié : la case « {row.text} » de la formule {formula} est vide dans "
            f"le texte (docs/interpretations.md {interp or '?'})",
            grid_cite(offer, ref, row, formula, gap=interp),
        )
    return parse_euros(cell), row


def _price_structure(
    offer: Offer,
    rng: Range,
    hh: Household,
    formula: str,
    structure: str,
    maj: Majoration | None,
) -> StructureQuote:
    p = rng.pricing
    year = hh.date.year
    lines: list[_Line] = []
    if structure == "student":
        assert p.student_grid and p.student_structure
        lines.append(
            _adult_line(
                offer,
                p,
                p.student_grid,
                p.student_structure,
                hh.adherent,
                year,
                formula,
                None,
                "Cotisation « Étudiant » du membre participant étudiant sans ayant droit",
            )
        )
        lines[-1].notes.append(
            "Joindre une attestation d'inscription dans un établissement d'enseignement "
            "supérieur (Règlement particuliers I-3-2)."
        )
    elif structure == "family":
        assert p.family_grid and p.family_structure
        lines.append(
            _adult_line(
                offer,
                p,
                p.family_grid,
                p.family_structure,
                hh.adherent,
                year,
                formula,
                None,
                "Taux unique familial : une cotisation pour le membre participant, "
                "son conjoint et ses enfants, selon l'âge du membre participant",
            )
        )
        for m in hh.members:
            if m.role != "adherent":
                lines.append(
                    _Line(
                        m,
                        tariff_age(m.birth_date, year),
                        0,
                        0,
                        citation_of(offer, p.family_structure),
                        [FamilyCovered(citation_of(offer, p.family_structure))],
                    )
                )
    else:
        assert p.adult_grid and p.child_grid and p.adult_structure and p.child_structure
        for m in hh.members:
            if m.role in ("adherent", "spouse"):
                who = "du membre participant" if m.role == "adherent" else "du conjoint"
                lines.append(
                    _adult_line(
                        offer,
                        p,
                        p.adult_grid,
                        p.adult_structure,
                        m,
                        year,
                        formula,
                        maj if m.role == "adherent" else None,
                        f"Cotisation « Adulte » {who}",
                    )
                )
        lines.extend(_child_lines(offer, p, hh, formula))

    start = hh.date
    end = dt.date(year, 12, 31)
    months = []
    per_member_months: list[list[int]] = [[] for _ in lines]
    for first in month_starts(start, end):
        dim = days_in_month(first.year, first.month)
        m_start = max(first, start)
        m_end = first.replace(day=dim)
        total = 0
        for i, line in enumerate(lines):
            covered = (m_end - m_start).days + 1
            free = sum(overlap_days(m_start, m_end, a, b) for a, b in line.free)
            days = covered - free
            due = line.monthly if days == dim else mul_div_round(line.monthly, days, dim)
            per_member_months[i].append(due)
            total += due
        months.append(MonthDue(first, total))

    prorata_step = None
    if start != dt.date(year, 1, 1):
        prorata_step = Prorata(start, year, citation_of(offer, p.prorata))
    members = []
    for line, member_months in zip(lines, per_member_months, strict=True):
        steps = list(line.steps)
        if prorata_step and line.monthly:
            steps.append(prorata_step)
        members.append(
            MemberQuote(
                member=line.member,
                age=line.age,
                tariff_cents=line.tariff,
                monthly_cents=line.monthly,
                year_cents=sum(member_months),
                cite=line.cite,
                steps=tuple(steps),
                free_until=line.free[-1][1] if line.free else None,
                notes=tuple(line.notes),
                months=tuple(member_months),
            )
        )
    return StructureQuote(
        structure=structure,
        monthly_cents=sum(line.monthly for line in lines),
        year_cents=sum(m.year_cents for m in members),
        members=tuple(members),
        months=tuple(months),
    )


@dataclass
class _Line:
    member: Member
    age: int
    tariff: int
    monthly: int
    cite: Cited
    steps: list[PricingStep]
    free: list[tuple[dt.date, dt.date]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _adult_line(
    offer: Offer,
    p: PricingRules,
    grid_ref: str,
    structure_src: Source,
    m: Member,
    year: int,
    formula: str,
    maj: Majoration | None,
    what: str,
) -> _Line:
    age = tariff_age(m.birth_date, year)
    cents, row = _cell(offer, grid_ref, age, formula)
    src = grid_cite(offer, grid_ref, row, formula)
    steps: list[PricingStep] = [
        Structure(what, citation_of(offer, structure_src)),
        TariffAge(age, year, m.birth_date.year, True, citation_of(offer, p.tariff_age)),
        Tariff(formula, row.text, cents, src),
    ]
    monthly = cents
    if maj is not None:
        steps.extend(maj.steps)
        if maj.bp:
            monthly = mul_div_round(cents, BP_PER_UNIT + maj.bp, BP_PER_UNIT)
            steps.append(SurchargeApplied(cents, maj.bp, monthly, steps[-1].cite))
    return _Line(m, age, cents, monthly, src, steps)


def _child_lines(offer: Offer, p: PricingRules, hh: Household, formula: str) -> list[_Line]:
    assert p.child_grid and p.child_structure
    year = hh.date.year
    children = sorted(hh.children, key=lambda c: (c.birth_date, c.index))
    lines = []
    for rank, child in enumerate(children, start=1):
        age = tariff_age(child.birth_date, year)
        cents, row = _cell(offer, p.child_grid, age, formula)
        src = grid_cite(offer, p.child_grid, row, formula)
        steps: list[PricingStep] = [
            Structure(
                "Cotisation « Enfant » d'un enfant à charge", citation_of(offer, p.child_structure)
            ),
            TariffAge(age, year, child.birth_date.year, False, citation_of(offer, p.tariff_age)),
            Tariff(formula, row.text, cents, src),
        ]
        line = _Line(child, age, cents, cents, src, steps)
        c = p.children
        age_jan1 = age_on(child.birth_date, dt.date(year, 1, 1))
        if age_jan1 >= c.max_age_without_proof and not child.disabled and child.proof:
            line.notes.append(
                f"Ayant droit de plus de {c.max_age_without_proof - 1} ans : justificatif à "
                f"fournir chaque année ({PROOF_LABELS[child.proof]})."
            )
        if child.disabled and age_jan1 >= c.max_age_without_proof:
            line.notes.append(
                "Enfant à charge quel que soit son âge : infirmité survenue avant 18 ans, carte "
                "mobilité inclusion mention « invalidité » à fournir."
            )
        free_rank = p.child_free_from_rank
        if free_rank is not None and rank >= free_rank.value:
            line.monthly = 0
            line.steps.append(
                FreeFromRank(rank, free_rank.value, citation_of(offer, free_rank.source))
            )
        elif p.newborn_free_months is not None:
            table = {r.rank: r for r in p.newborn_free_months.value}
            rule = table.get(rank)
            if rule is not None:
                since = hh.formula_since if formula == hh.current_formula else hh.date
                assert since is not None
                seniority = full_months_between(since, child.birth_date)
                long = seniority >= 12
                n = rule.months_over_12 if long else rule.months_under_12
                free_end = add_months(child.birth_date, n) - dt.timedelta(days=1)
                if free_end >= hh.date:  # the exemption still runs in the quoted period
                    line.free.append((child.birth_date, free_end))
                    line.steps.append(
                        NewbornFree(
                            rank,
                            n,
                            child.birth_date,
                            free_end,
                            long,
                            citation_of(offer, p.newborn_free_months.source),
                        )
                    )
        lines.append(line)
    return lines
