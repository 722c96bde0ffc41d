"""``mutuelle rotate-keys``: re-encrypt every encrypted column (the IBANs) with the first key
of MUTUELLE_FIELD_KEYS; ``--new-key`` prints a fresh key. Procedure (README): put the new key
first, keep the old ones after it, restart the server, run this, then remove the old keys."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from mutuelle.web.security import fields


class Command(BaseCommand):
    help = "Rechiffre les colonnes chiffrées (IBAN) avec la première clé de MUTUELLE_FIELD_KEYS."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--new-key", action="store_true", help="afficher une clé neuve")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["new_key"]:
            self.stdout.write(fields.new_key())
            return
        total = 0
        for model, name in fields.encrypted_fields():
            done = 0
            rows = model._default_manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
            with transaction.atomic():
                for pk, value in rows.values_list("pk", name).iterator(chunk_size=2000):
                    model._default_manager.filter(pk=pk).update(**{name: value})
                    done += 1
            self.stdout.write(f"{model._meta.label}.{name} : {done} valeur(s) rechiffrée(s)")
            total += done
        self.stdout.write(f"Terminé : {total} valeur(s) avec la clé n° 1.")
