"""Start Django from the CLI (the shell side): settings default to ``settings.dev``."""

from __future__ import annotations

import os


def setup(settings: str = "mutuelle.web.settings.dev") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def database_label() -> str:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"SQLite, fichier {name}"
    host = connection.settings_dict.get("HOST") or "local"
    return f"{connection.vendor} {name} sur {host}"
