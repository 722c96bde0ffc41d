"""Cost of the CSS screening: loading the parameters, screening N households.

Run: .venv/bin/python bench/css.py [N] [--openfisca]
     (--openfisca also times a full TaxBenefitSystem and one vectorised simulation, the oracle)
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

T0 = time.perf_counter()
from mutuelle.css import (  # noqa: E402
    CssHousehold,
    CssMember,
    load_parameters,
    loader,
    screen,
)

T_IMPORT = time.perf_counter() - T0


def households(n: int, on: dt.date, seed: int = 1) -> list[CssHousehold]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        members = [
            CssMember("adherent", on - dt.timedelta(days=rng.randint(18 * 365, 90 * 365)), 0)
        ]
        if rng.random() < 0.5:
            members.append(
                CssMember("spouse", on - dt.timedelta(days=rng.randint(18 * 365, 90 * 365)), 1)
            )
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            members.append(
                CssMember("child", on - dt.timedelta(days=rng.randint(0, 24 * 365)), len(members))
            )
        out.append(
            CssHousehold(
                date=on,
                members=tuple(members),
                resources_cents=rng.randint(0, 4_000_000),
                housing=rng.choice(["tenant", "tenant_with_housing_aid", "owner", "housed_free"]),
            )
        )
    return out


def main() -> None:
    n = int(next((a for a in sys.argv[1:] if a.isdigit()), "10000"))
    on = dt.date(2025, 6, 1)
    print(f"import mutuelle.css: {T_IMPORT * 1000:.0f} ms")

    t = time.perf_counter()
    loader._openfisca_nodes()
    print(
        f"read openfisca's cs + rsa parameter folders (once per process): "
        f"{(time.perf_counter() - t) * 1000:.1f} ms"
    )
    t = time.perf_counter()
    loader.read_override()
    print(f"read the local override (once per process): {(time.perf_counter() - t) * 1000:.1f} ms")
    t = time.perf_counter()
    params = load_parameters(on)
    print(
        f"build CssParameters for one date (first call): {(time.perf_counter() - t) * 1000:.1f} ms"
    )
    t = time.perf_counter()
    for _ in range(1000):
        load_parameters(on)
    print(
        f"load_parameters(date), cached: {(time.perf_counter() - t) * 1e6 / 1000:.2f} µs per call"
    )
    t = time.perf_counter()
    for k in range(24):
        loader.build_parameters(dt.date(2024, 4, 1) + dt.timedelta(days=30 * k))
    print(
        f"build_parameters, uncached (trees already read): "
        f"{(time.perf_counter() - t) * 1000 / 24:.2f} ms per date"
    )

    hhs = households(n, on)
    t = time.perf_counter()
    verdicts: dict[str, int] = {}
    for hh in hhs:
        v = screen(params, hh).verdict
        verdicts[v] = verdicts.get(v, 0) + 1
    dt_screen = time.perf_counter() - t
    print(
        f"screen {n} households: {dt_screen * 1000:.0f} ms "
        f"({dt_screen * 1e6 / n:.0f} µs per household) — {verdicts}"
    )

    if "--openfisca" in sys.argv:
        from openfisca_core.simulations import SimulationBuilder
        from openfisca_france import CountryTaxBenefitSystem

        sys.path.insert(0, "tests/css")
        from test_oracle import situation  # the oracle's situation builder

        t = time.perf_counter()
        tbs = CountryTaxBenefitSystem()
        print(f"openfisca CountryTaxBenefitSystem(): {time.perf_counter() - t:.2f} s")
        sample = hhs[:1000]
        t = time.perf_counter()
        sim = SimulationBuilder().build_from_entities(tbs, situation(sample, on))
        for v in ("cmu_c", "css_participation_forfaitaire"):
            sim.calculate(v, on.strftime("%Y-%m"))
        print(
            f"openfisca simulation of {len(sample)} households (vectorised): "
            f"{time.perf_counter() - t:.2f} s"
        )


if __name__ == "__main__":
    main()
