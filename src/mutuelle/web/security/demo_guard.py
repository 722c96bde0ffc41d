"""The demonstration population and its ``demo`` account (known password, no second factor in
dev) never enter a production database."""

from __future__ import annotations

from django.conf import settings


class DemoRefused(RuntimeError):
    pass


def refuse_in_production() -> None:
    if getattr(settings, "MUTUELLE_PRODUCTION", False):
        raise DemoRefused(
            "données de démonstration refusées en production (settings.prod) : le compte demo "
            "et son mot de passe connu n'y ont pas leur place"
        )
