"""The steering committee's reports for a city: build every closed period's figures, protect
them together, resolve a quarter's report, export it — CSV, XLSX and the committee's PDF (no
database: plain facts; Django only for the PDF's template).

Usage: .venv/bin/python bench/reporting.py [HOUSEHOLDS] [--seed S]
Prints the time of each step, the number of figures, equations and suppressed cells, and the
peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import time

from mutuelle.reporting import complaints as cx
from mutuelle.reporting import outreach as ox
from mutuelle.reporting.committee import build, report
from mutuelle.reporting.disclosure import protect
from mutuelle.reporting.facts import Facts
from mutuelle.reporting.population import (
    AdhesionFact,
    Cover,
    FormulaSpan,
    PriorCover,
    Role,
    Situation,
)
from mutuelle.reporting.rules import load_steering

TODAY = dt.date(2026, 12, 1)
RANGES = {"residents": "Particuliers", "students": "Étudiant-es", "agents": "Agents", "tns": "TNS"}


def facts(n: int, seed: int) -> Facts:
    rng = random.Random(seed)
    adhesions = []
    for i in range(n):
        start = dt.date(2025, 2, 1) + dt.timedelta(days=rng.randint(0, 600))
        start = start.replace(day=1)
        end = start + dt.timedelta(days=rng.randint(60, 500)) if rng.random() < 0.06 else None
        deps = tuple(
            Cover(Role.CHILD if k else Role.SPOUSE, dt.date(rng.randint(1960, 2024), 6, 1), start)
            for k in range(rng.choices([0, 1, 2, 3, 4], [45, 22, 20, 9, 4])[0])
        )
        adhesions.append(
            AdhesionFact(
                rng.choices(list(RANGES), [60, 12, 15, 13])[0],
                start,
                end,
                dt.date(rng.randint(1940, 2004), rng.randint(1, 12), 1),
                rng.choice(list(PriorCover)),
                rng.choice(list(Situation)),
                deps,
                (FormulaSpan(rng.choice(["Bauges", "Vercors", "Belledonne"]), start, end),),
                key=str(i),
            )
        )
    days = [dt.date(2025, 2, 24) + dt.timedelta(days=d) for d in range(0, 640)]
    perms = [
        ox.PermanenceFact(d, f"Lieu {k}", 1, rng.randint(2, 14), rng.randint(0, 5))
        for d in days
        if d.weekday() < 5
        for k in range(2)
    ]
    complaints = [
        cx.ComplaintFact(
            dt.date(2025, 3, 1) + dt.timedelta(days=rng.randint(0, 600)),
            rng.choice(list(RANGES)),
            rng.choice(list(cx.Subject)),
            acknowledged_on=None,
        )
        for _ in range(n // 60)
    ]
    return Facts(adhesions, RANGES, ox.OutreachFacts(perms), complaints)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("households", nargs="?", type=int, default=30_000)
    ap.add_argument("--seed", type=int, default=2025)
    args = ap.parse_args()
    rules = load_steering("grenoble-2025")
    f = facts(args.households, args.seed)
    t0 = time.perf_counter()
    built = build(f, rules, TODAY)
    t1 = time.perf_counter()
    prot = protect(built.family.cells.values(), built.family.equations)
    t2 = time.perf_counter()
    rep = report(built, prot, "2026-Q3", TODAY)
    t3 = time.perf_counter()
    from mutuelle.web.reporting.exports import to_csv, to_xlsx

    csv_text = to_csv(rep)
    buf = io.BytesIO()
    to_xlsx(rep, buf)
    t4 = time.perf_counter()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuelle.web.settings.dev")
    import django

    django.setup()
    from mutuelle.reporting.document import committee_document
    from mutuelle.web.documents.render import render_pdf

    t5 = time.perf_counter()
    doc = committee_document(rep, dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC))
    pdf = render_pdf(doc)
    t6 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.households} foyers, {len(built.periods)} périodes closes au {TODAY:%d/%m/%Y}")
    print(f"  chiffres : {len(built.family.cells)}, équations : {len(built.family.equations)}")
    print(f"  construction des chiffres : {t1 - t0:.2f} s")
    print(
        f"  protection (secret primaire et secondaire) : {t2 - t1:.2f} s, "
        f"{len(prot.suppressed())} cases masquées, {prot.rounds} tours, "
        f"{len(prot.failures)} échec(s)"
    )
    print(f"  rapport du 3e trimestre 2026 : {t3 - t2:.3f} s")
    print(
        f"  exports CSV ({len(csv_text) // 1024} Kio), XLSX ({len(buf.getvalue()) // 1024} Kio) : "
        f"{t4 - t3:.3f} s"
    )
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"  rapport PDF ({len(pdf) // 1024} Kio, {pages} pages) : {t6 - t5:.2f} s")
    print(f"  mémoire maximale : {peak:.0f} Mio (processus {os.getpid()})")


if __name__ == "__main__":
    main()
