"""``mutuelle decompte ADHESION --period YYYY-MM --out FILE.pdf``: a member's décompte."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "decompte",
        help="le décompte de prestations d'une adhésion pour un mois (PDF)",
        description=(
            "Chaque acte du mois (date des soins), par bénéficiaire : frais, part AMO, part de "
            "la Mutuelle, reste à charge, motif, plafond restant ; puis les virements."
        ),
    )
    p.add_argument("adhesion", metavar="ADHESION", help="numéro d'adhésion (GR25-000042)")
    p.add_argument("--period", required=True, metavar="AAAA-MM")
    p.add_argument("--out", required=True, metavar="FICHIER.pdf")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    _django.setup()
    from mutuelle.web.claims import statements
    from mutuelle.web.documents import services as documents
    from mutuelle.web.members.models import Adhesion
    from mutuelle.web.security import audit

    try:
        period = statements.month(args.period)
    except ValueError as exc:
        return fail(str(exc), args.json)
    adhesion = Adhesion.objects.filter(number=args.adhesion).first()
    if adhesion is None:
        return fail(f"adhésion {args.adhesion} inconnue", args.json)
    produced = statements.produce_decompte(adhesion, period)
    Path(args.out).write_bytes(documents.read_pdf(produced))
    audit.log_command(
        [adhesion], action="export", what=f"décompte {args.period}", command="mutuelle decompte"
    )
    if args.json:
        print_json({"adhesion": adhesion.number, "period": args.period, "file": args.out,
                    "sha256": produced.sha256})  # fmt: skip
    else:
        print(f"Décompte {adhesion.number} {args.period} : {args.out}")
    return 0
