"""Billing at the city's scale, on PostgreSQL: the yearly call of N households and the monthly
pain.008 of their mandates.

Usage: DATABASE_URL=postgres://…/any .venv/bin/python bench/billing.py [--households 30000]
           [--year 2027] [--lanes 2] [--keep] [--profile [call|collect]]
           [--snapshot NAME | --from NAME] [--documents] [--months N] [--vacuum]

Creates a database of its own beside ``DATABASE_URL``'s (dropped at the end unless ``--keep``),
loads the demonstration population with ``mutuelle demo-data --households N`` (a separate
process, so its memory is not counted), puts every household on monthly direct debit with a
signed mandate, then, in this process:

* the yearly call (``yearly-call`` batch runs, chunks of 500, the entries of a chunk in one
  COPY; ``--lanes`` runs in parallel processes, 2 by default as ``mutuelle bill`` on
  PostgreSQL, each its share of the adhesions): seconds, households/s, entries posted, the
  Python CPU of the processes — target under 60 s for 30 000 (PDFs apart);
* the same call again (nothing new posted);
* the January collection (``collect``: the due instalments read by SQL aggregates, the pain.008
  built by sepaxml and validated against its XSD, a ``payment_received`` entry per debit) —
  target under 10 s for 30 000 mandates;
* ``reconcile`` over everything;
* the peak resident memory of this process after the call and at the end (the population is
  never loaded whole; the pain.008 is built in memory by sepaxml).

``--snapshot NAME`` keeps a copy of the loaded population (before the call) as database
NAME; ``--from NAME`` starts from such a copy instead of running ``demo-data`` again (a
template copy takes seconds, the load minutes). ``--profile`` prints cProfile's top 25
(cumulative) of the call and of the collection (``--profile call`` or ``collect``: one).
``--documents`` then renders the calls' PDFs (the ``billing-documents`` run, in this process)
and prints its rate and the time 30 000 would take: use it at a small size (300 households).
The call also prints its slowest chunk and the time of its first and last fifth of chunks:
a last fifth much slower than the first is a planner gone wrong as the journal grows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import time
import uuid
from typing import Any


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (the lanes of the call)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=30_000)
    parser.add_argument("--year", type=int, default=2027)
    parser.add_argument("--seed", type=int, help="demo-data's seed (its own default otherwise)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="both",
        choices=["both", "call", "collect"],
        help="cProfile the call and/or the collection (top 25, cumulative)",
    )
    parser.add_argument(
        "--documents",
        action="store_true",
        help="then the calls' PDFs (billing-documents run): its rate, extrapolated to 30 000",
    )
    parser.add_argument(
        "--lanes",
        type=int,
        default=2,
        help="the call in LANES parallel runs, one process each (as `mutuelle bill`; 2)",
    )
    parser.add_argument(
        "--months", type=int, default=1, help="collect the 5th of months 1 to N (default 1)"
    )
    parser.add_argument(
        "--vacuum",
        action="store_true",
        help="VACUUM ANALYZE before each collection (untimed): autovacuum's work, where the "
        "server runs without it",
    )
    parser.add_argument("--snapshot", help="keep a copy of the loaded population as NAME")
    parser.add_argument("--from", dest="template", help="start from the copy NAME (no load)")
    parser.add_argument(
        "--database", help="a database already loaded by an earlier --keep run: reuse it"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL doit désigner un serveur PostgreSQL", file=sys.stderr)
        return 2
    import psycopg

    base = url.rsplit("/", 1)[0]
    if args.database:
        os.environ["DATABASE_URL"] = f"{base}/{args.database}"
        return _run(args, args.database, load=False)
    name = f"mutuelle_bench_billing_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        template = f' TEMPLATE "{args.template}"' if args.template else ""
        admin.execute(f'CREATE DATABASE "{name}"{template}')
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    try:
        return _run(args, name, load=not args.template, snapshot=(base, args.snapshot))
    finally:
        if not args.keep:
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print(f"base conservée : {name}")


def _sql_timed(sql: dict[str, list[float]]) -> Any:
    """The time of each kind of statement (BENCH_SQL=1 prints the first and last month's)."""
    from django.db import connection

    def timed(execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            kind = " ".join(query.split()[:6])[:90]
            entry = sql.setdefault(kind, [0, 0.0])
            entry[0] += 1
            entry[1] += time.perf_counter() - t

    return connection.execute_wrapper(timed)


def _profiled(args: argparse.Namespace, what: str) -> Any:
    if args.profile not in ("both", what):
        return None
    import cProfile

    profiler = cProfile.Profile()
    profiler.enable()
    return profiler


def _print_profile(profiler: Any, what: str) -> None:
    if profiler is not None:
        import pstats
        import tempfile

        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(25)
        path = os.path.join(tempfile.gettempdir(), f"bench-billing-{what}.prof")
        stats.dump_stats(path)
        print(f"profil complet : {path} (python -m pstats)")


def _run(
    args: argparse.Namespace,
    name: str,
    load: bool = True,
    snapshot: tuple[str, str | None] = ("", None),
) -> int:
    t = time.perf_counter()
    if load:
        # --no-money: the population only (demo-data's money part runs billing itself)
        command = ["demo-data", "--households", str(args.households), "--no-money"]
        if args.seed is not None:
            command += ["--seed", str(args.seed)]
        loaded = subprocess.run(
            [sys.executable, "-m", "mutuelle.cli", *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if loaded.returncode != 0:
            print(f"demo-data en échec :\n{loaded.stderr[-3000:]}", file=sys.stderr)
            return 1
        print(
            f"population de démonstration : {args.households} foyers en "
            f"{time.perf_counter() - t:.1f} s"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuelle.web.settings.dev")
    import django

    django.setup()
    from schwifty import IBAN

    from mutuelle.web.billing import collection
    from mutuelle.web.billing.reconcile import reconcile
    from mutuelle.web.jobs import framework
    from mutuelle.web.jobs import services as jobs
    from mutuelle.web.members.models import Adhesion
    from mutuelle.web.payments import services as payments
    from mutuelle.web.payments.models import Mandate

    Adhesion.objects.update(payment_mode="direct_debit", payment_frequency="monthly")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the statistics of a database just loaded
    ics = payments.creditor().creditor_id
    rows = []
    todo = Adhesion.objects.filter(mandates__isnull=True).values_list("pk", "number")
    for i, (pk, number) in enumerate(todo):
        iban = IBAN.generate("FR", bank_code="30006", account_code=f"{i:011d}")
        rows.append(
            Mandate(
                adhesion_id=pk,
                rum=f"MC-{number}-01",
                signed_on=dt.date(2024, 12, 1),
                debtor_name=f"Adherent {number}",
                iban_stored=str(iban),
                bic="AGRIFRPPXXX",
                creditor_ics=ics,
            )
        )
    Mandate.objects.bulk_create(rows, batch_size=2000)
    print(f"{len(rows)} mandats SEPA créés ; mémoire avant l'appel {_rss_mib():.0f} Mio")
    base, keep_as = snapshot
    if keep_as:
        import psycopg

        connection.close()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{keep_as}"')
            admin.execute(f'CREATE DATABASE "{keep_as}" TEMPLATE "{name}"')
        print(f"population chargée conservée : {keep_as} (--from {keep_as})")

    params = {"year": args.year, "on": f"{args.year - 1}-12-02"}
    lanes = 1 if args.profile in ("both", "call") else args.lanes  # (cProfile: this process)
    profiler = _profiled(args, "call")
    t, cpu, cpu_children = time.perf_counter(), time.process_time(), _children_cpu()
    started = jobs.start_lanes("yearly-call", params, lanes, idempotency_key=f"bench-{time.time()}")
    chunks: list[float] = []
    last = [time.perf_counter(), 0]

    def progress(runs: Any) -> None:  # one run: a chunk each call; lanes: polled
        now, done = time.perf_counter(), sum(r.done for r in runs)
        if lanes == 1 or done != last[1]:
            chunks.append(now - last[0])
            last[0], last[1] = now, done

    runs = framework.run_parallel([r.pk for r, _ in started], progress=progress)
    call_s = time.perf_counter() - t
    call_cpu = time.process_time() - cpu + _children_cpu() - cpu_children
    _print_profile(profiler, "call")
    per = chunks[1:-1]  # the chunks (the first call is the start, the last the finish)
    if per and lanes == 1:
        fifth = max(1, len(per) // 5)
        print(
            f"  {len(per)} lots : le plus lent {max(per):.2f} s, premier cinquième "
            f"{sum(per[:fifth]) / fifth:.2f} s/lot, dernier {sum(per[-fifth:]) / fifth:.2f} s/lot"
        )
    posted = sum(r.result.get("entries_posted", 0) for r in runs)
    done_n, errors = sum(r.done for r in runs), sum(r.error_count for r in runs)
    print(
        f"appel {args.year} : {done_n} adhésions en {call_s:.1f} s "
        f"({done_n / call_s:.0f} foyers/s), {posted} écritures, "
        f"{errors} non chiffrables (cases vides des grilles) — cible < 60 s"
        + (f" ; {lanes} traitements en parallèle" if lanes > 1 else "")
    )
    who = "ces processus" if lanes > 1 else "ce processus"
    print(
        f"  dont {call_cpu:.1f} s de calcul Python ({who}), le reste l'attente de PostgreSQL "
        "et des autres processus de la machine"
    )
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"mémoire résidente maximale après l'appel : {_rss_mib():.0f} Mio"
        + (
            f" (ce processus ; le plus gros des traitements : {children:.0f} Mio)"
            if lanes > 1
            else ""
        )
    )
    t = time.perf_counter()
    again = jobs.start_lanes("yearly-call", params, lanes, idempotency_key="bench-again")
    rerun = framework.run_parallel([r.pk for r, _ in again])
    print(
        f"même appel relancé : {sum(r.result.get('entries_posted', 0) for r in rerun)} écriture "
        f"nouvelle en {time.perf_counter() - t:.1f} s"
    )
    for month in range(1, args.months + 1):
        # (with --months, the later collections: each aggregates the member accounts of the
        # calls so far, the database leaving out what a debit has settled; December's reads
        # more postings than January's, not more rows into Python)
        if args.vacuum:  # what autovacuum does on a server configured by default (untimed)
            from django.db import connection

            with connection.cursor() as cur:
                cur.execute("VACUUM ANALYZE")
        profiler = _profiled(args, "collect") if month == args.months else None
        sql: dict[str, list[float]] = {}
        t, cpu = time.perf_counter(), time.process_time()
        with _sql_timed(sql):
            report = collection.collect(dt.date(args.year, month, 5))
        collect_s, collect_cpu = time.perf_counter() - t, time.process_time() - cpu
        if os.environ.get("BENCH_SQL") and month in (1, args.months):
            for kind, (n, spent) in sorted(sql.items(), key=lambda x: -x[1][1])[:8]:
                print(f"    SQL {spent:6.2f} s {int(n):5d}× {kind}")
        if profiler is not None:
            _print_profile(profiler, "collect")
        count = report.file.count if report.file else 0
        print(
            f"prélèvements du 05/{month:02d}/{args.year} : {count} mandats, pain.008 validé XSD "
            f"en {collect_s:.1f} s ({count / max(collect_s, 1e-9):.0f} mandats/s) — cible "
            f"< 10 s ; dont {collect_cpu:.1f} s de calcul de ce processus",
            flush=True,
        )
    t = time.perf_counter()
    rec = reconcile()
    print(
        f"rapprochement : {'juste' if rec.ok else 'FAUX'} sur {len(rec.rows)} adhésions en "
        f"{time.perf_counter() - t:.1f} s"
    )
    print(f"mémoire résidente maximale du processus : {_rss_mib():.0f} Mio")
    if args.documents:
        t = time.perf_counter()
        docs, _ = jobs.start_run(
            "billing-documents", {"year": args.year, "kind": "call"}, defer=False
        )
        docs = framework.run(docs.pk)
        r = docs.result
        print(
            f"PDF des appels (traitement billing-documents) : {r.get('documents', 0)} en "
            f"{time.perf_counter() - t:.1f} s, {r.get('documents_per_second', 0):.1f} PDF/s "
            f"de travail, soit {r.get('minutes_for_30000', 0):.0f} min pour 30 000 (dans le "
            "worker quand le back-office le lance)"
        )
    return 0 if rec.ok else 1


if __name__ == "__main__":
    sys.exit(main())
