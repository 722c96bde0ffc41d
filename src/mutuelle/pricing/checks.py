"""What a household must be before it can be quoted, and where the grids' values are.

* the date: the offer's validity, then the convention's price guarantee (docs I-09);
* the member's minimum age, the student rate for a student alone (Règlement particuliers I-2,
  I-8), a tariff in the grid for every tariff age (docs G-04);
* the children: dependants under 21 on 1 January, under 28 with a proof, or disabled (the
  definitions of the règlements);
* the agents' late-entry surcharge (Règlement agents, Cotisations 1-1, docs I-07, G-03).

Each refusal is a :class:`QuoteRefused` (a :class:`mutuelle.refusal.Refusal`) with its code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from mutuelle.dates import add_years, age_on, full_years_between
from mutuelle.explain import Cited
from mutuelle.offers.model import Offer, PricingRules, Range, Source, TariffGrid, TariffRow
from mutuelle.pricing.household import PROOF_LABELS, Household, Member
from mutuelle.pricing.steps import LateSurcharge, NoSurcharge, PricingStep, TransmittedSurcharge
from mutuelle.refusal import Code, Refusal

_T = TypeVar("_T")

# The values below are pure functions of an immutable offer and a few hashable arguments (a
# grid's row, a citation): computed once per offer and argument, not once per member and quote
# (30 000 households quoted by the yearly call, bench/billing.py). One offer at a time is
# kept (the last one used); the pair is replaced whole, so a thread never reads another
# offer's values.
_MEMO: list[tuple[Offer | None, dict[Hashable, Any]]] = [(None, {})]


def per_offer(offer: Offer, key: Hashable, make: Callable[[], _T]) -> _T:
    """``make()`` memoised for ``offer`` and ``key`` (tests/test_pricing_properties.py: the
    quotes with a warm memo equal the quotes with an empty one)."""
    held, values = _MEMO[0]
    if held is not offer:
        values = {}
        _MEMO[0] = (offer, values)
    try:
        value: _T = values[key]
    except KeyError:
        value = values[key] = make()
    return value


def forget_memo() -> None:
    _MEMO[0] = (None, {})


def citation_of(offer: Offer, src: Source) -> Cited:
    """``offer.citation(src)``, memoised per offer."""
    return per_offer(offer, ("citation", src), lambda: offer.citation(src))


class QuoteRefused(Refusal):
    """The household cannot be quoted in any formula of the range; says why and where."""


class FormulaGap(Refusal):
    """One formula (or one structure) cannot be priced: a blank cell of the grid."""

    default_code = Code.TARIFF_GAP


def tariff_age(birth: dt.date, year: int) -> int:
    """Règlement particuliers III-1-1: "calculé par différence entre l'année en cours et
    l'année de naissance de l'Assuré"."""
    return year - birth.year


def check_date(offer: Offer, date: dt.date) -> list[str]:
    if date < offer.valid_from:
        raise QuoteRefused(
            f"l'offre {offer.id} s'applique à partir du {offer.valid_from:%d/%m/%Y} ; "
            f"aucun tarif pour le {date:%d/%m/%Y}",
            code=Code.OFFER_DATE,
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
        f"{(g.until if g else offer.valid_to):%d/%m/%Y})",
        code=Code.OFFER_DATE,
    )


def grid(offer: Offer, ref: str) -> tuple[TariffGrid, str]:
    grid_id, _, table = ref.partition(".")
    return offer.grids[grid_id], table


def row_for(offer: Offer, ref: str, age: int) -> TariffRow | None:
    return per_offer(offer, ("row", ref, age), lambda: _row_for(offer, ref, age))


def _row_for(offer: Offer, ref: str, age: int) -> TariffRow | None:
    g, table = grid(offer, ref)
    for row in g.tables[table].rows:  # type: ignore[index]
        if row.covers(age):
            return row
    return None


