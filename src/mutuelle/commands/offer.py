"""``mutuelle offer [OFFER] [--json]``: what an offer contains, and the gaps it declares."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands._io import fail, print_json
from mutuelle.offers import available_offers, latest_offer_id, load_offer
from mutuelle.offers.loader import OfferInvalid, OfferNotFound


def register(sub: Any) -> None:
    p = sub.add_parser(
        "offer",
        help="décrire une offre : gammes, formules, grilles, lacunes des textes",
        description="Décrit une offre installée (par défaut la plus récente).",
    )
    p.add_argument("offer", nargs="?", help="identifiant (ex. grenoble-2025)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        offer = load_offer(args.offer or latest_offer_id())
    except (OfferNotFound, OfferInvalid) as exc:
        return fail(str(exc), args.json)
    data = {
        "offer": offer.id,
        "label": offer.label,
        "available": sorted(available_offers()),
        "valid_from": offer.valid_from.isoformat(),
        "valid_to": offer.valid_to.isoformat(),
        "ranges": [
            {
                "range": r.id,
                "label": r.label,
                "description": r.description,
                "document": offer.documents[r.document].title,
                "formulas": list(r.formulas),
                "structures": list(r.pricing.structures),
            }
            for r in offer.ranges.values()
        ],
        "grids": [
            {
                "grid": g.id,
                "document": g.document,
                "tables": {k: len(t.rows) for k, t in g.tables.items()},
                "gaps": [
                    {
                        "table": x.table,
                        "age": x.age,
                        "formulas": list(x.formulas),
                        "interpretation": x.interpretation,
                    }
                    for x in g.gaps
                ],
            }
            for g in offer.grids.values()
        ],
        "interpretations": {k: v.title for k, v in offer.interpretations.items()},
    }
    if args.json:
        print_json(data)
        return 0
    print(
        f"{offer.label} [{offer.id}] — tarifs du {offer.valid_from:%d/%m/%Y} "
        f"au {offer.valid_to:%d/%m/%Y}"
    )
    for r in data["ranges"]:
        print(f"  {r['range']:<10} {r['label']} : {', '.join(r['formulas'])}")
    print("Lacunes et lectures des textes (docs/interpretations.md) :")
    for k, v in data["interpretations"].items():
        print(f"  {k} {v}")
    return 0
