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
    add_years,
    age_on,
    days_in_month,
    full_months_between,
    full_years_between,
    month_starts,
    overlap_days,
)
from mutuelle.explain import Step
from mutuelle.money import BP_PER_UNIT, format_euros, format_rate, mul_div_round, parse_euros
from mutuelle.offers.model import Offer, PricingRules, Range, Source, TariffGrid, TariffRow
from mutuelle.pricing.household import PROOF_LABELS, Household, Member

# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberQuote:
    member: Member
    age: int  # tariff age (cotisation year − birth year)
    tariff_cents: int  # the grid cell (before surcharge, exemption, prorata)
    monthly_cents: int  # what a full month costs for this person (0 when free for good)
    year_cents: int  # due from the quote date to 31 December
    source: str  # the grid cell
    steps: tuple[Step, ...]
    free_until: dt.date | None = None  # last free day of a newborn's exemption
    notes: tuple[str, ...] = ()
    months: tuple[int, ...] = ()  # due per month, aligned with the formula's ``months``


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
    source: str


@dataclass(frozen=True)
class FormulaRefusal:
    formula: str
    error: str
    source: str


@dataclass(frozen=True)
class Quote:
    offer: str
    range: str
    date: dt.date
    period_end: dt.date
    formulas: tuple[FormulaQuote | FormulaRefusal, ...]
    notes: tuple[str, ...] = field(default=())


class QuoteRefused(Exception):
    """The household cannot be quoted in any formula of the range; says why and where."""

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return f"{self.message} ({self.source})" if self.source else self.message


class _Refused(Exception):
    def __init__(self, message: str, source: str) -> None:
        super().__init__(message)
        self.message = message
        self.source = source


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
            f"(gammes : {', '.join(offer.ranges)})"
        )
    if formula is not None:
        match = [f for f in rng.formulas if f.casefold() == formula.casefold()]
        if not match:
            raise QuoteRefused(
                f"formule inconnue {formula!r} pour la gamme {rng.label} "
                f"(formules : {', '.join(rng.formulas)})"
            )
        formulas: Sequence[str] = match
    else:
        formulas = rng.formulas
    if household.current_formula is not None and household.current_formula not in rng.formulas:
        raise QuoteRefused(
            f"formule actuelle inconnue {household.current_formula!r} "
            f"(formules : {', '.join(rng.formulas)})"
        )

    notes = list(_check_date(offer, household.date))
    _check_household(offer, rng, household)
    majoration = _agent_majoration(offer, rng, household)

    results: list[FormulaQuote | FormulaRefusal] = []
    for f in formulas:
        try:
            results.append(_quote_formula(offer, rng, household, f, majoration))
        except _Refused as r:
            results.append(FormulaRefusal(f, r.message, r.source))
    return Quote(
        offer=offer.id,
        range=rng.id,
        date=household.date,
        period_end=dt.date(household.date.year, 12, 31),
        formulas=tuple(results),
        notes=tuple(notes),
    )


# --- household-level checks ---------------------------------------------------------------


def years(n: int) -> str:
    return f"{n} an" if n <= 1 else f"{n} ans"


def ordinal(n: int) -> str:
    """French ordinal abbreviation: 1er, 2e, 3e…"""
    return "1er" if n == 1 else f"{n}e"


def tariff_age(birth: dt.date, year: int) -> int:
    """Règlement particuliers III-1-1: "calculé par différence entre l'année en cours et
    l'année de naissance de l'Assuré"."""
    return year - birth.year


def _check_date(offer: Offer, date: dt.date) -> list[str]:
    if date < offer.valid_from:
        raise QuoteRefused(
            f"l'offre {offer.id} s'applique à partir du {offer.valid_from:%d/%m/%Y} ; "
            f"aucun tarif pour le {date:%d/%m/%Y}"
        )
    if date <= offer.valid_to:
        return []
    g = offer.price_guarantee
    if g is not None and date <= g.until:
        return [
            f"Tarifs {offer.valid_from.year} appliqués en {date.year} : la convention garantit "
            f"les cotisations pendant sa durée, sauf revalorisation au 1er janvier si le rapport "
            f"P/C dépasse 110 % ({offer.cite(g.source)})."
        ]
    raise QuoteRefused(
        f"l'offre {offer.id} ne publie pas de tarif pour {date.year} "
        f"(grilles {offer.valid_from.year}, garantie de prix jusqu'au "
        f"{(g.until if g else offer.valid_to):%d/%m/%Y})"
    )


