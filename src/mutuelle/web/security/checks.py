"""System checks of the production settings (run by ``check --deploy`` and at every start of
the production server): refuse to serve with a development exemption or without keys."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from mutuelle.web.security.devkeys import DEV_FIELD_KEY


def production_checks(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not getattr(settings, "MUTUELLE_PRODUCTION", False):
        return []
    errors: list[checks.CheckMessage] = []
    if settings.DEBUG:
        errors.append(checks.Error("DEBUG est actif en production", id="mutuelle.E001"))
    if getattr(settings, "MUTUELLE_OTP_EXEMPT_USERS", ()):
        errors.append(
            checks.Error(
                "MUTUELLE_OTP_EXEMPT_USERS n'est pas vide : la double authentification doit "
                "s'appliquer à chaque compte en production",
                id="mutuelle.E002",
            )
        )
    keys = list(getattr(settings, "MUTUELLE_FIELD_KEYS", []))
    if not keys or DEV_FIELD_KEY in keys:
        errors.append(
            checks.Error(
                "MUTUELLE_FIELD_KEYS absente ou clé de développement : les IBAN ne seraient pas "
                "protégés (mutuelle rotate-keys --new-key donne une clé)",
                id="mutuelle.E003",
            )
        )
    return errors


def register() -> None:
    checks.register(production_checks, checks.Tags.security, deploy=False)
