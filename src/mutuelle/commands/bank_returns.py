"""``mutuelle bank-returns FILE``: import a pain.002 or camt.054 file from the bank, once."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "bank-returns",
        help="importer un fichier de retour de la banque (pain.002, camt.054)",
        description="Vérifie tout le fichier (références émises, montants) puis enregistre "
        "chaque rejet ou retour une seule fois, et refacture les frais que la banque indique "
        "là où le règlement le permet ; refusé en entier au moindre problème.",
    )
    p.add_argument("file", metavar="FICHIER")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        return fail(f"fichier introuvable : {args.file}", args.json)
    _django.setup()
    from mutuelle.web.payments import returns

    try:
        outcome = returns.import_bank_returns(path.read_bytes(), name=path.name)
    except returns.ReturnImportError as exc:
        if args.json:
            print_json({"error": exc.message, "problems": list(exc.problems)})
            return 2
        return fail(str(exc), False)
    lines = [
        {
            "end_to_end_id": line.end_to_end_id,
            "reference": line.transaction.reference,
            "stage": line.stage,
            "reason_code": line.reason_code,
            "reason": line.reason_label,
            "next_step": line.next_step,
            "amount_cents": line.amount_cents,
            "charge_cents": line.charge_cents,  # the bank's charge, when its file gives it
            "charge_note": line.charge_note,  # called back from the member or not, and why
        }
        for line in outcome.new_lines
    ]
    if args.json:
        print_json(
            {
                "file": outcome.file.pk,
                "already_imported": not outcome.created,
                "new_lines": lines,
                "duplicates": outcome.duplicates,
                "total_cents": outcome.total_cents,
            }
        )
        return 0
    if not outcome.created:
        print("Fichier déjà importé : rien de nouveau.")
        return 0
    print(f"{len(lines)} rejet(s) ou retour(s) enregistré(s), {outcome.duplicates} déjà connu(s).")
    for row in lines:
        print(
            f"  {row['reference']:30} {row['reason_code']} {row['reason']} "
            f"({row['amount_cents'] / 100:.2f} €)"
        )
        if row["charge_note"]:
            print(f"  {'':30} {row['charge_note']}")
    return 0
