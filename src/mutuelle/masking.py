"""How an IBAN is shown to someone who may not read it: one format everywhere (the request's
PDF, the back office, the admin, a mandate's line), the groups of four of its printed form with
only the first and the last group kept (``FR76 •••• •••• •••• •••• •••• 189``)."""

from __future__ import annotations


def group4(value: str) -> str:
    """An account number in its printed form: groups of four characters."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def mask_iban(iban: str) -> str:
    compact = "".join(iban.split()).upper()
    if not compact:
        return ""
    if len(compact) < 8:
        return "•" * len(compact)
    groups = group4(compact).split(" ")
    return " ".join([groups[0], *("••••" for _ in groups[1:-1]), groups[-1]])
