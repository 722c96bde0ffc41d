"""Contributions due for a period, the prorata of docs/interpretations.md I-01.

A whole calendar month is due at the monthly amount; a month partly covered is due for its
days: monthly × days / days-in-month, rounded half up to the cent (``money.mul_div_round``,
the project's one rounding rule). The same rule prices renunciations, terminations and deaths,
so that what is kept and what is refunded add up to what was paid.
"""

from __future__ import annotations

import datetime as dt

from mutuelle.dates import days_in_month, month_starts
from mutuelle.money import Cents, mul_div_round


def due_for_period(monthly_cents: Cents, first_day: dt.date, last_day: dt.date) -> Cents:
    """Contributions due for cover from ``first_day`` to ``last_day`` inclusive (0 if empty)."""
    if monthly_cents < 0:
        raise ValueError("monthly amount must not be negative")
    if last_day < first_day:
        return 0
    total = 0
    for first in month_starts(first_day, last_day):
        dim = days_in_month(first.year, first.month)
        lo = max(first, first_day)
        hi = min(first.replace(day=dim), last_day)
        days = (hi - lo).days + 1
        total += monthly_cents if days == dim else mul_div_round(monthly_cents, days, dim)
    return total


# Days of a month as a fraction of it, exactly: 377 580 is the least common multiple of 28, 29,
# 30 and 31, so every day of every month is a whole number of these units.
_MONTH_UNITS = 377_580


def month_weight(first_day: dt.date, last_day: dt.date) -> int:
    """The length of ``first_day``–``last_day`` in months, as whole units (a month = 377 580)."""
    total = 0
    for first in month_starts(first_day, last_day) if last_day >= first_day else ():
        dim = days_in_month(first.year, first.month)
        lo = max(first, first_day)
        hi = min(first.replace(day=dim), last_day)
        total += ((hi - lo).days + 1) * (_MONTH_UNITS // dim)
    return total


def share_until(cents: Cents, first_day: dt.date, last_day: dt.date, until: dt.date) -> Cents:
    """The part of ``cents`` (the price of ``first_day``–``last_day``) that pays for the days up
    to ``until`` inclusive — the same prorata as :func:`due_for_period`, for an amount that
    covers several months at once (an annual call, a reprise): one rounding, half up."""
    whole = month_weight(first_day, last_day)
    if whole == 0:
        return 0
    return mul_div_round(cents, month_weight(first_day, min(until, last_day)), whole)
