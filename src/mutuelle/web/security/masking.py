"""IBAN shown in clear only to who needs it: comptabilité and administrateur (permission
``security.view_iban``); everyone else sees its first and last groups only
(``FR76 •••• •••• •••• •••• •••• 189``, :mod:`mutuelle.masking`), on screens and in every
export."""

from __future__ import annotations

from typing import Any

from mutuelle.masking import group4, mask_iban

IBAN_PERMISSION = "security.view_iban"


def can_see_iban(user: Any, obj: Any = None) -> bool:
    return bool(user and user.is_active and user.has_perm(IBAN_PERMISSION))


def iban_for(user: Any, iban: str) -> str:
    if not iban:
        return ""
    return group4("".join(iban.split()).upper()) if can_see_iban(user) else mask_iban(iban)
