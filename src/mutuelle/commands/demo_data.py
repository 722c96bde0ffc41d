"""``mutuelle demo-data``: load the demonstration population into an empty database."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo-data",
        help="charger la population de démonstration dans une base vide",
        description="Foyers des quatre gammes, dates et cotisations calculées par le cœur.",
    )
    p.add_argument("--households", type=int, default=3000)
    p.add_argument("--seed", type=int, default=2025)
    p.add_argument(
        "--no-money",
        action="store_true",
        help="sans l'argent : ni appels, prélèvements, impayés ni soins réglés (les cotisations "
        "passées reprises au journal, plus rapide ; les rapports publiés au comité de pilotage "
        "n'ont alors pas de montants)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.households < 1:
        return fail("--households doit être au moins 1", False)
    _django.setup()
    from django.core.management import call_command

    from mutuelle.web.members import demo, services

    call_command("migrate", verbosity=0, interactive=False)
    try:
        counts = demo.load_demo(
            services.offer_for(),
            households=args.households,
            seed=args.seed,
            progress=print,
            money=not args.no_money,
        )
    except RuntimeError as exc:
        return fail(str(exc), False)
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"Compte de démonstration : {demo.DEMO_USER} / {demo.DEMO_PASSWORD}")
    return 0
