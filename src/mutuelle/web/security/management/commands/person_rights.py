"""``mutuelle export-person`` and ``mutuelle erase-person``: the rights of access and
portability (GDPR art. 15, 20: a ZIP of JSON and files) and of erasure (art. 17, as the law
allows an insurer: what goes now, what is kept until when and why). Both are recorded in the
access log."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mutuelle.web.members.models import Adhesion, Person
from mutuelle.web.security import rights
from mutuelle.web.security.audit import AccessAction, log_command


def find_person(o: dict[str, Any]) -> Person:
    if o.get("person"):
        person = Person.objects.filter(pk=o["person"]).first()
        if person is None:
            raise CommandError(f"personne n° {o['person']} inconnue")
        return person
    if o.get("adhesion"):
        adhesion = Adhesion.objects.select_related("member").filter(number=o["adhesion"]).first()
        if adhesion is None:
            raise CommandError(f"adhésion {o['adhesion']} inconnue")
        return adhesion.member
    raise CommandError("indiquez --person N ou --adhesion NUMÉRO")


class Command(BaseCommand):
    help = "Exporte (--out) ou efface (--erase) les données d'une personne (RGPD)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--person", type=int)
        parser.add_argument("--adhesion", default="")
        parser.add_argument("--out", default="", help="export : fichier ZIP à écrire")
        parser.add_argument("--erase", action="store_true", help="traiter une demande d'effacement")
        parser.add_argument("--dry-run", action="store_true", help="effacement : dire sans faire")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **o: Any) -> None:
        person = find_person(o)
        command = " ".join(["mutuelle", *sys.argv[2:]]) if len(sys.argv) > 1 else "mutuelle"
        if o["erase"]:
            today = timezone.localdate()
            if o["dry_run"]:
                result = rights.erasure_plan(person, today)
            else:
                log_command(
                    [person],
                    action=AccessAction.EXPORT,
                    what="demande d'effacement",
                    command=command,
                )
                result = rights.erase_person(person, today)
            if o["json"]:
                self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
                return
            verb = "serait effacé" if o["dry_run"] else "effacé"
            for number in result.deleted_now:
                self.stdout.write(f"  {number} {verb} (demande jamais validée : aucun contrat)")
            for kept in result.kept:
                self.stdout.write(
                    f"  {kept['adhesion']} gardé jusqu'au {kept['until']} : {kept['why']} "
                    f"— {kept['source']}"
                )
            return
        if not o["out"]:
            raise CommandError("indiquez --out FICHIER.zip (ou --erase)")
        data, held = rights.export_person(person)
        fd = os.open(o["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        log_command(
            held,
            action=AccessAction.EXPORT,
            what=f"export RGPD de la personne n° {person.pk}",
            command=command,
        )
        self.stdout.write(f"Données de la personne n° {person.pk} écrites dans {o['out']}")
