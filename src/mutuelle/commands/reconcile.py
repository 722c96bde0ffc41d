"""``mutuelle reconcile [--json]``: called = received + due + written off − refunded, per
adhesion and in total, to the cent; exits non-zero when the identity fails anywhere."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "reconcile",
        help="rapprochement des cotisations : appelé = reçu + dû + abandonné − remboursé",
        description="Chaque terme est une somme du journal ; code de sortie 1 si l'égalité "
        "échoue pour une adhésion, si le journal ne s'équilibre pas ou si un fichier de "
        "prélèvement diffère des paiements enregistrés.",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    _django.setup()
    from mutuelle.money import format_euros
    from mutuelle.web.billing.reconcile import TERMS, reconcile

    r = reconcile()
    total = r.total
    if args.json:
        print_json(
            {
                "ok": r.ok,
                "total": total,
                "adhesions": [{"adhesion": n, **row} for n, row in r.rows.items()],
                "failures": r.failures,
            }
        )
        return 0 if r.ok else 1
    labels = dict(zip(TERMS, ("appelé", "reçu", "dû", "abandonné", "remboursé"), strict=True))
    print(
        f"{len(r.rows)} adhésions : "
        + ", ".join(f"{labels[t]} {format_euros(total[t])}" for t in TERMS)
    )
    if r.ok:
        print(
            "Rapprochement juste : appelé = reçu + dû + abandonné − remboursé, journal équilibré."
        )
        return 0
    print(f"Rapprochement FAUX ({len(r.failures)} problème(s)) :")
    for f in r.failures[:50]:
        print(f"  - {f}")
    return 1
