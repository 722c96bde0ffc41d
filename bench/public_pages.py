"""Response times of the public pages (Django test client, SQLite in memory, one process):
the median and the worst of N requests per page, including the computations behind them.

Usage: .venv/bin/python bench/public_pages.py [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuelle.web.settings.test")
os.environ["MUTUELLE_RATE_LIMIT_SCALE"] = "0"

import django

django.setup()
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

FAMILY = {
    "situation": "residents",
    "start": "01/01/2027",
    "member_birth": "15/06/1985",
    "spouse_birth": "10/09/1986",
    "children": "3",
    "child_0_birth": "02/03/2012",
    "child_1_birth": "20/11/2016",
    "child_2_birth": "05/10/2026",
    "resources": "30000",
    "housing": "tenant",
}
NEEDS = {
    "action": "needs",
    "q_0_generaliste": "6",
    "q_0_lunettes_progressifs": "1",
    "q_1_osteo": "5",
    "q_2_orthodontie": "2",
    "q_4_generaliste": "8",
}


def main(n: int) -> None:
    setup_test_environment()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0)
    call_command("migrate", verbosity=0)
    c = Client()
    cases = [
        ("GET /", lambda: c.get("/")),
        ("GET /simulateur/", lambda: c.get("/simulateur/")),
        ("POST /simulateur/ (famille de 5, CSS)", lambda: c.post("/simulateur/", FAMILY)),
        (
            "POST /complementaire-sante-solidaire/",
            lambda: c.post("/complementaire-sante-solidaire/", FAMILY),
        ),
        ("POST /conseil/ (5 personnes)", lambda: c.post("/conseil/", NEEDS)),
        ("GET /permanences/", lambda: c.get("/permanences/")),
        ("GET /api/openapi.json", lambda: c.get("/api/openapi.json")),
    ]
    c.post("/simulateur/", FAMILY)  # the household in the session for /conseil/
    print(f"{'page':45} {'médiane':>9} {'pire':>9}  ({n} requêtes)")
    for name, call in cases:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            r = call()
            times.append(time.perf_counter() - t)
            assert r.status_code == 200, (name, r.status_code)
        print(f"{name:45} {statistics.median(times) * 1000:8.1f}ms {max(times) * 1000:8.1f}ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
