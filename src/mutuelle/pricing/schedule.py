"""What an adhesion's household owes over time, from the quote engine (a price, not a balance).

* :func:`monthly_price`: what a full month of a given day costs the household — each member's
  monthly contribution, nothing for a newborn while exempt (the quote's ``free_until``).
* :func:`dues`: the contributions due over a span of cover, cut where the price may change: on
  1 January (the tariff age is the cotisation year − birth year, Règlement particuliers III-1-1),
  on a formula change, and from the first day of the month after a person joins or leaves
  (docs/interpretations.md I-112), plus the cuts a caller asks for (the day after « payé
  jusqu'au »). Each piece is quoted on its first day; the months the quote gives are summed,
  a month cut short counted for its days (the prorata of docs I-01).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from mutuelle.dates import days_in_month, first_of_next_month
from mutuelle.money import mul_div_round
from mutuelle.offers.model import Offer
from mutuelle.pricing.engine import FormulaQuote, QuoteRefused, quote
from mutuelle.pricing.household import Household, Member, RangeName


@dataclass(frozen=True, slots=True)
class Insured:
    """A person covered by the adhesion from ``start`` to ``end`` (inclusive, None: open)."""

    member: Member
    start: dt.date
    end: dt.date | None = None

    def covered_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class FormulaSpan:
    formula: str
    start: dt.date
    end: dt.date | None = None

    def holds_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Due:
    start: dt.date
    end: dt.date
    formula: str
    cents: int


def household_on(range_id: RangeName, insured: Iterable[Insured], day: dt.date) -> Household:
    members = [i.member for i in insured if i.covered_on(day)]
    if not any(m.role == "adherent" for m in members):
        raise QuoteRefused(f"personne n'est couvert le {day:%d/%m/%Y} : rien à tarifer")
    return Household(
        range=range_id,
        date=day,
        members=tuple(replace(m, index=i) for i, m in enumerate(members)),
    )


def quote_on(
    offer: Offer, range_id: RangeName, insured: Iterable[Insured], formula: str, day: dt.date
) -> FormulaQuote:
    """The household covered on ``day`` quoted in ``formula`` from that day to 31 December."""
    f = quote(offer, household_on(range_id, insured, day), formula).formulas[0]
    if not isinstance(f, FormulaQuote):
        raise QuoteRefused(f.error, f.source)
    return f


def monthly_price(q: FormulaQuote, day: dt.date) -> int:
    """What a full month of ``day`` costs the household quoted in ``q``."""
    return sum(
        0 if m.free_until is not None and m.free_until >= day else m.monthly_cents
        for m in q.members
    )


def _month_start(d: dt.date) -> dt.date:
    return d if d.day == 1 else first_of_next_month(d)


def dues(
    offer: Offer,
    range_id: RangeName,
    insured: Sequence[Insured],
    formulas: Sequence[FormulaSpan],
    first: dt.date,
    last: dt.date,
    *,
    cuts: Iterable[dt.date] = (),
) -> tuple[Due, ...]:
    """The contributions due for cover from ``first`` to ``last`` inclusive, piece by piece."""
    if last < first:
        return ()
    marks = {dt.date(y, 1, 1) for y in range(first.year + 1, last.year + 1)}
    marks |= {f.start for f in formulas}
    marks |= set(cuts)
    for i in insured:
        marks.add(_month_start(i.start))
        if i.end is not None:
            marks.add(_month_start(i.end + dt.timedelta(days=1)))
    starts = [first, *sorted(d for d in marks if first < d <= last)]
    out: list[Due] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] - dt.timedelta(days=1) if n + 1 < len(starts) else last
        span = next((f for f in formulas if f.holds_on(start)), None)
        if span is None:
            raise QuoteRefused(f"aucune formule le {start:%d/%m/%Y}")
        q = quote_on(offer, range_id, insured, span.formula, start)
        total = 0
        for month in q.months:
            dim = days_in_month(month.month.year, month.month.month)
            lo = max(month.month, start)
            hi = min(month.month.replace(day=dim), end)
            if hi < lo:
                continue
            if hi.day == dim:
                total += month.cents  # the quote already counts a month begun on ``start``
            else:
                total += mul_div_round(month.cents, (hi - lo).days + 1, dim - lo.day + 1)
        out.append(Due(start, end, span.formula, total))
    return tuple(out)
