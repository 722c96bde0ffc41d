"""Calendar arithmetic shared by the core (pure functions on ``datetime.date``)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """The days of the month (the Gregorian calendar's; ``calendar.monthrange`` also works out
    the weekday of its first day, which a yearly call of 30 000 households asked 1.5 M times)."""
    if month == 2 and calendar.isleap(year):
        return 29
    if not 1 <= month <= 12:
        raise ValueError(f"mois {month} : entre 1 et 12")
    return _DAYS[month]


def add_months(d: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    return dt.date(year, month, min(d.day, days_in_month(year, month)))


def add_years(d: dt.date, years: int) -> dt.date:
    return add_months(d, 12 * years)


def full_months_between(start: dt.date, end: dt.date) -> int:
    """Whole months elapsed from ``start`` to ``end`` (0 if ``end`` ≤ ``start``)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def full_years_between(start: dt.date, end: dt.date) -> int:
    return full_months_between(start, end) // 12


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in whole years on a date (the civil age)."""
    return full_years_between(birth, on) if on >= birth else -1


def first_of_next_month(d: dt.date) -> dt.date:
    return add_months(d.replace(day=1), 1)


def month_starts(start: dt.date, end_inclusive: dt.date) -> Iterator[dt.date]:
    """First day of every month from ``start``'s month to ``end_inclusive``'s month."""
    m = start.replace(day=1)
    while m <= end_inclusive:
        yield m
        m = add_months(m, 1)


def overlap_days(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> int:
    """Days shared by two inclusive date ranges."""
    lo, hi = max(a_start, b_start), min(a_end, b_end)
    return (hi - lo).days + 1 if hi >= lo else 0
