"""``mutuelle erase-person``: an erasure request (GDPR art. 17): what goes, what stays, why.

The Django management command ``person_rights`` of mutuelle.web.security, arguments unchanged."""

from __future__ import annotations

from typing import Any

from mutuelle.commands._passthrough import register_passthrough


def register(sub: Any) -> None:
    # erase-person is export-person with --erase: one command holds both rights.
    register_passthrough(
        sub,
        "erase-person",
        "person_rights",
        "demande d'effacement (RGPD art. 17) : ce qui part, ce qui reste et pourquoi",
        fixed=("--erase",),
    )
