"""``mutuelle demo-claims --month YYYY-MM --out FICHIER.csv``: a month of claim lines for the
demonstration population (``mutuelle demo-data``), to try ``mutuelle ingest`` on."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo-claims",
        help="écrire un mois de lignes de soins pour la population de démonstration",
        description=(
            "Écrit un fichier de lignes de soins (docs/claims-format.md) pour tous les "
            "bénéficiaires couverts le 1er du mois : consultations, pharmacie, kinésithérapie, "
            "biologie de l'Assurance Maladie et factures de médecines douces des adhérents, plus "
            "quatre lignes à corriger (code d'acte inconnu, adhésion inconnue, date de naissance "
            "fausse, date impossible). Le même mois écrit le même fichier."
        ),
    )
    p.add_argument("--month", required=True, metavar="AAAA-MM", help="le mois des soins")
    p.add_argument("--out", required=True, metavar="FICHIER.csv")
    p.add_argument("--seed", type=int, default=2025, help="graine du tirage (défaut 2025)")
    p.add_argument("--json", action="store_true", help="bilan en JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        month = dt.datetime.strptime(args.month, "%Y-%m").date()
    except ValueError:
        return fail(
            f"mois invalide : {args.month} (attendu AAAA-MM, par exemple 2025-03)", args.json
        )
    out = Path(args.out)
    if not out.parent.is_dir():
        return fail(f"dossier introuvable : {out.parent}", args.json)
    _django.setup()
    from mutuelle.web.claims.demo import month_file

    got = month_file(month, out, seed=args.seed)
    if not got["beneficiaries"]:
        out.unlink(missing_ok=True)
        return fail(
            f"aucun bénéficiaire couvert le 01/{month:%m/%Y} : charger d'abord la population "
            "de démonstration (mutuelle demo-data)",
            args.json,
        )
    if args.json:
        print_json({"file": str(out), "month": f"{month:%Y-%m}", **got})
    else:
        print(
            f"{out} : {got['lines']} lignes de soins de {month:%m/%Y} pour "
            f"{got['beneficiaries']} bénéficiaires, dont {got['to_fix']} à corriger "
            f"(rapport des rejets après « mutuelle ingest {out} »)."
        )
    return 0
