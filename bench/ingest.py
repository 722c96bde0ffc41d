"""A city's year of claim lines ingested and settled into PostgreSQL.

Usage: DATABASE_URL=postgres://…/any .venv/bin/python bench/ingest.py
       [--beneficiaries 30000] [--lines-per 67] [--chunk 5000] [--lanes 2] [--keep]
       [--default-gc]

Creates a database of its own beside DATABASE_URL's (dropped at the end unless ``--keep``),
loads a population of households (members, spouses, children: ``--beneficiaries`` persons),
writes a year of claim lines in the format of docs/claims-format.md (NGAP/pharmacy codes and
members' invoices, in care-date order with 0.5 % of late lines and 0.1 % of malformed ones),
then runs the ingestion — the same code as ``mutuelle ingest``: with ``--lanes N`` (2 by
default, as the command on a two-core machine) N forked processes each settle the lines of
their share of the households; ``--lanes 1`` in this process — and prints
lines per second, the share of time in parsing (with the identity look-ups), settling (with the
history queries) and writing (batched inserts, the journal's COPY), the peak RSS, and checks
that the journal balances and equals the settlements. Targets (issue 11): 2 M lines in under
10 minutes, peak memory under 500 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

FORMULAS = ["Vercors", "Belledonne", "Beaufortain", "Vanoise"]


def _database() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL doit désigner un serveur PostgreSQL (postgres://…)")
    base = url.rsplit("/", 1)[0]
    return base, f"mutuelle_bench_ingest_{uuid.uuid4().hex[:6]}"


def _population(n: int, rng: random.Random) -> list[tuple[str, list[tuple[int, str]]]]:
    """Households: (adhesion number, [(rank, birth date)]), ``n`` persons in all."""
    from django.db import transaction

    from mutuelle.web.members.models import Adhesion, Affiliation, FormulaPeriod, Person

    out: list[tuple[str, list[tuple[int, str]]]] = []
    start = dt.date(2025, 1, 1)
    persons: list[Person] = []
    plan: list[list[tuple[int, str, dt.date]]] = []
    while sum(len(h) for h in plan) < n:
        size = rng.choice([1, 1, 2, 2, 3, 4])
        hh = [(1, "adherent", dt.date(rng.randint(1950, 1995), rng.randint(1, 12), 15))]
        if size >= 2:
            hh.append((2, "spouse", dt.date(rng.randint(1950, 1995), rng.randint(1, 12), 10)))
        for k in range(size - 2):
            hh.append((3 + k, "child", dt.date(2008 + 3 * k, rng.randint(1, 12), 5)))
        plan.append(hh)
    with transaction.atomic():
        for hh in plan:
            for _, _, birth in hh:
                persons.append(Person(last_name="Banc", first_name="Essai", birth_date=birth))
        Person.objects.bulk_create(persons, batch_size=5000)
        it = iter(persons)
        adhesions = []
        people = []
        for i, hh in enumerate(plan):
            ps = [next(it) for _ in hh]
            people.append(ps)
            adhesions.append(
                Adhesion(
                    number=f"BI25-{i + 1:06d}",
                    offer="grenoble-2025",
                    range="residents",
                    member=ps[0],
                    signed_on=dt.date(2024, 12, 1),
                    file_sent_on=dt.date(2024, 12, 2),
                    start=start,
                )
            )
        Adhesion.objects.bulk_create(adhesions, batch_size=5000)
        FormulaPeriod.objects.bulk_create(
            [
                FormulaPeriod(adhesion=a, formula=rng.choice(FORMULAS), start=start)
                for a in adhesions
            ],
            batch_size=5000,
        )
        affs = []
        for a, hh, ps in zip(adhesions, plan, people, strict=True):
            for (_, role, _), p in zip(hh[1:], ps[1:], strict=True):
                affs.append(
                    Affiliation(adhesion=a, person=p, role=role, requested_on=start, start=start)
                )
            out.append((a.number, [(rank, birth.isoformat()) for rank, _, birth in hh]))
        Affiliation.objects.bulk_create(affs, batch_size=5000)
    return out


def _lines(households, per: int, rng: random.Random, path: Path) -> int:
    """A year of lines, in reception order: the act mix of ``mutuelle demo-claims``
    (mutuelle.web.claims.demo), 0.5 % of late lines and 0.1 % of impossible dates."""
    from mutuelle.web.claims.demo import HEADER, line, pick

    rows: list[tuple[int, str]] = []
    n = 0
    for number, members in households:
        for rank, birth in members:
            for _ in range(rng.randint(per // 2, per * 3 // 2)):
                n += 1
                day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(365))
                text = line(f"L{n}", number, rank, birth, day.isoformat(), pick(rng))
                when = day.toordinal()
                if rng.random() < 0.005:  # a late line: received weeks after its care date
                    when += rng.randint(20, 60)
                if rng.random() < 0.001:
                    text = text.replace(f";{day};", ";2025-02-30;")
                rows.append((when, text))
    rows.sort(key=lambda r: r[0])
    with path.open("w", encoding="utf-8") as f:
        f.write(HEADER + "\n")
        for _, text in rows:
            f.write(text + "\n")
    return n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--beneficiaries", type=int, default=30_000)
    ap.add_argument("--lines-per", type=int, default=67)
    ap.add_argument("--chunk", type=int, default=5000)
    ap.add_argument("--lanes", type=int, default=2)
    ap.add_argument(
        "--default-gc", action="store_true", help="(--lanes 1) sans le réglage du ramasse-miettes"
    )
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    base, name = _database()
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuelle.web.settings.dev")
    try:
        _run(args, name)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(args: argparse.Namespace, name: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    t = time.perf_counter()
    households = _population(args.beneficiaries, rng)
    print(f"population : {len(households)} adhésions, {args.beneficiaries} bénéficiaires "
          f"({time.perf_counter() - t:.1f} s)")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "annee-2025.csv"
        t = time.perf_counter()
        # the file is written by a forked child, so that the peak memory printed is the
        # ingestion's, not the generator's (which sorts the whole year in memory)
        count = Path(tmp) / "count"
        pid = os.fork()
        if pid == 0:
            count.write_text(str(_lines(households, args.lines_per, rng, path)))
            os._exit(0)
        os.waitpid(pid, 0)
        n = int(count.read_text())
        del households
        print(f"fichier : {n} lignes, {path.stat().st_size / 1e6:.0f} Mo "
              f"({time.perf_counter() - t:.1f} s)")  # fmt: skip
        if args.lanes > 1:
            _ingest_lanes(path, n, args.chunk, args.lanes)
        else:
            _ingest(path, n, args.chunk, args.default_gc)


def _server_cpu(pid: int) -> float:
    """The CPU seconds of the PostgreSQL backend serving this connection (same machine; 0
    when its /proc entry cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ingest(path: Path, n: int, chunk: int, default_gc: bool = False) -> None:
    from django.db import connection

    from mutuelle.web.claims import services

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    import contextlib

    tuned = contextlib.nullcontext() if default_gc else services.tuned_collector()
    ingest = services.Ingest(on=dt.date(2026, 1, 5))
    file, _ = services.open_file(path)
    assert file is not None
    sql: dict[str, list[float]] = {}

    def timed(execute, query, params, many, context):  # the time of each kind of statement
        t = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            kind = " ".join(query.split()[:4])[:70]
            sql.setdefault(kind, [0, 0.0])
            sql[kind][0] += 1
            sql[kind][1] += time.perf_counter() - t

    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        (backend,) = cur.fetchone()
    server0 = _server_cpu(backend)
    every = max(1, 200_000 // chunk)  # a progress line every 200 000 lines
    t0 = time.perf_counter()
    last = t0
    with (
        tuned,  # as mutuelle ingest does, unless --default-gc
        connection.execute_wrapper(timed),
        path.open(encoding="utf-8", newline="") as f,
    ):
        for i, part in enumerate(services.chunks(f, chunk)):
            ingest.process(part, file)
            if (i + 1) % every == 0:
                now = time.perf_counter()
                done = ingest.counts.read
                print(f"  {done} lignes, {done / (now - t0):.0f} lignes/s "
                      f"(dernier lot {every * chunk / (now - last):.0f}/s, charge "
                      f"{os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
                last = now
    services.finish(file)
    took = time.perf_counter() - t0
    c = ingest.counts
    tm = ingest.timings
    total = sum(tm.values()) or 1.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ingestion : {c.read} lignes en {took:.0f} s — {c.read / took:.0f} lignes/s "
          f"(objectif : 2 M en moins de 600 s)")  # fmt: skip
    print(f"  réglées {c.settled}, rejetées {c.rejected}, doublons {c.duplicates}, "
          f"règlements revus {c.revised}")  # fmt: skip
    print("  parts du temps : " + ", ".join(f"{k} {v / total:.0%}" for k, v in tm.items()))
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    spent = cpu.ru_utime + cpu.ru_stime - cpu0
    server = _server_cpu(backend) - server0
    print(f"  hors des trois parts (validation des transactions, contrôles différés du "
          f"journal) : {took - total:.0f} s ; temps CPU : Python {spent:.0f} s, serveur "
          f"PostgreSQL {server:.0f} s (charge moyenne {os.getloadavg()[0]:.1f})")  # fmt: skip
    if os.environ.get("BENCH_SQL"):
        for kind, (count, spent) in sorted(sql.items(), key=lambda x: -x[1][1])[:12]:
            print(f"    SQL {spent:7.2f} s {count:6d}× {kind}")
    print(f"  mémoire : pic {peak:.0f} Mo (avant l'ingestion {rss_before:.0f} Mo ; objectif < 500)")
    _books()


def _ingest_lanes(path: Path, n: int, chunk: int, lanes: int) -> None:
    from mutuelle.web.claims import parallel, services

    file, _ = services.open_file(path, lanes=lanes)
    assert file is not None and file.lanes == lanes
    t0 = time.perf_counter()
    shown = [0]

    def progress(done: int) -> None:
        if done >= shown[0] + 200_000:
            shown[0] = done
            took = time.perf_counter() - t0
            print(f"  {done} lignes passées par chaque voie, {done / took:.0f} lignes/s "
                  f"(charge {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip

    stats = parallel.run_lanes(
        path,
        file,
        chunk=chunk,
        rejects=path.with_suffix(".rejets.csv"),
        on=dt.date(2026, 1, 5),
        progress=progress,
    )
    services.finish(file)
    took = time.perf_counter() - t0
    c = file.counts
    print(f"ingestion en {lanes} voies : {c['read']} lignes en {took:.0f} s — "
          f"{c['read'] / took:.0f} lignes/s (objectif : 2 M en moins de 600 s)")  # fmt: skip
    print(f"  réglées {c['settled']}, rejetées {c['rejected']}, doublons {c['duplicates']}, "
          f"règlements revus {c['revised']}")  # fmt: skip
    for st in stats:
        total = sum(st.timings.values()) or 1.0
        shares = ", ".join(f"{k} {v / total:.0%}" for k, v in st.timings.items())
        print(f"  voie {st.lane + 1} : {st.counts['read']} lignes, "
              f"CPU Python {st.cpu_seconds:.0f} s, "
              f"pic {st.peak_mb:.0f} Mo ; parts : {shares}")  # fmt: skip
    print(f"  mémoire : {sum(s.peak_mb for s in stats):.0f} Mo pour les {lanes} voies ensemble "
          f"(pic de la plus grosse {max(s.peak_mb for s in stats):.0f} Mo ; objectif < 500) ; "
          f"charge moyenne {os.getloadavg()[0]:.1f}")  # fmt: skip
    _books()


def _books() -> None:
    from django.db import connection

    from mutuelle.journal import Account, AccountKind
    from mutuelle.web.journal import services as journal

    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(sum(cents), 0) FROM journal_journalposting")
        (balance,) = cur.fetchone()
        cur.execute("SELECT coalesce(sum(delta_cents), 0) FROM claims_settlement")
        (settled,) = cur.fetchone()
    charge = journal.balance_of(Account(AccountKind.benefits))
    print(f"  journal équilibré : {balance == 0} ; charge {charge} = règlements {settled} : "
          f"{charge == settled}")  # fmt: skip


if __name__ == "__main__":
    main()
