"""``mutuelle unpaid [--on D]``: the unpaid-contributions queue of the day, and its acts."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "unpaid",
        help="impayés du jour : mises en demeure, suspensions, résiliations, remises en vigueur",
        description="Envoie (enregistre et produit en PDF) les mises en demeure dues, suspend "
        "les garanties 30 jours après, résilie pour non-paiement 10 jours après la suspension "
        "(appel régularisé), remet en vigueur à midi le lendemain du paiement. Relancer le "
        "même jour ne refait rien.",
    )
    p.add_argument("--on", help="jour traité, AAAA-MM-JJ (par défaut : aujourd'hui)")
    p.add_argument("--dry-run", action="store_true", help="lister seulement, ne rien faire")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        on = dt.date.fromisoformat(args.on) if args.on else dt.date.today()
    except ValueError:
        return fail(f"--on {args.on} : date illisible (AAAA-MM-JJ)", args.json)
    _django.setup()
    from mutuelle.money import format_euros
    from mutuelle.web.billing import unpaid

    q = unpaid.queue(on) if args.dry_run else unpaid.apply(on)
    rows = [
        {
            "adhesion": a.number,
            "action": c.action,
            "label": c.label,
            "due_on": c.due_on.isoformat(),
            "owed_cents": c.owed_cents,
            "suspended_from": c.timeline.suspended_from.isoformat()
            if c.timeline.suspended_from
            else None,
            "terminable_from": c.timeline.terminable_from.isoformat()
            if c.timeline.terminable_from
            else None,
        }
        for a, c in q.cases
    ]
    if args.json:
        print_json({"on": on.isoformat(), "done": q.done, "queue": rows})
        return 0
    print(f"Impayés au {on:%d/%m/%Y} : {len(rows)} dossier(s).")
    if q.done:
        print(
            f"  {q.done['notices']} mise(s) en demeure envoyée(s), {q.done['suspensions']} "
            f"suspension(s), {q.done['terminations']} résiliation(s) pour non-paiement, "
            f"{q.done['reinstatements']} remise(s) en vigueur, "
            f"{q.done['closed']} mise(s) en demeure close(s) (payées)."
        )
    for r in rows:
        print(
            f"  {r['adhesion']} : {r['label']} — échéance du {r['due_on']}, "
            f"{format_euros(r['owed_cents'])} dus"
        )
    return 0