def _grid(offer: Offer, ref: str) -> tuple[TariffGrid, str]:
    grid_id, _, table = ref.partition(".")
    return offer.grids[grid_id], table


def _row(offer: Offer, ref: str, age: int) -> TariffRow | None:
    grid, table = _grid(offer, ref)
    for row in grid.tables[table].rows:  # type: ignore[index]
        if row.covers(age):
            return row
    return None


def _age_span(offer: Offer, ref: str) -> str:
    grid, table = _grid(offer, ref)
    rows = grid.tables[table].rows  # type: ignore[index]
    last = rows[-1]
    hi = "et plus" if last.age_max is None else f"à {last.age_max} ans"
    return f"de {rows[0].age_min} {hi}"


def _grid_source(offer: Offer, ref: str, row: TariffRow | None = None, formula: str = "") -> str:
    grid, table = _grid(offer, ref)
    t = grid.tables[table]  # type: ignore[index]
    doc = next(
        (d for d in offer.documents.values() if d.title.startswith(grid.document[:10])), None
    )
    short = doc.short if doc else grid.document
    where = f"{short}, tableau « {t.heading} »"
    if row is not None:
        where += f", ligne « {row.text} »"
        if formula:
            where += f", {formula}"
        where += f" ({grid.seed} l. {row.line})"
    else:
        where += f" ({grid.seed} l. {t.line})"
    if row is not None and row.interpretation:
        where += f" — lecture docs/interpretations.md {row.interpretation}"
    return where


def _check_household(offer: Offer, rng: Range, hh: Household) -> None:
    p = rng.pricing
    year = hh.date.year
    adherent = hh.adherent
    civil = age_on(adherent.birth_date, hh.date)
    if civil < p.member_min_age.value:
        raise QuoteRefused(
            f"le membre participant a {civil} ans : il faut avoir au moins "
            f"{p.member_min_age.value} ans pour adhérer",
            offer.cite(p.member_min_age.source),
        )

    if "student" in p.structures:
        assert p.student_grid and p.student_structure
        if len(hh.members) > 1:
            raise QuoteRefused(
                "le tarif étudiant est réservé au membre participant étudiant sans ayant droit ; "
                "un foyer avec conjoint ou enfants se chiffre dans la gamme residents",
                offer.cite(p.student_structure),
            )
        age = tariff_age(adherent.birth_date, year)
        if _row(offer, p.student_grid, age) is None:
            raise QuoteRefused(
                f"la grille étudiante publie des tarifs {_age_span(offer, p.student_grid)} ; "
                f"aucun tarif étudiant pour un âge de {age} ans",
                _grid_source(offer, p.student_grid),
            )
        return

    assert p.adult_grid and p.child_grid
    for m in hh.members:
        age = tariff_age(m.birth_date, year)
        if m.role in ("adherent", "spouse"):
            if _row(offer, p.adult_grid, age) is None:
                raise QuoteRefused(
                    f"{m.label} : âge tarifaire {age} ans ; la grille adulte publie des tarifs "
                    f"{_age_span(offer, p.adult_grid)}, aucun tarif pour cet âge "
                    "(docs/interpretations.md G-04)",
                    _grid_source(offer, p.adult_grid),
                )
            continue
        _check_child(offer, p, m, hh.date)
        if _row(offer, p.child_grid, age) is None:
            raise QuoteRefused(
                f"{m.label} : âge tarifaire {age} ans ; la grille enfant publie des tarifs "
                f"{_age_span(offer, p.child_grid)}, aucun tarif pour cet âge "
                "(docs/interpretations.md G-04)",
                _grid_source(offer, p.child_grid),
            )


def _check_child(offer: Offer, p: PricingRules, child: Member, date: dt.date) -> None:
    """Children are dependants under 21 on 1 January, under 28 with a proof, or disabled."""
    c = p.children
    jan1 = dt.date(date.year, 1, 1)
    age_jan1 = age_on(child.birth_date, jan1)
    if age_jan1 < c.max_age_without_proof:
        return
    if child.disabled and c.disabled_any_age:
        return
    if age_jan1 < c.max_age_with_proof:
        if child.proof in c.proofs:
            return
        wanted = ", ".join(f"{k} ({PROOF_LABELS[k]})" for k in c.proofs)
        raise QuoteRefused(
            f"{child.label} : {age_jan1} ans au 1er janvier {date.year} ; un enfant de "
            f"{c.max_age_without_proof} à {c.max_age_with_proof - 1} ans n'est ayant droit "
            f'qu\'avec un justificatif — indiquez "proof" parmi : {wanted}',
            offer.cite(c.source),
        )
    raise QuoteRefused(
        f"{child.label} : {age_jan1} ans au 1er janvier {date.year} ; au-delà de "
        f"{c.max_age_with_proof - 1} ans un enfant (non invalide) n'est plus ayant droit et "
        "doit adhérer comme membre participant",
        offer.cite(c.over_age_source),
    )


