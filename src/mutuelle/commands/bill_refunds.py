"""``mutuelle bill-refunds --date D --out FILE.xml``: the pain.001 refunding the contributions
paid beyond what is called for ended adhesions (renunciation, termination, death)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "bill-refunds",
        help="virements SEPA (pain.001) des cotisations à rembourser après une cessation",
        description="Adhésions cessées dont le compte cotisations est créditeur (après "
        "régularisation de l'appel) : un virement et une écriture de remboursement chacune, "
        "une seule fois (un fichier par date).",
    )
    p.add_argument("--date", required=True, help="date d'exécution, AAAA-MM-JJ")
    p.add_argument("--out", required=True, metavar="FICHIER.xml")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        on = dt.date.fromisoformat(args.date)
    except ValueError:
        return fail(f"--date {args.date} : date illisible (AAAA-MM-JJ)", args.json)
    out = Path(args.out)
    if not out.parent.is_dir():
        return fail(f"--out : le dossier {out.parent} n'existe pas", args.json)
    _django.setup()
    from mutuelle import sepa
    from mutuelle.money import format_euros
    from mutuelle.web.billing import refunds
    from mutuelle.web.payments import services as payments

    try:
        report = refunds.pay_refunds(on)
    except sepa.SepaError as exc:
        return fail("\n".join([exc.message, *(f"  - {d}" for d in exc.details)]), args.json)
    if report.file is not None:
        out.write_bytes(payments.file_bytes(report.file))
    if args.json:
        print_json(
            {
                "date": on.isoformat(),
                "file": str(out) if report.file else None,
                "already_produced": report.file is not None and not report.created,
                "refunds": [{"adhesion": n, "cents": c} for n, c in report.refunds],
                "skipped": [{"adhesion": n, "reason": r} for n, r in report.skipped],
            }
        )
        return 0
    if report.file is None:
        print(f"Aucun remboursement à faire le {on:%d/%m/%Y}.")
    else:
        print(
            f"{report.file.count} virement(s) de remboursement, "
            f"{format_euros(report.file.control_sum_cents)} : {out}"
        )
    for n, why in report.skipped:
        print(f"  non remboursé {n} : {why}")
    return 0
