"""How fast documents are rendered and produced (the billing run will render 30 000 calls).

Usage: .venv/bin/python bench/documents.py [N]
Renders N two-page request summaries in this process (WeasyPrint, tagged PDF/UA-1), then
produces them (render, keep under a temporary folder, record in a temporary SQLite database)
with ``produce_many``, and prints documents per second and the time 30 000 would take on one
core.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time

tmp = tempfile.mkdtemp(prefix="bench-documents-")
os.environ["MUTUELLE_DATA_DIR"] = tmp
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuelle.web.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from mutuelle.documents import DocumentKind  # noqa: E402
from mutuelle.membership.bulletin import (  # noqa: E402
    Insured,
    Justificatif,
    RequestFacts,
    request_summary,
)
from mutuelle.web.documents import services  # noqa: E402
from mutuelle.web.documents.render import render_many  # noqa: E402

AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def summary(n: int):  # type: ignore[no-untyped-def]
    return request_summary(
        RequestFacts(
            number=f"DEM26-{n:06d}",
            last_name=f"Durand{n}",
            first_name="Josette",
            birth_date=dt.date(1954, 5, 4),
            address=f"{n % 90 + 1} place Grenette",
            postcode="38000",
            city="Grenoble",
            email="josette@example.org",
            phone="",
            range_label="Particuliers",
            insured=(Insured("Enfant", "Lou", f"Durand{n}", dt.date(2015, 11, 5)),),
            formula="Belledonne",
            monthly_cents=9000 + n % 5000,
            payment_mode="Prélèvement SEPA",
            payment_frequency="Chaque mois",
            iban="FR7630006000011234567890189",
            account_holder="Josette Durand",
            wished_start=dt.date(2027, 1, 1),
            start=dt.date(2027, 1, 1),
            previous_cover_ends=None,
            renunciation="Renonciation possible pendant 14 jours.",
            effective_source="Règlement particuliers I-4",
            justificatifs=(
                Justificatif("Pièce d'identité", "Josette", True),
                Justificatif("Attestation d'affiliation", "Lou", False),
            ),
            consent_at=AT,
            issued_at=AT,
        )
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    docs = [summary(i) for i in range(n)]
    list(render_many(docs[:1]))  # WeasyPrint's import and first layout are not the rate
    t0 = time.perf_counter()
    size = sum(len(pdf) for pdf in render_many(docs))
    took = time.perf_counter() - t0
    print(
        f"rendu : {n} récapitulatifs (2 pages, PDF/UA-1) en {took:.1f} s — {n / took:.1f} "
        f"documents/s, {size / n / 1024:.0f} Kio en moyenne ; 30 000 : {30000 * took / n / 60:.0f} "
        "min sur un cœur"
    )
    call_command("migrate", verbosity=0)
    items = [services.Item(d, DocumentKind.bulletin, None, "grenoble-2025") for d in docs]
    t0 = time.perf_counter()
    made = services.produce_many(items, batch="bench")
    took = time.perf_counter() - t0
    print(
        f"produit (rendu + fichier 0600 + enregistrement) : {made} en {took:.1f} s — "
        f"{made / took:.1f} documents/s ; relance du même lot : "
        f"{services.produce_many(items, batch='bench')} nouveau"
    )


if __name__ == "__main__":
    main()
