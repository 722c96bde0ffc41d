"""IBAN shown in clear only to who needs it: comptabilité and administrateur (permission
``security.view_iban``); everyone else sees the country, the check digits and the last four
characters (``FR76 •••• •••• •••• •••• ••12 34``), on screens and in every export."""

from __future__ import annotations

from typing import Any

IBAN_PERMISSION = "security.view_iban"


def can_see_iban(user: Any, obj: Any = None) -> bool:
    return bool(user and user.is_active and user.has_perm(IBAN_PERMISSION))


def group4(value: str) -> str:
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def mask_iban(iban: str) -> str:
    compact = "".join(iban.split()).upper()
    if not compact:
        return ""
    if len(compact) <= 8:
        return "•" * len(compact)
    shown = compact[:4] + "•" * (len(compact) - 8) + compact[-4:]
    return group4(shown)


def iban_for(user: Any, iban: str) -> str:
    if not iban:
        return ""
    return group4("".join(iban.split()).upper()) if can_see_iban(user) else mask_iban(iban)
