"""Money and rates: integer cents, basis points, one rounding rule.

Every amount inside the system is an ``int`` of euro cents; every rate an ``int``
of basis points (1 % = 100 bp). ``Decimal`` appears only here, at the edges
(parsing what a person or a text wrote, formatting for a person to read).

The one rounding rule of the project (ARCHITECTURE.md, "money"): half up to the
cent, applied after each percentage or prorata. It is written once, in
:func:`mul_div_round`, so that a vectorised engine can reproduce it exactly.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

Cents = int
BasisPoints = int

BP_PER_UNIT = 10_000  # 100 % = 10 000 bp


def mul_div_round(amount: int, numerator: int, denominator: int) -> int:
    """``amount × numerator / denominator`` rounded half up (away from zero on ties).

    Integer arithmetic only. This is the project's single rounding function.
    """
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    product = amount * numerator
    sign = -1 if product < 0 else 1
    q, r = divmod(abs(product), denominator)
    if 2 * r >= denominator:
        q += 1
    return sign * q


def apply_rate(amount: Cents, rate_bp: BasisPoints) -> Cents:
    """``rate_bp`` basis points of ``amount``, rounded half up to the cent."""
    return mul_div_round(amount, rate_bp, BP_PER_UNIT)


_EURO_RE = re.compile(
    r"^\s*(-?\d{1,3}(?:[ \u00a0\u202f]?\d{3})*|-?\d+)(?:[.,](\d{1,2}))?\s*(?:€)?\s*$"
)


def parse_euros(text: str) -> Cents:
    """Parse a euro amount as written in French or English ("22,29 €", "1 700", "12.5").

    Raises ``ValueError`` for anything else, including more than two decimals.
    """
    match = _EURO_RE.match(text)
    if not match:
        raise ValueError(f"montant en euros illisible : {text!r}")
    units = re.sub(r"[ \u00a0\u202f]", "", match.group(1))
    decimals = (match.group(2) or "0").ljust(2, "0")
    negative = units.startswith("-")
    value = abs(int(units)) * 100 + int(decimals)
    return -value if negative else value


def decimal_to_cents(value: Decimal | str | int) -> Cents:
    """Exact conversion of a decimal euro amount with at most two decimals."""
    try:
        d = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"montant invalide : {value!r}") from exc
    cents = d * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"montant avec plus de deux décimales : {value!r}")
    return int(cents)


def format_euros(cents: Cents) -> str:
    """French display: ``3345`` → ``"33,45 €"``, ``123456`` → ``"1 234,56 €"``."""
    sign = "-" if cents < 0 else ""
    units, rem = divmod(abs(cents), 100)
    grouped = f"{units:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rem:02d} €"


def format_rate(rate_bp: BasisPoints) -> str:
    """French display of a rate: ``12500`` → ``"125 %"``, ``250`` → ``"2,5 %"``."""
    units, rem = divmod(rate_bp, 100)
    if rem == 0:
        return f"{units} %"
    return f"{units},{rem:02d}".rstrip("0") + " %"
