"""Benchmark: ``build_debit_file`` alone on N synthetic debits (no database), the pain.008
part of a monthly collection (issue 10: 30 000 mandates in under 10 s, all phases included).

Usage: .venv/bin/python bench/sepa_build.py [--debits 28500] [--runs 3] [--gc] [--profile]

The debits are made as in tests/sepa/helpers.py (500 accounts, IBANs as bench/sepa.py): a FRST
in forty, the rest RCUR, an address each, a fifth of the names with accents (transliterated by
``sepa_text``), an amendment in two hundred (half a new account in the same bank, half a new
bank). The build runs with the cyclic
collector paused, as the collection runs it (``mutuelle.gcpause``), unless ``--gc``. Prints, per
run, the wall and CPU seconds, debits per second, the file's size, and the peak resident memory
of the process (``ru_maxrss``: the instructions prepared before are in it too, printed first).
``--profile``: one more run under cProfile, its 25 most expensive functions (own time).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import dataclasses
import datetime as dt
import pstats
import random
import resource
import statistics
import sys
import time

from mutuelle.gcpause import cyclic_gc_paused
from mutuelle.sepa import (
    Amendment,
    DebitSchema,
    DebitTransaction,
    Party,
    PostalAddress,
    SequenceType,
    build_debit_file,
    check_iban,
)

BANKS = ("30006", "30003", "30004", "20041", "10278", "17515", "11315", "16606")
NAMES = ("Claire Martin", "Hélène Lefèvre", "Jean Dupont", "Paul Moreau", "Lucie Bernard")
STREETS = ("rue de la République", "avenue Alsace-Lorraine", "cours Berriat", "place Grenette")


def debits(n: int, seed: int) -> list[DebitTransaction]:
    from schwifty import IBAN  # RIB keys computed by schwifty, as bench/sepa.py

    rng = random.Random(seed)
    pool = [
        check_iban(str(IBAN.generate("FR", bank_code=rng.choice(BANKS), account_code=f"{i:011d}")))
        for i in range(min(n, 500))
    ]
    out = []
    for i in range(n):
        tx = DebitTransaction(
            end_to_end_id=f"MC{i:030d}",
            amount_cents=rng.randint(1_500, 32_000),
            rum=f"MC-GR25-{i:06d}-01",
            mandate_signed_on=dt.date(2025, 1, 1),
            debtor_name=f"{NAMES[i % len(NAMES)]} {i}",
            debtor_account=pool[i % len(pool)],
            sequence=SequenceType.FIRST if i % 40 == 0 else SequenceType.RECURRENT,
            remittance=f"Cotisation fevrier 2026 adhesion GR25-{i:06d}",
            debtor_address=PostalAddress(
                "Grenoble", street=STREETS[i % len(STREETS)], building=str(i % 90), postcode="38000"
            ),
        )
        if i % 200 == 7:
            previous = pool[(i + 1) % len(pool)]
            tx = dataclasses.replace(
                tx, amendment=Amendment(previous_iban=previous.iban, new_bank=i % 400 == 7)
            )
        out.append(tx)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--debits", type=int, default=28_500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--gc", action="store_true", help="leave the cyclic collector on")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    creditor = Party(
        "Mutuelle Entrenous (démonstration)",
        check_iban("FR29300060000000001DEMO0009"),
        "FR76ZZZ000000",
        PostalAddress("Chambéry", street="allée Albert Sylvestre", building="27", postcode="73000"),
    )
    txs = debits(args.debits, args.seed)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(txs)} prélèvements préparés, mémoire résidente {rss:.0f} Mio")

    def build() -> bytes:
        paused = contextlib.nullcontext() if args.gc else cyclic_gc_paused()
        with paused:
            doc = build_debit_file(
                creditor,
                dt.date(2026, 2, 5),
                txs,
                message_id="MC-D-20260205-001",
                created_at=dt.datetime(2026, 2, 1, 8, 0),
                schema=DebitSchema.V08,
            )
        return doc.xml

    walls = []
    for run in range(1, args.runs + 1):
        w0, c0 = time.perf_counter(), time.process_time()
        size = len(build())
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        walls.append(wall)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"run {run}: {wall:.2f} s ({cpu:.2f} s CPU), {len(txs) / wall:,.0f} prélèvements/s, "
            f"{size / 1e6:.1f} Mo, pic de mémoire résidente {peak:.0f} Mio"
        )
    print(f"médiane {statistics.median(walls):.2f} s, meilleur {min(walls):.2f} s")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(build)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
