"""Bounds on the JSON the commands and the API read (issue 12, probe finding 6).

* **Depth**: a document nested deeper than :data:`MAX_DEPTH` is refused with a clear message
  (Python's decoder itself gives up near a thousand levels with a ``RecursionError``; no file of
  the project nests more than six).
* **Dates**: every date ``AAAA-MM-JJ`` of the document must lie within
  :data:`MIN_DATE`–:data:`MAX_DATE`, the span the pricing and CSS cores already accept
  (interpretation I-210): the texts fix no span, a person alive today is born after 1900, and
  the rules add up to a few years to a date (24-month windows, renewals), which overflows
  Python's calendar near year 9999 (``ValueError: year 10001``).

Pure Python, shared by ``mutuelle quote|css|reimburse`` (:mod:`mutuelle.commands._io`) and the
JSON API's parser.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

MAX_DEPTH = 32
MIN_DATE = dt.date(1900, 1, 1)  # as mutuelle.pricing.household and mutuelle.css.household
MAX_DATE = dt.date(2100, 12, 31)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class InputBoundsError(ValueError):
    """A document outside the bounds; the message says where and why, in French."""


def loads(text: str | bytes) -> Any:
    """``json.loads`` with the depth and date bounds; :class:`json.JSONDecodeError` for a text
    that is not JSON, :class:`InputBoundsError` for one outside the bounds."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise InputBoundsError(too_deep()) from None
    check(data)
    return data


def too_deep() -> str:
    return (
        f"document JSON trop imbriqué : au plus {MAX_DEPTH} niveaux d'objets et de listes "
        "(aucun fichier de soins, de foyer ou de demande n'en demande autant)"
    )


def check(data: Any) -> None:
    """Raise :class:`InputBoundsError` if ``data`` (decoded JSON) nests deeper than
    :data:`MAX_DEPTH` or holds a date outside :data:`MIN_DATE`–:data:`MAX_DATE`."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_DEPTH:
                raise InputBoundsError(too_deep())
            for k, v in value.items():
                stack.append((v, f"{where}.{k}" if where else str(k), depth + 1))
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                raise InputBoundsError(too_deep())
            for i, v in enumerate(value):
                stack.append((v, f"{where}[{i}]", depth + 1))
        elif isinstance(value, str) and len(value) == 10:
            check_date_text(value, where)


def check_date_text(value: str, where: str) -> None:
    m = _ISO_DATE.match(value)
    if m is None:
        return
    year = int(m.group(1))
    if not MIN_DATE.year <= year <= MAX_DATE.year:
        raise InputBoundsError(date_message(where or "date", value))


def check_date(value: dt.date, where: str) -> None:
    if not MIN_DATE <= value <= MAX_DATE:
        raise InputBoundsError(date_message(where, value.isoformat()))


def date_message(where: str, value: str) -> str:
    return (
        f"{where} : date {value} hors des années {MIN_DATE.year}-{MAX_DATE.year} "
        "(vérifier l'année ; voir docs/interpretations.md I-210)"
    )
