"""Benchmark: a monthly pain.008 of N synthetic mandates, built by sepaxml and validated
against its XSD (pure core, no database), and its parse back by the bank simulator's reader.

Usage: .venv/bin/python bench/sepa.py [--mandates 30000] [--schema pain.008.001.08]

Prints the time to build + validate the file (the billing target: under 10 s for 30 000),
its size, the time to produce and parse a pain.002 rejecting 1 % of it, and the peak resident
memory of the process (the whole file is one XML tree: memory grows with the file).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time

from mutuelle.sepa import (
    DebitSchema,
    DebitTransaction,
    Party,
    PostalAddress,
    SequenceType,
    bank,
    build_debit_file,
    check_iban,
    parse_bank_file,
)

BANKS = ["30006", "30003", "30004", "20041", "10278", "17515", "11315", "16606"]


def accounts(n: int, rng: random.Random) -> list:
    from schwifty import IBAN

    out = []
    for i in range(n):
        iban = IBAN.generate("FR", bank_code=rng.choice(BANKS), account_code=f"{i:011d}")
        out.append(check_iban(str(iban)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mandates", type=int, default=30_000)
    parser.add_argument("--schema", default=DebitSchema.V08.value)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    creditor = Party(
        "Mutuelle Entrenous - DEMONSTRATION",
        check_iban("FR29300060000000001DEMO0009"),
        "FR76ZZZ000000",
        PostalAddress("Chambery", street="allee Albert Sylvestre", building="27", postcode="73000"),
    )
    t0 = time.perf_counter()
    pool = accounts(min(args.mandates, 2_000), rng)
    txs = [
        DebitTransaction(
            end_to_end_id=f"MC{n:030d}",
            amount_cents=rng.randint(1_500, 32_000),
            rum=f"MC-GR25-{n:06d}-01",
            mandate_signed_on=dt.date(2025, 1, 1),
            debtor_name=f"Adherent numero {n}",
            debtor_account=pool[n % len(pool)],
            sequence=SequenceType.FIRST if n % 40 == 0 else SequenceType.RECURRENT,
            remittance=f"Cotisation fevrier 2026 adhesion GR25-{n:06d}",
            debtor_address=PostalAddress(
                "Grenoble", street="rue de la Republique", postcode="38000"
            ),
        )
        for n in range(args.mandates)
    ]
    prepared = time.perf_counter() - t0
    t1 = time.perf_counter()
    doc = build_debit_file(
        creditor, dt.date(2026, 2, 5), txs, message_id="MC-D-20260205-001",
        created_at=dt.datetime(2026, 2, 1, 8, 0), schema=DebitSchema(args.schema),
    )  # fmt: skip
    built = time.perf_counter() - t1
    rejects = {t.end_to_end_id: "AM04" for t in txs[::100]}
    t2 = time.perf_counter()
    report = parse_bank_file(
        bank.status_report(doc, rejects, message_id="BNK", created_at=dt.datetime(2026, 2, 6))
    )
    returned = time.perf_counter() - t2
    assert len(report.lines) == len(rejects)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"pain.008 ({doc.schema}) de {doc.count} mandats, total {doc.control_sum_cents / 100:.2f} €"
    )
    print(f"  préparation des instructions : {prepared:.2f} s (identifiants vérifiés par schwifty)")
    print(f"  construction + validation XSD : {built:.2f} s ({doc.count / built:,.0f} mandats/s) "
          f"— cible < 10 s pour 30 000")  # fmt: skip
    print(f"  taille du fichier : {len(doc.xml) / 1e6:.1f} Mo, {len(doc.batches)} lots")
    print(f"  pain.002 de {len(rejects)} rejets produit puis lu : {returned:.2f} s")
    print(f"  mémoire résidente maximale : {peak_mib:.0f} Mio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
