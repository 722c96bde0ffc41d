"""``mutuelle bill-refunds --date D --out FILE.xml``: the pain.001 refunding the contributions
paid beyond what is called for ended adhesions (renunciation, termination, death)."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import (
    add_sepa_file_arguments,
    fail,
    print_json,
    sepa_failure,
    sepa_file_target,
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "bill-refunds",
        help="virements SEPA (pain.001) des cotisations à rembourser après une cessation",
        description="Adhésions cessées dont le compte cotisations est créditeur (après "
        "régularisation de l'appel) : un virement et une écriture de remboursement chacune, "
        "une seule fois (un fichier par date).",
    )
    add_sepa_file_arguments(p, "date d'exécution, AAAA-MM-JJ")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target = sepa_file_target(args)
    if isinstance(target, str):
        return fail(target, args.json)
    on, out = target
    _django.setup()
    from mutuelle import sepa
    from mutuelle.money import format_euros
    from mutuelle.web.billing import refunds
    from mutuelle.web.payments import services as payments

    try:
        report = refunds.pay_refunds(on)
    except sepa.SepaError as exc:
        return sepa_failure(exc, args.json)
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
