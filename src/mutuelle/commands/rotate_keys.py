"""``mutuelle rotate-keys``: rechiffrer les IBAN avec la nouvelle clé (--new-key).

The Django management command ``rotate_field_keys`` of mutuelle.web.security (same arguments)."""

from __future__ import annotations

from typing import Any

from mutuelle.commands._passthrough import register_passthrough


def register(sub: Any) -> None:
    register_passthrough(
        sub,
        "rotate-keys",
        "rotate_field_keys",
        "rechiffrer les IBAN avec la nouvelle clé (--new-key)",
    )
