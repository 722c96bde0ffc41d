"""What a baby born into a household would save, formula by formula.

Règlement particuliers III-1-3 and agents Cotisations 1-3 (a newborn covered free for some
months, by rank and by the member's seniority in the formula; free from the 4th child), TNS
art. 8.1 and 8.2 (the « taux unique familial » does not change with one more child; free from
the 3rd child); docs I-02, I-05, I-75. The saving is the child tariff of the formula times the
free months, as the quote of the household with one more child prices it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mutuelle.explain import Cited
from mutuelle.money import format_euros
from mutuelle.offers.model import Offer
from mutuelle.pricing.checks import QuoteRefused
from mutuelle.pricing.engine import FormulaQuote, quote
from mutuelle.pricing.household import Household, Member
from mutuelle.pricing.steps import ordinal


@dataclass(frozen=True)
class NewbornSaving:
    text: str  # in plain French, for the household
    months: tuple[int, int] | None  # (seniority under 12 months, 12 months or more)
    saving_cents: tuple[int, int] | None
    cite: Cited

    @property
    def source(self) -> str:
        return self.cite.staff()


def newborn_savings(offer: Offer, hh: Household) -> Mapping[str, NewbornSaving]:
    """Formula → what a baby born on the quote's date would save (formulas the texts price)."""
    p = offer.ranges[hh.range].pricing
    if "adult_child" not in p.structures:
        return {}  # students: no dependants
    rank = len(hh.children) + 1
    baby = Member(role="child", birth_date=hh.date, index=len(hh.members), name="bébé")
    try:
        q = quote(offer, Household(hh.range, hh.date, (*hh.members, baby)))
    except QuoteRefused:
        return {}
    rank_word = ordinal(rank)
    out: dict[str, NewbornSaving] = {}
    for f in q.formulas:
        if not isinstance(f, FormulaQuote):
            continue
        if f.structure == "family":
            assert p.family_structure is not None
            out[f.formula] = NewbornSaving(
                "Avec le taux unique familial, un enfant de plus ne change pas la cotisation.",
                None,
                None,
                offer.citation(p.family_structure),
            )
            continue
        tariff = next(m.tariff_cents for m in f.members if m.member.name == "bébé")
        if p.child_free_from_rank is not None and rank >= p.child_free_from_rank.value:
            out[f.formula] = NewbornSaving(
                # Not a saving on the bill (issue 9): what a child costs in this formula,
                # that the next one would not pay.
                f"Un {rank_word} enfant serait couvert sans cotisation : à son âge, un enfant "
                f"coûte {format_euros(12 * tariff)} par an ({format_euros(tariff)} par mois) "
                "dans cette formule, que vous n'auriez pas à payer pour lui.",
                None,
                (12 * tariff, 12 * tariff),
                offer.citation(p.child_free_from_rank.source),
            )
            continue
        if p.newborn_free_months is None:
            continue
        rule = next((r for r in p.newborn_free_months.value if r.rank == rank), None)
        if rule is None:
            continue
        under, over = rule.months_under_12, rule.months_over_12
        text = (
            f"Un bébé ({rank_word} enfant) est couvert gratuitement {under} mois après sa "
            f"naissance, soit {format_euros(under * tariff)} d'économie"
        )
        if over != under:
            text += (
                f" ; {over} mois ({format_euros(over * tariff)}) si vous êtes dans la formule "
                "depuis plus de 12 mois à sa naissance"
            )
        out[f.formula] = NewbornSaving(
            text + ".",
            (under, over),
            (under * tariff, over * tariff),
            offer.citation(p.newborn_free_months.source),
        )
    return out