# --- agents' late-entry surcharge ---------------------------------------------------------


@dataclass(frozen=True)
class _Majoration:
    bp: int
    steps: tuple[Step, ...]


def _agent_majoration(offer: Offer, rng: Range, hh: Household) -> _Majoration | None:
    """Règlement agents, Cotisations 1-1: 2 % per year not covered by a reference guarantee
    after 30, counted from the latest of 10 Nov 2011, entry into public service (+ 2 years of
    grace), the 30th birthday and the end of the last reference cover; plus the coefficient
    transmitted by the previous insurer. See docs I-07 and G-03."""
    rule = rng.pricing.agent_majoration
    if rule is None:
        return None
    agent = hh.adherent
    src = offer.cite(rule.source)
    civil = age_on(agent.birth_date, hh.date)
    facts = agent.agent
    transmitted = facts.transmitted_majoration_bp if facts else 0
    if civil <= rule.min_age:
        if not transmitted:
            return _Majoration(
                0,
                (
                    Step(
                        f"Pas de majoration tardive : l'agent a {civil} ans, la majoration ne "
                        f"porte que sur les années non cotisées après {rule.min_age} ans.",
                        src,
                    ),
                ),
            )
        return _Majoration(
            transmitted,
            (
                Step(
                    f"Coefficient de majoration transmis par le précédent organisme : "
                    f"{format_rate(transmitted)}.",
                    src,
                ),
            ),
        )
    if facts is None or facts.public_service_entry is None:
        raise QuoteRefused(
            f"agent de plus de {rule.min_age} ans : la cotisation dépend de la date d'entrée "
            "dans la fonction publique et de la dernière garantie de référence — indiquez "
            '"agent": {"public_service_entry": "AAAA-MM-JJ", '
            '"last_reference_cover_end": "AAAA-MM-JJ" ou null}',
            src,
        )
    entry = facts.public_service_entry
    if entry > hh.date:
        raise QuoteRefused("agent : date d'entrée dans la fonction publique postérieure au devis")
    starts = {
        "le 10 novembre 2011": rule.reference_date,
        f"la fin des {rule.grace_years} premières années d'ancienneté "
        f"({add_years(entry, rule.grace_years):%d/%m/%Y})": add_years(entry, rule.grace_years),
        f"le {rule.min_age}e anniversaire": add_years(agent.birth_date, rule.min_age),
    }
    if facts.last_reference_cover_end is not None:
        starts["la fin de la dernière garantie de référence"] = facts.last_reference_cover_end
    start_label, start = max(starts.items(), key=lambda kv: kv[1])
    years = full_years_between(start, hh.date)
    if years > 0 and entry <= rule.reference_date:
        if rule.first_label_list_published is None:
            raise QuoteRefused(
                "agent en fonction au 10 novembre 2011 : la majoration ne court qu'à compter de "
                "la deuxième année suivant la publication de la première liste des contrats "
                "labellisés, date que les textes ne donnent pas "
                f"(docs/interpretations.md {rule.gap_interpretation})",
                src,
            )
        from_list = add_years(rule.first_label_list_published, 2)
        if from_list > start:
            start_label, start = "la deuxième année suivant la première liste labellisée", from_list
            years = full_years_between(start, hh.date)
    bp = years * rule.rate_bp_per_year + transmitted
    text = (
        f"Majoration d'adhésion tardive : {years} année(s) entière(s) non cotisée(s) depuis "
        f"{start_label} ({start:%d/%m/%Y}) × {format_rate(rule.rate_bp_per_year)}"
    )
    if transmitted:
        text += f" + coefficient transmis {format_rate(transmitted)}"
    text += f" = {format_rate(bp)} sur la cotisation de l'agent."
    return _Majoration(bp, (Step(text, src),))


# --- per formula --------------------------------------------------------------------------