def age_span(offer: Offer, ref: str) -> str:
    g, table = grid(offer, ref)
    rows = g.tables[table].rows  # type: ignore[index]
    last = rows[-1]
    hi = "et plus" if last.age_max is None else f"à {last.age_max} ans"
    return f"de {rows[0].age_min} {hi}"


def grid_cite(
    offer: Offer, ref: str, row: TariffRow | None = None, formula: str = "", gap: str | None = None
) -> Cited:
    """The grid's table, or its row (and formula), as a source; ``gap``: the entry of a blank
    cell (its plain words for residents). Memoised per offer."""
    return per_offer(
        offer, ("grid", ref, row, formula, gap), lambda: _grid_cite(offer, ref, row, formula, gap)
    )


def _grid_cite(
    offer: Offer, ref: str, row: TariffRow | None, formula: str, gap: str | None
) -> Cited:
    g, table = grid(offer, ref)
    t = g.tables[table]  # type: ignore[index]
    key, doc = next(
        ((k, d) for k, d in offer.documents.items() if d.title.startswith(g.document[:10])),
        (g.id, offer.documents[g.id]),
    )
    where = f"tableau « {t.heading} »"
    if row is not None:
        where += f", ligne « {row.text} »"
        if formula:
            where += f", {formula}"
    place = dataclasses.replace(
        doc.citation(key, where, row.line if row is not None else t.line, table=True), seed=g.seed
    )
    readings = (row.interpretation,) if row is not None and row.interpretation else ()
    cited = offer.sourced((place,), readings)
    if gap:
        cited = dataclasses.replace(cited, gap=offer.sourced((), (gap,)).gap)
    return cited


def check_household(offer: Offer, rng: Range, hh: Household) -> None:
    p = rng.pricing
    year = hh.date.year
    adherent = hh.adherent
    civil = age_on(adherent.birth_date, hh.date)
    if civil < p.member_min_age.value:
        raise QuoteRefused(
            f"le membre participant a {civil} ans : il faut avoir au moins "
            f"{p.member_min_age.value} ans pour adhérer",
            citation_of(offer, p.member_min_age.source),
            code=Code.MEMBER_AGE,
        )

    if "student" in p.structures:
        assert p.student_grid and p.student_structure
        if len(hh.members) > 1:
            raise QuoteRefused(
                "le tarif étudiant est réservé au membre participant étudiant sans ayant droit ; "
                "un foyer avec conjoint ou enfants se chiffre dans la gamme residents",
                citation_of(offer, p.student_structure),
                code=Code.STUDENT_DEPENDANTS,
            )
        age = tariff_age(adherent.birth_date, year)
        if row_for(offer, p.student_grid, age) is None:
            raise QuoteRefused(
                f"la grille étudiante publie des tarifs {age_span(offer, p.student_grid)} ; "
                f"aucun tarif étudiant pour un âge de {age} ans",
                grid_cite(offer, p.student_grid, gap="G-04"),
                code=Code.TARIFF_GAP,
            )
        return

    assert p.adult_grid and p.child_grid
    for m in hh.members:
        age = tariff_age(m.birth_date, year)
        if m.role in ("adherent", "spouse"):
            if row_for(offer, p.adult_grid, age) is None:
                raise QuoteRefused(
                    f"{m.label} : âge tarifaire {age} ans ; la grille adulte publie des tarifs "
                    f"{age_span(offer, p.adult_grid)}, aucun tarif pour cet âge "
                    "(docs/interpretations.md G-04)",
                    grid_cite(offer, p.adult_grid, gap="G-04"),
                    code=Code.TARIFF_GAP,
                )
            continue
        check_child(offer, p, m, hh.date)
        if row_for(offer, p.child_grid, age) is None:
            raise QuoteRefused(
                f"{m.label} : âge tarifaire {age} ans ; la grille enfant publie des tarifs "
                f"{age_span(offer, p.child_grid)}, aucun tarif pour cet âge "
                "(docs/interpretations.md G-04)",
                grid_cite(offer, p.child_grid, gap="G-04"),
                code=Code.TARIFF_GAP,
            )


