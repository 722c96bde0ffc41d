"""``django-admin load_demo`` (or ``mutuelle demo-data``): the demonstration population."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mutuelle.web.members import demo, services


class Command(BaseCommand):
    help = "Charge une population de démonstration (foyers des quatre gammes) dans une base vide."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--households", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["households"] < 1:
            raise CommandError("--households doit être au moins 1")
        t0 = time.perf_counter()
        try:
            counts = demo.load_demo(
                services.offer_for(),
                households=opts["households"],
                seed=opts["seed"],
                progress=lambda s: self.stdout.write(s),
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        took = time.perf_counter() - t0
        self.stdout.write(
            f"Données de démonstration chargées en {took:.1f} s : "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
