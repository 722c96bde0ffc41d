"""What every membership rule returns: dates and decisions with their explanation.

Each function of :mod:`mutuelle.membership` takes facts and dates and returns a result carrying
``steps``: the rules applied, in plain French, each with the source a reviewer can search
(``offer.citation``: staff and public renderings). When the règlement forbids what is asked,
the function raises :class:`Refused` with the reason in plain words and the source of the rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mutuelle.explain import Cited, Step
from mutuelle.offers.membership_rules import MembershipRules
from mutuelle.offers.model import Offer, Range, Source
from mutuelle.refusal import Code, Refusal


@dataclass(frozen=True)
class Dated:
    """A date fixed by the règlement, and why."""

    date: dt.date
    steps: tuple[Step, ...]


class Refused(Refusal):
    """The règlement forbids what is asked: the reason in plain French, where it is written,
    and its code (:class:`mutuelle.refusal.Refusal`)."""


def range_of(offer: Offer, range_id: str) -> Range:
    rng: Range | None = next((r for r in offer.ranges.values() if r.id == range_id), None)
    if rng is None:
        raise Refused(
            f"la gamme {range_id!r} n'existe pas dans l'offre {offer.id} "
            f"(gammes : {', '.join(offer.ranges)})",
            code=Code.RANGE,
        )
    return rng


def rules_of(offer: Offer, range_id: str) -> MembershipRules:
    rng = range_of(offer, range_id)
    if rng.membership is None:
        raise Refused(
            f"l'offre {offer.id} ne décrit pas les règles d'adhésion de la gamme {rng.label}",
            code=Code.RANGE,
        )
    return rng.membership


def cite(offer: Offer, source: Source) -> Cited:
    return offer.citation(source)


def fr(d: dt.date) -> str:
    """French display of a date: 05/03/2025 (the same text as ``strftime("%d/%m/%Y")`` for
    the years 1000 to 9999, without its C call: every memo of a call's entries has two)."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def december_31(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def january_1(year: int) -> dt.date:
    return dt.date(year, 1, 1)
