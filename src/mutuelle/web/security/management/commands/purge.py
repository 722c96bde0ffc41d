"""``mutuelle purge [--dry-run]``: delete what has passed its retention period
(``mutuelle.web.security.retention``; each line says which rule and its source)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mutuelle.web.security import retention


class Command(BaseCommand):
    help = "Supprime les données dont la durée de conservation est écoulée (--dry-run : liste)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="lister sans rien supprimer")
        parser.add_argument("--today", default="", help="date du jour (AAAA-MM-JJ), pour essai")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            today = dt.date.fromisoformat(o["today"]) if o["today"] else timezone.localdate()
        except ValueError:
            raise CommandError("--today : date attendue au format AAAA-MM-JJ") from None
        if o["dry_run"]:
            todo, counts = retention.plan(today), None
        else:
            todo, counts = retention.purge(today)
        if o["json"]:
            out = todo.as_dict()
            out["dry_run"] = bool(o["dry_run"])
            out["deleted"] = counts
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        verb = "serait supprimé" if o["dry_run"] else "supprimé"
        self.stdout.write(f"Purge au {today:%d/%m/%Y}{' (essai : rien supprimé)' * o['dry_run']}")
        for r in retention.rules():
            if not r.enforced:
                self.stdout.write(f"  · {r.label} : {r.years} ans — non appliquée : {r.why_not}")
        for item in todo.adhesions:
            self.stdout.write(
                f"  {item.number} {verb} : {item.rule.label}, {item.rule.years} ans après le "
                f"{item.reference_date:%d/%m/%Y} (échu le {item.expired_on:%d/%m/%Y}) — "
                f"{item.rule.source}"
            )
        if todo.access_log_before:
            self.stdout.write(
                f"  journal des accès : {todo.access_log_rows} ligne(s) antérieure(s) au "
                f"{todo.access_log_before:%d/%m/%Y} {verb}(s)"
            )
        if not todo.adhesions:
            self.stdout.write("  aucun dossier échu")
        if counts:
            self.stdout.write("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
