"""``mutuelle worker``: the worker that runs batch runs on PostgreSQL (Procrastinate)."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail


def register(sub: Any) -> None:
    p = sub.add_parser(
        "worker",
        help="exécuter les traitements par lots (PostgreSQL, Procrastinate)",
        description="Applique les migrations, reprend les traitements interrompus, puis "
        "exécute ceux que le back office ou l'API demandent (Ctrl-C pour arrêter).",
    )
    p.add_argument("--concurrency", type=int, default=1)
    p.add_argument(
        "--once", action="store_true", help="traiter ce qui attend puis s'arrêter (tests, cron)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    _django.setup()
    from django.core.management import call_command

    from mutuelle.web.jobs import services

    if not services.worker_available():
        return fail(
            "le worker demande PostgreSQL (DATABASE_URL) ; avec la base SQLite par défaut, "
            "« mutuelle serve » exécute lui-même les traitements",
            False,
        )
    call_command("migrate", verbosity=0, interactive=False)
    n = services.requeue_resumable()
    print(f"Worker des traitements par lots ({_django.database_label()}) : {n} à reprendre.")
    options = ["worker", "--queues", "batch", "--concurrency", str(args.concurrency)]
    if args.once:
        options.append("--one-shot")  # stop when the queue is empty
    call_command("procrastinate", *options)
    return 0
