"""Oracle: the screening against a full OpenFisca simulation, on many generated households.

openfisca-france 176.1.8 (with our override's dated ``parameter_updates`` applied as a Reform,
the OpenFisca way) computes ``cmu_c`` (free CSS), ``css_participation_forfaitaire`` (monthly
participation), ``cmu_nbp_foyer`` and the forfait logement for the same households. Where the two
rule sets agree, the results must be equal. Where they knowingly differ, the households are
excluded **explicitly**, each with its reason (docs/interpretations.md I-57):

* ``child_25_or_more``: openfisca counts dependants aged ≤ 25 (R861-2 says *under* 25) and
  charges a participation to every member of its ``famille``, counted or not;
* ``band_age``: openfisca takes the participation band from the age on the 1st of the month, the
  arrêté from the age on 1 January (regulation.md §3.2);
* ``near_ceiling``: the published table truncates where openfisca rounds (regulation.md §0 fact 2,
  up to 3 € apart), and openfisca computes the forfait logement without rounding to the cent and
  in float32: a base between the two ceilings (± 1 €) may legitimately differ.

Inputs openfisca would otherwise *compute* are pinned (RSA, housing aid, family benefits, the
individual resource base), as the research of openfisca's CSS model showed they must be.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

import pytest
from openfisca_core import periods, reforms  # a runtime dependency: imported, never skipped
from openfisca_core.simulations import SimulationBuilder
from openfisca_france import CountryTaxBenefitSystem

from mutuelle.css import CssHousehold, CssMember, load_parameters, screen
from mutuelle.css.loader import PLAFOND_BASE, override_updates, upstream_values
from mutuelle.dates import add_months, age_on

HOUSING_OF = {
    "tenant": "locataire_vide",
    "tenant_with_housing_aid": "locataire_vide",
    "owner": "proprietaire",
    "housed_free": "loge_gratuitement",
}
FAMILY_RESOURCES = ["af", "cf", "asf", "css_base_ressources_aspa_asv", "paje_prepare", "paje_clca"]
GRENOBLE = "38185"
N_HOUSEHOLDS = 1500
SEED = 20250203  # the council's vote, 3 February 2025
MONTHS = [add_months(dt.date(2024, 4, 1), k) for k in range(27)]  # 2024-04 … 2026-06


@pytest.fixture(scope="module")
def tbs() -> Any:
    """openfisca-france's system + our dated parameter updates (never overwriting upstream)."""
    base = CountryTaxBenefitSystem()
    updates = {}
    for path in [PLAFOND_BASE]:
        last = upstream_values(path)[-1].since
        updates[path] = [u for u in override_updates(path) if u.since > last]

    def modifier(parameters: Any) -> Any:
        for path, values in updates.items():
            node = parameters
            for part in path.split("."):
                node = node.children[part]
            for u in values:
                node.update(start=periods.instant(u.since.isoformat()), value=float(u.value))
        return parameters

    class LocalOverride(reforms.Reform):  # type: ignore[misc]
        name = "mutuelle-communale: dated CSS parameter updates"

        def apply(self) -> None:
            self.modify_parameters(modifier_function=modifier)

    return LocalOverride(base)


def _birth(rng: random.Random, on: dt.date, age_lo: int, age_hi: int) -> dt.date:
    days = rng.randint(age_lo * 365, age_hi * 365 + 364)
    return max(on - dt.timedelta(days=days), dt.date(1900, 1, 1))


