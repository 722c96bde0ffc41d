"""``mutuelle collect --date D --out FILE.xml``: the pain.008 of the instalments due on D."""

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
        "collect",
        help="fichier de prélèvements SEPA (pain.008) des échéances dues à une date",
        description="Les échéances de l'appel de cotisation dues à la date, pour les adhésions "
        "payant par prélèvement avec un mandat actif ; un fichier par date (relancer rend le "
        "même fichier, sans rien passer deux fois au journal).",
    )
    add_sepa_file_arguments(p, "date de prélèvement, AAAA-MM-JJ")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from mutuelle.money import format_euros

    target = sepa_file_target(args)
    if isinstance(target, str):
        return fail(target, args.json)
    on, out = target
    _django.setup()
    from mutuelle import sepa
    from mutuelle.web.billing import collection
    from mutuelle.web.payments import services as payments

    try:
        report = collection.collect(on)
    except sepa.SepaError as exc:
        return sepa_failure(exc, args.json)
    if report.file is not None:
        out.write_bytes(payments.file_bytes(report.file))
    if args.json:
        f = report.file
        print_json(
            {
                "date": on.isoformat(),
                "file": str(out) if f else None,
                "schema": f.schema if f else None,
                "already_produced": f is not None and not report.created,
                "count": f.count if f else 0,
                "total_cents": f.control_sum_cents if f else 0,
                "skipped": [{"adhesion": n, "reason": r} for n, r in report.skipped],
            }
        )
        return 0
    if report.file is None:
        print(f"Aucune échéance à prélever le {on:%d/%m/%Y} : aucun fichier.")
    elif not report.created:
        print(
            f"Fichier du {on:%d/%m/%Y} déjà produit ({report.file.count} prélèvements, "
            f"{format_euros(report.file.control_sum_cents)}) : recopié dans {out}, rien de neuf."
        )
    else:
        print(
            f"{report.file.count} prélèvements ({report.file.schema}), "
            f"{format_euros(report.file.control_sum_cents)}, le {on:%d/%m/%Y} : {out}"
        )
    for number, why in report.skipped[:20]:
        print(f"  non prélevé {number} : {why}")
    if len(report.skipped) > 20:
        print(f"  … et {len(report.skipped) - 20} autres adhésions non prélevées")
    return 0
