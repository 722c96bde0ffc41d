"""``mutuelle purge``: supprimer ce dont la durée de conservation est écoulée (--dry-run).

The Django management command ``purge`` of mutuelle.web.security, arguments unchanged."""

from __future__ import annotations

from typing import Any

from mutuelle.commands._passthrough import register_passthrough


def register(sub: Any) -> None:
    register_passthrough(
        sub, "purge", "purge", "supprimer ce dont la durée de conservation est écoulée (--dry-run)"
    )
