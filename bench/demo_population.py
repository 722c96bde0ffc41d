"""How fast the demonstration population is computed by the core (no database).

Usage: .venv/bin/python bench/demo_population.py [HOUSEHOLDS]
Prints households per second for computing every date and contribution with the core.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuelle.web.settings.test")

import django

django.setup()

from mutuelle.offers import load_offer  # noqa: E402
from mutuelle.web.members.demo import build_population  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    offer = load_offer("grenoble-2025")
    t0 = time.perf_counter()
    built = build_population(offer, n, 2025, dt.date(2026, 11, 23))
    took = time.perf_counter() - t0
    persons = sum(1 + len(hh.dependants) for hh in built)
    print(f"{n} foyers ({persons} personnes) calculés en {took:.2f} s : {n / took:.0f} foyers/s")


if __name__ == "__main__":
    main()
