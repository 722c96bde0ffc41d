"""One month's collection (pain.008 and its entries) on an existing PostgreSQL database, timed:
for comparing two versions of the code on copies of the same snapshot.

Usage: DATABASE_URL=postgres://…/NAME .venv/bin/python bench/collect.py --year 2027 --months 1 12
           [--sql] [--profile]

Collects the 5th of each month given, in order, on ``DATABASE_URL`` itself (make a copy first:
``CREATE DATABASE copy TEMPLATE snapshot``; a snapshot after the call is kept by
``bench/billing.py --months 0 --keep``). Prints each month's wall time, this process's CPU, and
with ``--sql`` its eight costliest kinds of statement; ``--profile``: cProfile's top 30 (own
time) of the last month. A sampling profiler gives truer shares: ``py-spy record --idle -- …``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--months", type=int, nargs="+", required=True)
    parser.add_argument("--sql", action="store_true", help="the costliest statements")
    parser.add_argument("--profile", action="store_true", help="cProfile of the last month")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuelle.web.settings.dev")
    import django

    django.setup()
    from django.db import connection

    from mutuelle.web.billing import collection

    sql: dict[str, list[float]] = {}

    def timed(execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            entry = sql.setdefault(" ".join(query.split()[:8])[:110], [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - t

    for month in args.months:
        sql.clear()
        profiler = None
        if args.profile and month == args.months[-1]:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(timed):
            report = collection.collect(dt.date(args.year, month, 5))
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        count = report.file.count if report.file else 0
        print(
            f"05/{month:02d}/{args.year} : {count} prélèvements en {wall:.1f} s, "
            f"{cpu:.1f} s de calcul"
        )
        if args.sql:
            for kind, (n, spent) in sorted(sql.items(), key=lambda x: -x[1][1])[:8]:
                print(f"    SQL {spent:6.2f} s {int(n):5d}× {kind}")
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
