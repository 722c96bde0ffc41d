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
    p.add_argument(
        "--lanes",
        type=int,
        help="traitements en parallèle, un processus chacun, qui se partagent les adhésions "
        "(par défaut : 2 sous PostgreSQL sur une machine d'au moins 2 cœurs, 1 sous SQLite)",
    )
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
    from mutuelle.commands.batch import _with_bars, merged
    from mutuelle.web.jobs import framework, services
    from mutuelle.web.jobs.models import BatchRunError

    params: dict[str, Any] = {"year": args.year, "on": on.isoformat()}
    if args.per_chunk is not None:
        params["per_chunk"] = args.per_chunk
    if args.delay_ms is not None:
        params["delay_ms"] = args.delay_ms
    lanes = args.lanes if args.lanes is not None else default_lanes()
    try:
        started = services.start_lanes("yearly-call", params, lanes)
    except framework.ParameterError as exc:
        return fail(str(exc), args.json)
    created = any(made for _, made in started)
    ids = [r.pk for r, _ in started]
    again = f"mutuelle bill --year {args.year} --on {on.isoformat()}" + (
        f" --lanes {lanes}" if args.lanes is not None else ""
    )
    try:
        runs = framework.run_parallel(ids) if args.json else _with_bars(ids)
    except framework.AlreadyRunning as exc:
        return fail(str(exc), args.json)
    except Exception as exc:
        return fail(f"appel interrompu : {exc} (reprendre : {again})", args.json)
    done = merged(runs)
    if args.json:
        print_json(done)
        return 0
    r = done["result"]
    if not created:
        numbers = ", ".join(map(str, ids))
        print(f"Traitement n° {numbers} déjà lancé avec ces paramètres : repris ou terminé.")
    print(
        f"Appel {args.year} : {done['done']}/{done['total']} adhésions examinées, "
        f"{r.get('adhesions_called', 0)} appelées, {r.get('entries_posted', 0)} écritures "
        f"nouvelles, {done['errors']} en erreur"
        + (f" ({lanes} traitements en parallèle)." if len(runs) > 1 else ".")
    )
    print(
        f"  Total appelé {euros(r.get('ttc_cents', 0))} TTC = {euros(r.get('net_cents', 0))} "
        f"hors taxes + TSA {euros(r.get('tsa_cents', 0))} + contribution LFSS 2026 "
        f"{euros(r.get('lfss_cents', 0))}"
    )
    for e in BatchRunError.objects.filter(run_id__in=ids).order_by("id")[:20]:
        print(f"  {e.item} : {e.reason}")
    return 0


def default_lanes() -> int:
    """Two processes on PostgreSQL when the machine has two cores (the call's Python and the
    server's work then share both), one on SQLite (one writer at a time)."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        return 1
    return 2 if (os.cpu_count() or 1) >= 2 else 1
