"""``mutuelle export-person``: exporter les données d'une personne (RGPD art. 15 et 20).

The Django management command ``person_rights`` of mutuelle.web.security, arguments unchanged."""

from __future__ import annotations

from typing import Any

from mutuelle.commands._passthrough import register_passthrough


def register(sub: Any) -> None:
    register_passthrough(
        sub,
        "export-person",
        "person_rights",
        "exporter les données d'une personne (RGPD art. 15 et 20)",
    )
