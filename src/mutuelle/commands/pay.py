"""``mutuelle pay --date D --out FILE.xml``: the transfer file of the benefits due, paid once."""

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
from mutuelle.money import format_euros


def register(sub: Any) -> None:
    p = sub.add_parser(
        "pay",
        help="virer aux adhérents et aux professionnels les prestations dues (pain.001)",
        description=(
            "Rassemble ce qui est dû (journal : prestations à payer) aux adhérents (leur IBAN) "
            "et aux professionnels (tiers payant) dans un fichier pain.001.001.09 validé. Une "
            "prestation n'est payée qu'une fois : relancer la même date redonne le même "
            "fichier ; un arrêt en cours de route ne laisse rien."
        ),
    )
    add_sepa_file_arguments(p, "date d'exécution des virements (AAAA-MM-JJ)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    target = sepa_file_target(args)
    if isinstance(target, str):
        return fail(target, args.json)
    on, out = target
    _django.setup()
    from mutuelle import sepa
    from mutuelle.web.claims import payouts
    from mutuelle.web.payments import services as payments

    try:
        result = payouts.pay(on)
    except sepa.SepaError as exc:
        return sepa_failure(exc, args.json)
    batch = result.batch
    wrote = False
    if batch.sepa_file is not None:
        out.write_bytes(payments.file_bytes(batch.sepa_file))
        wrote = True
    totals = payouts.totals()
    data = {
        "date": on.isoformat(),
        "already_paid": not result.created,
        "file": str(out) if wrote else None,
        "transfers": batch.count,
        "total_cents": batch.total_cents,
        "without_iban": [{"payee": d.label, "cents": d.cents} for d in result.without_iban],
        "undue": [{"payee": d.label, "cents": -d.cents} for d in result.undue],
        **totals,
    }
    if args.json:
        print_json(data)
        return 0
    if not result.created:
        print(f"Virements du {on:%d/%m/%Y} déjà produits : le même fichier est redonné.")
    if wrote:
        print(
            f"{batch.count} virement(s), {format_euros(batch.total_cents)} : fichier {args.out} "
            "(pain.001.001.09, validé)"
        )
    elif result.without_iban:
        print(
            f"Aucun virement possible : {len(result.without_iban)} bénéficiaire(s) sans IBAN "
            "(saisir l'IBAN vérifié de l'adhésion, ou un mandat actif) ; aucun fichier produit."
        )
    else:
        print("Rien à payer : aucun fichier produit.")
    for d in result.without_iban:
        print(f"  sans IBAN, reste dû : {d.label} {format_euros(d.cents)}")
    for d in result.undue:
        print(f"  indu à récupérer sur les prochaines prestations : {d.label} "
              f"{format_euros(-d.cents)}")  # fmt: skip
    print(
        f"Réglé {format_euros(totals['settled_cents'])} = payé "
        f"{format_euros(totals['paid_cents'])} + dû {format_euros(totals['due_cents'])}"
    )
    return 0
