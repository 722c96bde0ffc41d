"""``mutuelle bill-documents --year Y --kind call|attestation``: the PDFs of the calls
(échéanciers) or of the payment certificates, as a resumable batch run."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "bill-documents",
        help="PDF des appels de cotisation ou des attestations de paiement (reprenable)",
        description="Un PDF par adhésion appelée, par l'application des documents ; relancer "
        "ne produit que ce qui manque.",
    )
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--kind", choices=["call", "attestation"], required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    _django.setup()
    from mutuelle.commands.batch import _describe, _with_bar
    from mutuelle.web.jobs import framework, services

    try:
        batch_run, _ = services.start_run(
            "billing-documents", {"year": args.year, "kind": args.kind}, defer=False
        )
        done = framework.run(batch_run.pk) if args.json else _with_bar(batch_run.pk)
    except (framework.ParameterError, framework.AlreadyRunning) as exc:
        return fail(str(exc), args.json)
    if args.json:
        print_json(_describe(done))
    else:
        rate = ""
        if done.result.get("documents_per_second"):
            rate = (
                f" ; {done.result['documents_per_second']:.1f} PDF/s, soit "
                f"{done.result['minutes_for_30000']:.0f} min pour 30 000"
            )
        print(
            f"{done.result.get('documents', 0)} PDF produits ({done.done}/{done.total} "
            f"adhésions, {done.error_count} en erreur{rate}) — traitement n° {done.pk}."
        )
    return 0
