"""French messages for pydantic validation errors of the JSON inputs (quote, CSS screening…).

One place that turns pydantic's error records into sentences a person can act on:
``members.1.birth_date (date de naissance) : date invalide '2025-02-30' (attendu AAAA-MM-JJ)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError


def describe_error(
    err: Any, labels: Mapping[str, str], special: Mapping[str, str] | None = None
) -> str:
    """One pydantic error as a French sentence.

    ``labels`` names fields ("birth_date" → "birth_date (date de naissance)"); ``special`` gives
    the message for an error type (``"too_short"``) when the caller has a better one.
    """
    loc = ".".join(str(p) for p in err["loc"])
    kind = err["type"]
    field = str(err["loc"][-1]) if err["loc"] else ""
    label = labels.get(field, loc)
    if loc != field and field in labels:
        label = f"{loc} ({labels[field].split(' (', 1)[-1]}"
    if special and kind in special:
        return f"{label} : {special[kind]}"
    if kind == "missing":
        return f"{label} : champ obligatoire absent"
    if kind == "extra_forbidden":
        return f"{loc} : champ inconnu"
    if kind == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", "")).replace(" or ", " ou ")
        return f"{loc} : valeur {err.get('input')!r} non reconnue (attendu : {expected})"
    if kind.startswith("date"):
        return f"{loc} : date invalide {err.get('input')!r} (attendu AAAA-MM-JJ)"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{label} : nombre entier attendu, reçu {err.get('input')!r}"
    if kind == "bool_type":
        return f"{label} : true ou false attendu, reçu {err.get('input')!r}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"{label} : valeur {err.get('input')!r} hors limites ({err['msg']})"
    return f"{label} : {err['msg']}"


def describe_validation_error(
    exc: ValidationError,
    labels: Mapping[str, str],
    special: Mapping[str, str] | None = None,
    limit: int = 5,
) -> str:
    """The first ``limit`` errors of ``exc``, joined by "; "."""
    return "; ".join(describe_error(e, labels, special) for e in exc.errors()[:limit])
