"""Benchmark of the scalar settlement engine on a synthetic city year of claims.

Usage: .venv/bin/python bench/reimburse.py [--beneficiaries 30000] [--seed 2025]

Generates, beneficiary by beneficiary, a year (2025) of care events with a realistic mix (about
67 events per beneficiary: pharmacy, GP and specialists, nurses and physiotherapists, labs,
dentists, optics every other year, a few hospital stays, hearing aids, bien-être, prevention…)
whose AMO amounts follow the 2025 rates and bases of ``offers/data/reference/amo-2025.yaml``;
then settles each beneficiary's year with :func:`mutuelle.benefits.settle` (one batch, no
history kept) and prints the counts, the time spent settling only (generation excluded),
events per second and the peak resident memory. One process, one core. The target of the
issue: at least 50 000 events per second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable

from mutuelle.benefits import CareEvent, Coverage, compile_plan, settle
from mutuelle.money import apply_rate, format_euros
from mutuelle.offers.reference import load_reference

YEAR_START = dt.date(2025, 1, 1)
RANGES = (("residents", 0.78), ("agents", 0.10), ("students", 0.07), ("tns", 0.05))
FORMULAS = {
    "residents": ("Bauges", "Vercors", "Belledonne", "Beaufortain", "Vanoise"),
    "agents": ("Bauges", "Vercors", "Belledonne", "Beaufortain", "Vanoise"),
    "students": ("Bauges", "Vercors", "Belledonne", "Beaufortain", "Vanoise"),
    "tns": ("ASOCLR", "ABASER", "AAR", "ABR", "ACR", "ADR", "AER"),
}


def _ref(key: str) -> int:
    d = load_reference().entry(key).on(dt.date(2025, 6, 1))
    assert d is not None, key
    return d.value


R_DOC, R_DENT, R_AUX, R_BIO, R_HOSP, R_DRUG, R_LPP = (
    _ref(k)
    for k in (
        "rate_doctors",
        "rate_dentists",
        "rate_auxiliaries",
        "rate_biology",
        "rate_hospital",
        "rate_drugs_important",
        "rate_lpp",
    )
)
G, CS, KINE, FJH, FPU, PF, FRANCHISE, ACTES_LOURDS, BR_HA, BR_OPT = (
    _ref(k)
    for k in (
        "br_gp",
        "br_specialist",
        "br_kine_session",
        "forfait_journalier",
        "forfait_patient_urgences",
        "participation_forfaitaire",
        "franchise_box",
        "forfait_actes_lourds",
        "br_hearing_aid",
        "br_optical_class_b_item",
    )
)

Maker = Callable[[random.Random, dt.date, int], list[dict[str, object]]]


def _amo(br: int, rate: int) -> int:
    return apply_rate(br, rate)


def _gp(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    billed = G if r.random() < 0.85 else G + r.choice((500, 1000, 2000))
    return [dict(benefit="generaliste", billed_cents=billed, br_cents=G, amo_cents=_amo(G, R_DOC),
                 participation_forfaitaire_cents=PF if age >= 18 else 0,
                 dptam=r.random() < 0.7)]  # fmt: skip


def _specialist(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    billed = CS + r.choice((0, 0, 1500, 3000, 5000))
    return [dict(benefit="specialiste", billed_cents=billed, br_cents=CS,
                 amo_cents=_amo(CS, R_DOC), participation_forfaitaire_cents=PF,
                 dptam=r.random() < 0.6)]  # fmt: skip


def _pharmacy(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    boxes = r.randint(1, 4)
    br = boxes * r.randint(200, 2500)
    return [dict(benefit="pharmacie", billed_cents=br, br_cents=br, amo_cents=_amo(br, R_DRUG),
                 franchise_cents=min(FRANCHISE * boxes, _amo(br, R_DRUG)))]  # fmt: skip


def _aux(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    billed = KINE + r.choice((0, 0, 0, 500))
    return [dict(benefit="auxiliaires", billed_cents=billed, br_cents=KINE,
                 amo_cents=_amo(KINE, R_AUX),
                 franchise_cents=min(FRANCHISE, _amo(KINE, R_AUX)))]  # fmt: skip


def _lab(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    br = r.randint(800, 6000)
    return [dict(benefit="analyses", billed_cents=br, br_cents=br, amo_cents=_amo(br, R_BIO),
                 participation_forfaitaire_cents=min(PF, _amo(br, R_BIO)))]  # fmt: skip


def _dentist(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    if r.random() < 0.9:
        br = r.choice((2300, 2892, 3374, 4820))
        return [dict(benefit="dentaire_soins", billed_cents=br, br_cents=br,
                     amo_cents=_amo(br, R_DENT))]  # fmt: skip
    br = 12000
    kind = r.choice(("dentaire_libre", "dentaire_maitrise", "dentaire_100_sante"))
    billed = {"dentaire_libre": 60000, "dentaire_maitrise": 45000, "dentaire_100_sante": 50000}
    return [dict(benefit=kind, billed_cents=billed[kind], br_cents=br, amo_cents=_amo(br, R_DENT),
                 price_limit_cents=billed[kind])]  # fmt: skip


def _optics(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    cat = r.choice(("simple", "simple", "complexe", "tres_complexe"))
    if r.random() < 0.2:
        return [
            dict(benefit="optique_monture", basket="100_sante", billed_cents=3000,
                 br_cents=900, amo_cents=540, price_limit_cents=3000),
            dict(benefit="optique_verre", basket="100_sante", quantity=2, billed_cents=7000,
                 br_cents=2000, amo_cents=1200, price_limit_cents=7000),
        ]  # fmt: skip
    return [
        dict(benefit="optique_monture", basket="libre", billed_cents=r.randint(6000, 25000),
             br_cents=BR_OPT, amo_cents=_amo(BR_OPT, R_LPP)),
        dict(benefit="optique_verre", basket="libre", lens_category=cat, quantity=2,
             billed_cents=r.randint(8000, 60000), br_cents=2 * BR_OPT,
             amo_cents=_amo(2 * BR_OPT, R_LPP)),
    ]  # fmt: skip


def _hospital(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    days = r.randint(1, 8)
    br = r.randint(80000, 600000)
    fees = r.randint(10000, 80000)
    return [
        dict(benefit="hospitalisation_sejour", billed_cents=br, br_cents=br, amo_cents=br),
        dict(benefit="hospitalisation_honoraires", billed_cents=fees * 3 // 2, br_cents=fees,
             amo_cents=fees, dptam=r.random() < 0.6),
        dict(benefit="forfait_actes_lourds", billed_cents=ACTES_LOURDS),
        dict(benefit="forfait_journalier", billed_cents=FJH * days, days=days),
        dict(benefit="chambre_particuliere", billed_cents=8000 * days, days=days),
    ]  # fmt: skip


def _urgences(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    return [dict(benefit="forfait_patient_urgences", billed_cents=FPU)]


def _bien_etre(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    return [dict(benefit=r.choice(("medecines_douces", "medecines_douces", "homeopathie")),
                 billed_cents=r.choice((4500, 5500, 6000, 7000)))]  # fmt: skip


def _prevention(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    return [dict(benefit="prevention", billed_cents=2500, br_cents=2500,
                 amo_cents=_amo(2500, R_DOC))]  # fmt: skip


def _hearing(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    basket = "100_sante" if r.random() < 0.4 else "libre"
    billed = 95000 if basket == "100_sante" else r.randint(120000, 220000)
    return [
        dict(benefit="aide_auditive", basket=basket, ear=ear, billed_cents=billed,
             br_cents=BR_HA, amo_cents=_amo(BR_HA, R_LPP))
        for ear in ("left", "right")
    ]  # fmt: skip


def _lenses(r: random.Random, day: dt.date, age: int) -> list[dict[str, object]]:
    return [dict(benefit="lentilles_non_remboursees", billed_cents=r.randint(5000, 30000))]


# (maker, mean yearly count per beneficiary): about 67 events a year
MIX: tuple[tuple[Maker, float], ...] = (
    (_pharmacy, 26.0),
    (_aux, 14.0),
    (_gp, 6.5),
    (_lab, 5.0),
    (_specialist, 3.5),
    (_dentist, 2.2),
    (_bien_etre, 2.0),
    (_prevention, 1.5),
    (_optics, 0.45),  # 2 events each
    (_lenses, 0.3),
    (_hospital, 0.12),  # 5 events each
    (_urgences, 0.25),
    (_hearing, 0.02),  # 2 events each
)


def _poisson(r: random.Random, mean: float) -> int:
    # Knuth's method is enough for these small means
    limit, k, p = 2.718281828459045 ** (-mean), 0, 1.0
    while True:
        p *= r.random()
        if p <= limit:
            return k
        k += 1


def beneficiary_year(r: random.Random, n: int) -> tuple[Coverage, list[CareEvent]]:
    rng = r.choices([x for x, _ in RANGES], [w for _, w in RANGES])[0]
    age = (
        r.randint(19, 27) if rng == "students" else r.choice((r.randint(0, 17), r.randint(18, 90)))
    )
    birth = dt.date(2025 - age, r.randint(1, 12), r.randint(1, 28))
    start = YEAR_START if birth < YEAR_START else birth
    cov = Coverage(
        offer="grenoble-2025",
        range=rng,
        formulas=((start, r.choice(FORMULAS[rng])),),
        cover_start=start,
        cover_end=None,
        birth_date=birth,
    )
    events: list[CareEvent] = []
    for maker, mean in MIX:
        for _ in range(_poisson(r, mean)):
            day = YEAR_START + dt.timedelta(days=r.randint(0, 364))
            for fields in maker(r, day, age):
                events.append(CareEvent(id=f"{n}-{len(events)}", date=day, **fields))  # type: ignore[arg-type]
    return cov, events


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--beneficiaries", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    r = random.Random(args.seed)
    plans = {rng: compile_plan("grenoble-2025", rng) for rng, _ in RANGES}
    outcome: Counter[str] = Counter()
    paid = 0
    settle_seconds = 0.0
    total_events = 0
    for n in range(args.beneficiaries):
        cov, events = beneficiary_year(r, n)
        plan = plans[cov.range]
        t0 = time.perf_counter()
        result = settle(plan, cov, events, keep_history=False)
        settle_seconds += time.perf_counter() - t0
        total_events += len(events)
        for s in result.settlements:
            if s.error is not None:
                outcome["refused (error)"] += 1
            elif s.mutuelle_cents == 0:
                outcome["settled at 0 €"] += 1
            else:
                outcome["paid"] += 1
                paid += s.mutuelle_cents
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rate = total_events / settle_seconds if settle_seconds else float("inf")
    print(f"beneficiaries          {args.beneficiaries:>12,}")
    print(f"events                 {total_events:>12,}")
    for k, v in sorted(outcome.items()):
        print(f"  {k:<20} {v:>12,}")
    print(f"paid by the mutual     {format_euros(paid):>16}")
    print(f"settling time          {settle_seconds:>12.2f} s (generation excluded)")
    print(f"events per second      {rate:>12,.0f}   (target ≥ 50 000)")
    print(f"peak memory (RSS)      {peak_kib / 1024:>12.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
