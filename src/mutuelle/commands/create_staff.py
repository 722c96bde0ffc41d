"""``mutuelle create-staff``: créer un compte du personnel (rôle et double authentification).

The Django management command ``create_staff`` of mutuelle.web.security, arguments unchanged."""

from __future__ import annotations

from typing import Any

from mutuelle.commands._passthrough import register_passthrough


def register(sub: Any) -> None:
    register_passthrough(
        sub,
        "create-staff",
        "create_staff",
        "créer un compte du personnel (rôle et double authentification)",
    )
