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
