"""The steps of a contribution: one frozen dataclass per kind, its numbers as fields.

Each step carries its rule id (``pricing.*``) and its source (:class:`mutuelle.explain.Cited`:
the article or the grid cell, staff and public renderings); :func:`render` phrases it
(``match`` over the kinds, ``assert_never`` when one is missing). ``step.rule`` is the sentence
and ``step.source`` the staff citation, as every core's steps (:class:`mutuelle.explain.Step`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar, assert_never

from mutuelle.explain import Cited
from mutuelle.money import format_euros, format_rate


def years(n: int) -> str:
    return f"{n} an" if n <= 1 else f"{n} ans"


def ordinal(n: int) -> str:
    """French ordinal abbreviation: 1er, 2e, 3e…"""
    return "1er" if n == 1 else f"{n}e"


class _Step:
    __slots__ = ()
    rule_id: ClassVar[str]
    cite: Cited

    @property
    def rule(self) -> str:
        return render(self)  # type: ignore[arg-type]

    @property
    def source(self) -> str:
        return self.cite.staff()


@dataclass(frozen=True, slots=True)
class Structure(_Step):
    """The structure of contribution that applies to a person (Règlement I-8, TNS art. 8.1)."""

    rule_id = "pricing.structure"
    what: str
    cite: Cited


@dataclass(frozen=True, slots=True)
class FamilyCovered(_Step):
    rule_id = "pricing.family"
    cite: Cited


@dataclass(frozen=True, slots=True)
class TariffAge(_Step):
    """Cotisation year − birth year (Règlement particuliers III-1-1)."""

    rule_id = "pricing.tariff_age"
    age: int
    year: int
    birth_year: int
    says_birth: bool  # « (année de naissance) »
    cite: Cited


@dataclass(frozen=True, slots=True)
class Tariff(_Step):
    rule_id = "pricing.tariff"
    formula: str
    row: str  # the grid row as printed
    cents: int
    cite: Cited


@dataclass(frozen=True, slots=True)
class NoSurcharge(_Step):
    rule_id = "pricing.agent_surcharge"
    age: int
    min_age: int
    cite: Cited


@dataclass(frozen=True, slots=True)
class TransmittedSurcharge(_Step):
    rule_id = "pricing.agent_surcharge"
    bp: int
    cite: Cited


@dataclass(frozen=True, slots=True)
class LateSurcharge(_Step):
    """Règlement agents, Cotisations 1-1: 2 % per uncovered year after 30 (docs I-07)."""

    rule_id = "pricing.agent_surcharge"
    years: int
    since_label: str
    since: dt.date
    rate_bp: int
    transmitted_bp: int
    bp: int
    cite: Cited


@dataclass(frozen=True, slots=True)
class SurchargeApplied(_Step):
    rule_id = "pricing.agent_surcharge"
    cents: int
    bp: int
    monthly_cents: int
    cite: Cited


@dataclass(frozen=True, slots=True)
class FreeFromRank(_Step):
    """Free from the 4th child (Règlement particuliers III-1-3; TNS art. 8.2 from the 3rd)."""

    rule_id = "pricing.free_from_rank"
    rank: int
    from_rank: int
    cite: Cited


@dataclass(frozen=True, slots=True)
class NewbornFree(_Step):
    """A newborn's free months by rank and seniority (III-1-3, docs I-02, I-05)."""

    rule_id = "pricing.newborn"
    rank: int
    months: int
    birth: dt.date
    free_until: dt.date
    twelve_months_or_more: bool
    cite: Cited


@dataclass(frozen=True, slots=True)
class Prorata(_Step):
    """A quote from a day other than 1 January (docs I-01)."""

    rule_id = "pricing.prorata"
    start: dt.date
    year: int
    cite: Cited


PricingStep = (
    Structure
    | FamilyCovered
    | TariffAge
    | Tariff
    | NoSurcharge
    | TransmittedSurcharge
    | LateSurcharge
    | SurchargeApplied
    | FreeFromRank
    | NewbornFree
    | Prorata
)


def render(step: PricingStep) -> str:
    match step:
        case Structure(what, _):
            return f"{what}."
        case FamilyCovered():
            return "Couvert par le taux unique familial du membre participant."
        case TariffAge(age, year, birth_year, says_birth, _):
            tail = " (année de naissance)" if says_birth else ""
            return f"Âge tarifaire {years(age)} = {year} − {birth_year}{tail}."
        case Tariff(formula, row, cents, _):
            return f"Tarif mensuel {formula}, ligne « {row} » : {format_euros(cents)}."
        case NoSurcharge(age, min_age, _):
            return (
                f"Pas de majoration tardive : l'agent a {age} ans, la majoration ne porte que sur "
                f"les années non cotisées après {min_age} ans."
            )
        case TransmittedSurcharge(bp, _):
            return (
                "Coefficient de majoration transmis par le précédent organisme : "
                f"{format_rate(bp)}."
            )
        case LateSurcharge(n, since_label, since, rate, transmitted, bp, _):
            text = (
                f"Majoration d'adhésion tardive : {n} année(s) entière(s) non cotisée(s) depuis "
                f"{since_label} ({since:%d/%m/%Y}) × {format_rate(rate)}"
            )
            if transmitted:
                text += f" + coefficient transmis {format_rate(transmitted)}"
            return text + f" = {format_rate(bp)} sur la cotisation de l'agent."
        case SurchargeApplied(cents, bp, monthly, _):
            return (
                f"{format_euros(cents)} × (1 + {format_rate(bp)}) = {format_euros(monthly)} "
                "(arrondi au centime le plus proche)."
            )
        case FreeFromRank(rank, from_rank, _):
            return (
                f"{ordinal(rank)} enfant (par ordre de naissance) : cotisation gratuite à compter "
                f"du {ordinal(from_rank)} enfant."
            )
        case NewbornFree(rank, months, birth, free_until, long, _):
            cond = "12 mois consécutifs ou plus" if long else "moins de 12 mois consécutifs"
            return (
                f"{ordinal(rank)} enfant couvert gratuitement {months} mois à compter de sa "
                f"naissance ({birth:%d/%m/%Y}), soit jusqu'au {free_until:%d/%m/%Y} inclus : le "
                f"membre participant compte {cond} d'appartenance à la formule à la naissance."
            )
        case Prorata(start, year, _):
            return (
                f"Cotisation due du {start:%d/%m/%Y} au 31/12/{year} : chaque mois entier au "
                "tarif mensuel, un mois commencé au prorata de ses jours."
            )
        case _:
            assert_never(step)
