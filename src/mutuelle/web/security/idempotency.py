"""Exactly once for a request that creates something (issue 12): the online adhesion request
(the form's hidden key, ``POST /api/adhesions/``'s ``Idempotency-Key`` header).

:func:`once` claims the key (a row of :class:`~mutuelle.web.security.models.IdempotencyKey`,
unique per scope) in the **same transaction** as the write. A repeat that comes after the first
has committed finds the row and gets what the first created; a repeat that comes while the first
is still writing waits on the unique index (PostgreSQL) or on the database's write lock (SQLite),
then finds it. The same key sent with a different content is refused (:class:`KeyReused`),
as the IETF draft on the ``Idempotency-Key`` header says (HTTP 422).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction

T = TypeVar("T")

MAX_KEY = 200


class KeyReused(Exception):
    """The key was already used for a request with another content."""


def fingerprint(*parts: Any) -> str:
    """SHA-256 of the content (JSON, keys sorted, dates and others as text)."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def once(
    scope: str,
    key: str,
    content: str,
    make: Callable[[], T],
    reference: Callable[[T], str],
    load: Callable[[str], T],
    same_key_other_content: str = "refuse",
) -> tuple[T, bool]:
    """``(result, created)``: ``make()`` run once for ``(scope, key)``; a repeat returns
    ``load(reference)`` of the first result and ``created=False``. ``content`` is the request's
    :func:`fingerprint`; the same key with another content raises :class:`KeyReused`, or with
    ``same_key_other_content="new"`` counts as another key."""
    from mutuelle.web.security.models import IdempotencyKey

    if same_key_other_content == "new":
        key = f"{key[: MAX_KEY - 17]}:{content[:16]}"
    key = key[:MAX_KEY]
    for _ in range(3):
        row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if row is not None:
            if row.fingerprint != content:
                raise KeyReused(key)
            return load(row.reference), False
        try:
            with transaction.atomic():
                claimed = IdempotencyKey.objects.create(scope=scope, key=key, fingerprint=content)
                result = make()
                claimed.reference = reference(result)
                claimed.save(update_fields=["reference"])
                return result, True
        except IntegrityError:
            # A simultaneous repeat claimed the key first and has committed now: read it.
            if not IdempotencyKey.objects.filter(scope=scope, key=key).exists():
                raise
    raise RuntimeError(f"clé d'idempotence {key} : introuvable après trois essais")