def check_child(offer: Offer, p: PricingRules, child: Member, date: dt.date) -> None:
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
            citation_of(offer, c.source),
            code=Code.CHILD_PROOF,
        )
    raise QuoteRefused(
        f"{child.label} : {age_jan1} ans au 1er janvier {date.year} ; au-delà de "
        f"{c.max_age_with_proof - 1} ans un enfant (non invalide) n'est plus ayant droit et "
        "doit adhérer comme membre participant",
        citation_of(offer, c.over_age_source),
        code=Code.CHILD_OVER_AGE,
    )


# --- agents' late-entry surcharge ---------------------------------------------------------


def needs_agent_facts(offer: Offer, range_id: str, birth: dt.date, on: dt.date) -> bool:
    """Whether the range's late-entry surcharge needs the agent's entry into the public service
    and last reference cover: past ``min_age`` on the start of cover (Règlement agents,
    Cotisations 1-1)."""
    rng = offer.ranges.get(range_id)  # type: ignore[call-overload]
    rule = rng.pricing.agent_majoration if rng is not None else None
    return rule is not None and age_on(birth, on) > rule.min_age


@dataclass(frozen=True)
class Majoration:
    bp: int
    steps: tuple[PricingStep, ...]


def agent_majoration(offer: Offer, rng: Range, hh: Household) -> Majoration | None:
    """Règlement agents, Cotisations 1-1: 2 % per year not covered by a reference guarantee
    after 30, counted from the latest of 10 Nov 2011, entry into public service (+ 2 years of
    grace), the 30th birthday and the end of the last reference cover; plus the coefficient
    transmitted by the previous insurer. See docs I-07 and G-03."""
    rule = rng.pricing.agent_majoration
    if rule is None:
        return None
    agent = hh.adherent
    src = citation_of(offer, rule.source)
    civil = age_on(agent.birth_date, hh.date)
    facts = agent.agent
    transmitted = facts.transmitted_majoration_bp if facts else 0
    if civil <= rule.min_age:
        if not transmitted:
            return Majoration(0, (NoSurcharge(civil, rule.min_age, src),))
        return Majoration(transmitted, (TransmittedSurcharge(transmitted, src),))
    if facts is None or facts.public_service_entry is None:
        raise QuoteRefused(
            f"agent de plus de {rule.min_age} ans : la cotisation dépend de la date d'entrée "
            "dans la fonction publique et de la dernière garantie de référence — indiquez "
            '"agent": {"public_service_entry": "AAAA-MM-JJ", '
            '"last_reference_cover_end": "AAAA-MM-JJ" ou null}',
            src,
            code=Code.AGENT_FACTS,
        )
    entry = facts.public_service_entry
    if entry > hh.date:
        raise QuoteRefused(
            "agent : date d'entrée dans la fonction publique postérieure au devis",
            code=Code.AGENT_FACTS,
        )
    starts = {
        "le 10 novembre 2011": rule.reference_date,
        # the step adds the date (it was said twice, issue 9)
        f"la fin des {rule.grace_years} premières années d'ancienneté": add_years(
            entry, rule.grace_years
        ),
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
                dataclasses.replace(src, gap=offer.sourced((), (rule.gap_interpretation,)).gap),
                code=Code.AGENT_GAP,
            )
        from_list = add_years(rule.first_label_list_published, 2)
        if from_list > start:
            start_label, start = "la deuxième année suivant la première liste labellisée", from_list
            years = full_years_between(start, hh.date)
    bp = years * rule.rate_bp_per_year + transmitted
    return Majoration(
        bp,
        (LateSurcharge(years, start_label, start, rule.rate_bp_per_year, transmitted, bp, src),),
    )
