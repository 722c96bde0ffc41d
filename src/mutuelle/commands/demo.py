"""``mutuelle demo``: quotes of a few typical households on the embedded offer."""

from __future__ import annotations

import argparse
import json
from importlib import resources
from typing import Any

from mutuelle.commands.quote import render_text
from mutuelle.offers import latest_offer_id, load_offer
from mutuelle.pricing import QuoteRefused, parse_household, quote

EXAMPLES = {
    "famille-residents.json": "Une famille de cinq (le dernier enfant est né fin 2024)",
    "retraitee-seule.json": "Une retraitée de 72 ans qui vit seule",
    "etudiante.json": "Une étudiante qui adhère à la rentrée",
    "agent-ville.json": "Un agent de la Ville, adhésion tardive, avec son fils",
    "boulanger-tns.json": "Un boulanger à son compte, sa conjointe et leurs deux enfants",
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="démonstration : devis de foyers types sur l'offre embarquée",
        description="Affiche les devis de quelques foyers types (fichiers dans mutuelle/examples).",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    offer = load_offer(latest_offer_id())
    folder = resources.files("mutuelle.examples")
    for name, title in EXAMPLES.items():
        data = json.loads((folder / name).read_text(encoding="utf-8"))
        print("=" * 100)
        print(f"{title}  [mutuelle quote src/mutuelle/examples/{name}]")
        print("=" * 100)
        try:
            print(render_text(quote(offer, parse_household(data))))
        except QuoteRefused as exc:
            print(f"refusé : {exc}")
        print()
    print("Pour le détail des règles appliquées : mutuelle quote FICHIER.json --formula NOM")
    return 0