def _quote_formula(
    offer: Offer, rng: Range, hh: Household, formula: str, maj: _Majoration | None
) -> FormulaQuote:
    p = rng.pricing
    structures: list[str] = [hh.structure] if hh.structure else list(p.structures)
    done: list[StructureQuote] = []
    refused: list[StructureRefusal] = []
    for s in structures:
        if s not in p.structures:
            raise QuoteRefused(f"structure {s!r} inconnue pour la gamme {rng.label}")
        try:
            done.append(_price_structure(offer, rng, hh, formula, s, maj))
        except _Refused as r:
            refused.append(StructureRefusal(s, r.message, r.source))
    if not done:
        first = refused[0]
        raise _Refused(first.error, first.source)
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
    grid, table = _grid(offer, ref)
    row = _row(offer, ref, age)
    if row is None:  # guarded by _check_household, except the family grid
        raise _Refused(
            f"aucun tarif publié pour l'âge {age} ans ({_age_span(offer, ref)})",
            _grid_source(offer, ref),
        )
    cell = row.eur[grid.formulas.index(formula)]
    if cell is None:
        interp = grid.gap_for(table, row.age, formula) or "?"
        raise _Refused(
            f"tarif non publié : la case « {row.text} » de la formule {formula} est vide dans "
            f"le texte (docs/interpretations.md {interp})",
            _grid_source(offer, ref, row, formula),
        )
    return parse_euros(cell), row


def _price_structure(
    offer: Offer,
    rng: Range,
    hh: Household,
    formula: str,
    structure: str,
    maj: _Majoration | None,
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
                        "",
                        [
                            Step(
                                "Couvert par le taux unique familial du membre participant.",
                                offer.cite(p.family_structure),
                            )
                        ],
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
        prorata_step = Step(
            f"Cotisation due du {start:%d/%m/%Y} au 31/12/{year} : chaque mois entier au "
            "tarif mensuel, un mois commencé au prorata de ses jours.",
            offer.cite(p.prorata),
        )
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
                source=line.source,
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
    source: str
    steps: list[Step]
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
    maj: _Majoration | None,
    what: str,
) -> _Line:
    age = tariff_age(m.birth_date, year)
    cents, row = _cell(offer, grid_ref, age, formula)
    src = _grid_source(offer, grid_ref, row, formula)
    steps = [
        Step(f"{what}.", offer.cite(structure_src)),
        Step(
            f"Âge tarifaire {years(age)} = {year} − {m.birth_date.year} (année de naissance).",
            offer.cite(p.tariff_age),
        ),
        Step(f"Tarif mensuel {formula}, ligne « {row.text} » : {format_euros(cents)}.", src),
    ]
    monthly = cents
    if maj is not None:
        steps.extend(maj.steps)
        if maj.bp:
            monthly = mul_div_round(cents, BP_PER_UNIT + maj.bp, BP_PER_UNIT)
            steps.append(
                Step(
                    f"{format_euros(cents)} × (1 + {format_rate(maj.bp)}) = "
                    f"{format_euros(monthly)} (arrondi au centime le plus proche).",
                    steps[-1].source,
                )
            )
    return _Line(m, age, cents, monthly, src, steps)


def _child_lines(offer: Offer, p: PricingRules, hh: Household, formula: str) -> list[_Line]:
    assert p.child_grid and p.child_structure
    year = hh.date.year
    children = sorted(hh.children, key=lambda c: (c.birth_date, c.index))
    lines = []
    for rank, child in enumerate(children, start=1):
        age = tariff_age(child.birth_date, year)
        cents, row = _cell(offer, p.child_grid, age, formula)
        src = _grid_source(offer, p.child_grid, row, formula)
        steps = [
            Step("Cotisation « Enfant » d'un enfant à charge.", offer.cite(p.child_structure)),
            Step(
                f"Âge tarifaire {years(age)} = {year} − {child.birth_date.year}.",
                offer.cite(p.tariff_age),
            ),
            Step(f"Tarif mensuel {formula}, ligne « {row.text} » : {format_euros(cents)}.", src),
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
                Step(
                    f"{ordinal(rank)} enfant (par ordre de naissance) : cotisation gratuite à "
                    f"compter du {ordinal(free_rank.value)} enfant.",
                    offer.cite(free_rank.source),
                )
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
                cond = "12 mois consécutifs ou plus" if long else "moins de 12 mois consécutifs"
                if free_end >= hh.date:  # the exemption still runs in the quoted period
                    line.free.append((child.birth_date, free_end))
                    line.steps.append(
                        Step(
                            f"{ordinal(rank)} enfant couvert gratuitement {n} mois à compter de sa "
                            f"naissance ({child.birth_date:%d/%m/%Y}), soit jusqu'au "
                            f"{free_end:%d/%m/%Y} inclus : le membre participant compte {cond} "
                            "d'appartenance à la formule à la naissance.",
                            offer.cite(p.newborn_free_months.source),
                        )
                    )
        lines.append(line)
    return lines