def generate(rng: random.Random, on: dt.date) -> CssHousehold:
    members = [CssMember("adherent", _birth(rng, on, 18, 90), 0)]
    if rng.random() < 0.5:
        members.append(CssMember("spouse", _birth(rng, on, 18, 90), 1))
    for _ in range(rng.choice([0, 0, 1, 2, 3, 4, 5])):
        oldest = 27 if rng.random() < 0.1 else 24  # a few dependants of 25 or more
        members.append(CssMember("child", _birth(rng, on, 0, oldest), len(members)))
    housing = rng.choice(["tenant", "tenant_with_housing_aid", "owner", "housed_free"])
    aid = None
    if housing == "tenant_with_housing_aid" and rng.random() < 0.5:
        aid = rng.randint(20_00, 400_00)
    # resources around the ceilings, so that every verdict occurs often
    table = load_parameters(on).ceilings
    ceiling = table.ceiling_free(len(members))
    resources = rng.randint(ceiling * 4 // 10, ceiling * 16 // 10)
    if housing == "tenant" and rng.random() < 0.2:  # right at a ceiling (± 1 cent, ± 3 €)
        at = rng.choice([ceiling, table.ceiling_participation(len(members))])
        resources = at + rng.choice([-300, -1, 0, 1, 300])
    return CssHousehold(
        date=on,
        members=tuple(members),
        resources_cents=resources,
        housing=housing,  # type: ignore[arg-type]
        housing_aid_monthly_cents=aid,
        receives_rsa=rng.random() < 0.05,
    )


def situation(households: list[CssHousehold], on: dt.date) -> dict[str, Any]:
    month = on.strftime("%Y-%m")
    start = periods.period(month).offset(-12).start
    prev_year = f"year:{start.year}-{start.month:02d}"
    ind: dict[str, Any] = {}
    fam: dict[str, Any] = {}
    foy: dict[str, Any] = {}
    men: dict[str, Any] = {}
    for h, hh in enumerate(households):
        parents, children = [], []
        for i, m in enumerate(hh.members):
            pid = f"h{h}_{i}"
            ind[pid] = {
                "date_naissance": {"ETERNITY": m.birth_date.isoformat()},
                # the 12-month amount on the month (this variable sums 12 months for a month);
                # the whole household's resources on the applicant, 0 on the others
                "css_cmu_base_ressources_individu": {
                    month: hh.resources_cents / 100 if i == 0 else 0.0
                },
            }
            (children if m.role == "child" else parents).append(pid)
        if hh.housing == "tenant_with_housing_aid":
            # no amount given: our screening counts the whole forfait; so does openfisca when the
            # aid exceeds it
            cents = hh.housing_aid_monthly_cents
            aid = 10_000.0 if cents is None else cents / 100
        else:
            aid = 0.0
        fam[f"f{h}"] = {
            "parents": parents,
            "enfants": children,
            "rsa": {month: 500.0 if hh.receives_rsa else 0.0},
            "aide_logement": {month: aid},
            **{v: {prev_year: 0.0} for v in FAMILY_RESOURCES},
        }
        foy[f"ff{h}"] = {"declarants": parents, "personnes_a_charge": children}
        men[f"m{h}"] = {
            "personne_de_reference": parents[:1],
            "conjoint": parents[1:2],
            "enfants": children,
            "statut_occupation_logement": {month: HOUSING_OF[hh.housing]},
            "depcom": {month: GRENOBLE},
        }
    return {"individus": ind, "familles": fam, "foyers_fiscaux": foy, "menages": men}


def _band_index(age: int) -> int:
    return sum(age >= b for b in (30, 50, 60, 70))


def exclusion(hh: CssHousehold, ours: Any, of_free: float, of_part: float) -> str | None:
    on = hh.date
    if any(m.role == "child" and age_on(m.birth_date, on) >= 25 for m in hh.members):
        return "child_25_or_more"
    jan1 = dt.date(on.year, 1, 1)
    for m in hh.members:
        if _band_index(max(age_on(m.birth_date, jan1), 0)) != _band_index(age_on(m.birth_date, on)):
            return "band_age"
    if hh.receives_rsa:
        return None
    base = ours.compared_resources_cents
    for mine, theirs in (
        (ours.ceiling_free_cents, round(of_free * 100)),
        (ours.ceiling_participation_cents, round(of_part * 100)),
    ):
        if min(mine, theirs) - 100 <= base <= max(mine, theirs) + 100:
            return "near_ceiling"
    return None


OUTPUTS = [
    "cmu_c",
    "css_participation_forfaitaire",
    "cmu_nbp_foyer",
    "cmu_c_plafond",
    "acs_plafond",
    "css_cmu_forfait_logement_base",
    "css_cmu_forfait_logement_al",
]


def test_screening_agrees_with_a_full_openfisca_simulation(tbs: Any) -> None:
    rng = random.Random(SEED)
    by_month: dict[dt.date, list[CssHousehold]] = {}
    for _ in range(N_HOUSEHOLDS):
        on = rng.choice(MONTHS)
        by_month.setdefault(on, []).append(generate(rng, on))

    compared: Counter[str] = Counter()
    excluded: Counter[str] = Counter()
    mismatches = []
    for on, households in sorted(by_month.items()):
        sim = SimulationBuilder().build_from_entities(tbs, situation(households, on))
        month = on.strftime("%Y-%m")
        res = {v: sim.calculate(v, month) for v in OUTPUTS}
        params = load_parameters(on)
        for h, hh in enumerate(households):
            ours = screen(params, hh)
            reason = exclusion(
                hh, ours, float(res["cmu_c_plafond"][h]), float(res["acs_plafond"][h])
            )
            if reason:
                excluded[reason] += 1
                continue
            if bool(res["cmu_c"][h]):
                theirs = "free"
            elif float(res["css_participation_forfaitaire"][h]) > 0:
                theirs = "with_participation"
            else:
                theirs = "not_eligible"
            their_part = round(float(res["css_participation_forfaitaire"][h]) * 100)
            if hh.housing in ("owner", "housed_free"):
                their_forfait = float(res["css_cmu_forfait_logement_base"][h])
            else:
                their_forfait = float(res["css_cmu_forfait_logement_al"][h])
            ok = (
                ours.verdict == theirs
                and ours.monthly_participation_cents == their_part
                and ours.household_size == int(res["cmu_nbp_foyer"][h])
                # we round the household RSA amount and the monthly forfait to the cent (I-53):
                # ≤ 0.5 c × 16.5 % × 12 + 0.5 c × 12 ≈ 7 cents a year apart
                and abs(ours.housing_flat_amount_cents - their_forfait * 100) <= 7
            )
            compared[ours.verdict] += 1
            if not ok:
                mismatches.append(
                    (
                        hh,
                        ours.verdict,
                        theirs,
                        ours.monthly_participation_cents,
                        their_part,
                        ours.household_size,
                        ours.housing_flat_amount_cents,
                        their_forfait,
                    )
                )
    print(f"\noracle: compared {dict(compared)}, excluded {dict(excluded)}")
    assert not mismatches, f"{len(mismatches)} disagreements, first ones: {mismatches[:3]}"
    # the comparison is not vacuous: every verdict is compared on many households
    for verdict in ("free", "with_participation", "not_eligible"):
        assert compared[verdict] >= 100, (verdict, compared)
    assert sum(compared.values()) >= N_HOUSEHOLDS // 2, (compared, excluded)


def test_known_disagreement_on_a_ceiling_the_published_table_wins(tbs: Any) -> None:
    """2024, 3 persons: published 18 298 €, openfisca round(10 166 × 1.8) = 18 299 €."""
    on = dt.date(2024, 6, 1)
    hh = CssHousehold(
        date=on,
        members=(
            CssMember("adherent", dt.date(1985, 2, 1), 0),
            CssMember("spouse", dt.date(1986, 2, 1), 1),
            CssMember("child", dt.date(2015, 2, 1), 2),
        ),
        resources_cents=18_298_50,
        housing="tenant",
    )
    sim = SimulationBuilder().build_from_entities(tbs, situation([hh], on))
    assert float(sim.calculate("cmu_c_plafond", "2024-06")[0]) == 18_299.0
    assert bool(sim.calculate("cmu_c", "2024-06")[0])  # openfisca: free CSS
    ours = screen(load_parameters(on), hh)
    assert ours.ceiling_free_cents == 18_298_00
    assert ours.verdict == "with_participation"  # 50 cents above the published ceiling
    assert exclusion(hh, ours, 18_299.0, float(sim.calculate("acs_plafond", "2024-06")[0]))
