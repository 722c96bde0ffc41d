"""How fast the money journal takes a month of 30 000 households and answers reports.

Usage: .venv/bin/python bench/journal.py [HOUSEHOLDS]
Posts, with ``post_many``, one contribution call (net income + TSA) and one payment per
household into a temporary SQLite database (or the PostgreSQL of ``DATABASE_URL``: use an empty
test database), reposts them (idempotence: nothing new), then times the SQL aggregates a
report asks for and one adhesion's derived facts.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time

if not os.environ.get("DATABASE_URL"):
    os.environ["MUTUELLE_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-journal-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuelle.web.settings.dev")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from mutuelle.journal import Account, AccountKind, Entry, EntryKind, Posting  # noqa: E402
from mutuelle.money import mul_div_round  # noqa: E402
from mutuelle.web.journal import services as journal  # noqa: E402

MONTH = dt.date(2026, 12, 1)
END = dt.date(2026, 12, 31)
FORMULAS = ("Bauges", "Vercors", "Belledonne", "Beaufortain", "Vanoise")


def month_of(n: int) -> list[Entry]:
    number = f"GR26-{n:06d}"
    ttc = 4000 + (n * 37) % 12000
    net = mul_div_round(ttc, 10000, 11327)  # a plausible split, for the shape of the rows only
    member = Account(AccountKind.member_contributions, number)
    formula = FORMULAS[n % len(FORMULAS)]
    call = Entry(
        f"bench:call:{number}:{MONTH:%Y-%m}",
        EntryKind.contribution_call,
        MONTH,
        MONTH,
        END,
        (
            Posting(member, ttc),
            Posting(Account(AccountKind.contributions), -net, range="residents", formula=formula),
            Posting(Account(AccountKind.tax_tsa), net - ttc),
        ),
        "bench",
        "Appel de cotisation (banc d'essai)",
    )
    paid = Entry(
        f"bench:paid:{number}:{MONTH:%Y-%m}",
        EntryKind.payment_received,
        MONTH,
        MONTH,
        END,
        (Posting(Account(AccountKind.bank), ttc), Posting(member, -ttc)),
        "bench",
        "Prélèvement reçu (banc d'essai)",
    )
    return [call, paid]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30000
    call_command("migrate", verbosity=0)
    entries = [e for i in range(n) for e in month_of(i)]
    t0 = time.perf_counter()
    written = journal.post_many(entries, batch="bench")
    took = time.perf_counter() - t0
    postings = sum(len(e.postings) for e in entries)
    print(
        f"{connection.vendor} : {written} écritures ({postings} lignes) pour {n} foyers en "
        f"{took:.1f} s — {written / took:.0f} écritures/s"
    )
    t0 = time.perf_counter()
    again = journal.post_many(entries, batch="bench")
    print(f"relance du même lot : {again} nouvelle, {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    by = journal.totals(
        kind=AccountKind.contributions, period=(MONTH, END), by=("range", "formula")
    )
    took = time.perf_counter() - t0
    print(f"totaux du mois par gamme et formule (SQL) : {len(by)} groupes en {took * 1000:.0f} ms")
    t0 = time.perf_counter()
    s = journal.contribution_status(f"GR26-{n // 2:06d}")
    print(
        f"une adhésion (écritures + faits dérivés) : payé jusqu'au {s.paid_until} en "
        f"{(time.perf_counter() - t0) * 1000:.1f} ms ; solde du journal "
        f"{sum(journal.totals().values())} centime"
    )


if __name__ == "__main__":
    main()
