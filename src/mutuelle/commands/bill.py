"""``mutuelle bill --year Y``: the yearly call of every active adhesion of every range, as a
resumable batch run (rerunning after an interruption resumes it; calling the same year again
posts nothing new, only the regularisations of what changed since)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "bill",
        help="appel de cotisation annuel de toutes les adhésions (traitement reprenable)",
        description="Calcule l'appel de l'année civile de chaque adhésion active (âges au 1er "
        "janvier, exonérations, prorata, changements) et passe au journal une écriture par "
        "échéance ; un changement depuis l'appel donne une régularisation.",
    )
    p.add_argument("--year", type=int, required=True, help="année civile appelée (2027)")
    p.add_argument(
        "--on", help="date comptable des écritures, AAAA-MM-JJ (par défaut : aujourd'hui)"
    )
    p.add_argument("--per-chunk", type=int, help="adhésions par lot (500)")
    p.add_argument("--delay-ms", type=int, help=argparse.SUPPRESS)
    p.add_argument("--json", action="store_true", help="résultat en JSON, sans barre")
    p.set_defaults(func=run)


def euros(cents: int) -> str:
    from mutuelle.money import format_euros

    return format_euros(cents)


def run(args: argparse.Namespace) -> int:
    try:
        on = dt.date.fromisoformat(args.on) if args.on else dt.date.today()
    except ValueError:
        return fail(f"--on {args.on} : date illisible (AAAA-MM-JJ)", args.json)
    _django.setup()
    from mutuelle.commands.batch import _describe, _with_bar
    from mutuelle.web.jobs import framework, services

    params: dict[str, Any] = {"year": args.year, "on": on.isoformat()}
    if args.per_chunk is not None:
        params["per_chunk"] = args.per_chunk
    if args.delay_ms is not None:
        params["delay_ms"] = args.delay_ms
    try:
        batch_run, created = services.start_run("yearly-call", params, defer=False)
    except framework.ParameterError as exc:
        return fail(str(exc), args.json)
    try:
        done = framework.run(batch_run.pk) if args.json else _with_bar(batch_run.pk)
    except framework.AlreadyRunning as exc:
        return fail(str(exc), args.json)
    except Exception as exc:
        return fail(
            f"appel interrompu : {exc} (reprendre : mutuelle bill --year {args.year} "
            f"--on {on.isoformat()})",
            args.json,
        )
    if args.json:
        print_json(_describe(done))
        return 0
    r = done.result
    if not created:
        print(f"Traitement n° {done.pk} déjà lancé avec ces paramètres : repris ou terminé.")
    print(
        f"Appel {args.year} : {done.done}/{done.total} adhésions examinées, "
        f"{r.get('adhesions_called', 0)} appelées, {r.get('entries_posted', 0)} écritures "
        f"nouvelles, {done.error_count} en erreur."
    )
    print(
        f"  Total appelé {euros(r.get('ttc_cents', 0))} TTC = {euros(r.get('net_cents', 0))} "
        f"hors taxes + TSA {euros(r.get('tsa_cents', 0))} + contribution LFSS 2026 "
        f"{euros(r.get('lfss_cents', 0))}"
    )
    for e in done.errors.all()[:20]:
        print(f"  {e.item} : {e.reason}")
    return 0
