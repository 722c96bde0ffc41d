"""CSS screening: cases worked out by hand from the published tables (regulation.md §3)."""

from __future__ import annotations

import datetime as dt

import pytest

from mutuelle.css import (
    CssHousehold,
    CssMember,
    CssParametersUnavailable,
    load_parameters,
    result_to_dict,
    screen,
)
from mutuelle.css.household import Housing

D = dt.date


def household(
    on: dt.date,
    births: list[tuple[str, dt.date]],
    resources_cents: int,
    housing: Housing = "tenant",
    aid: int | None = None,
    rsa: bool = False,
) -> CssHousehold:
    return CssHousehold(
        date=on,
        members=tuple(CssMember(role, b, i) for i, (role, b) in enumerate(births)),  # type: ignore[arg-type]
        resources_cents=resources_cents,
        housing=housing,
        housing_aid_monthly_cents=aid,
        receives_rsa=rsa,
    )


def run(hh: CssHousehold):  # type: ignore[no-untyped-def]
    return screen(load_parameters(hh.date), hh)


JUNE_2025 = D(2025, 6, 1)


def test_pensioner_alone_owner_pays_the_70_plus_participation() -> None:
    # 72 years old, owns her home, 11 500 € over 12 months, June 2025.
    # Forfait logement 1 person: 12 % × 646,52 € = 77,5824 → 77,58 €/month → 930,96 €/year.
    # 11 500 + 930,96 = 12 430,96 €: above 10 339 €, under 13 957 € → with participation.
    # Age on 1 January 2025: 71 → 30 €/month.
    r = run(household(JUNE_2025, [("adherent", D(1953, 2, 10))], 1_150_000, "owner"))
    assert r.housing_flat_amount_cents == 93_096
    assert r.compared_resources_cents == 1_243_096
    assert (r.ceiling_free_cents, r.ceiling_participation_cents) == (1_033_900, 1_395_700)
    assert r.verdict == "with_participation"
    assert r.monthly_participation_cents == 30_00
    assert r.parameters_since == D(2025, 4, 1)
    assert r.parameters_valid_on == D(2026, 3, 31)
    assert not r.warnings


def test_couple_two_children_tenant_with_housing_aid_is_free() -> None:
    # 4 persons, June 2025. RSA for 3 persons or more: 646,52 × 1,8 = 1 163,736 → 1 163,74 €;
    # forfait with aid, 3+ persons: 16,5 % → 192,0171 → 192,02 €/month → 2 304,24 €/year.
    # 19 000 + 2 304,24 = 21 304,24 € ≤ 21 711 € (4 persons) → free.
    births = [
        ("adherent", D(1985, 5, 1)),
        ("spouse", D(1987, 8, 1)),
        ("child", D(2014, 1, 1)),
        ("child", D(2018, 1, 1)),
    ]
    r = run(household(JUNE_2025, births, 1_900_000, "tenant_with_housing_aid"))
    assert r.household_size == 4
    assert r.housing_flat_amount_cents == 230_424
    assert r.ceiling_free_cents == 2_171_100
    assert r.verdict == "free"
    assert r.monthly_participation_cents == 0
    # The aid actually received caps the forfait (R861-7): 150 €/month → 1 800 €/year.
    capped = run(household(JUNE_2025, births, 1_900_000, "tenant_with_housing_aid", aid=150_00))
    assert capped.housing_flat_amount_cents == 180_000
    assert capped.compared_resources_cents == 2_080_000


def test_the_ceilings_are_inclusive_to_the_cent() -> None:
    one = [("adherent", D(1980, 1, 1))]
    verdicts = [
        run(household(JUNE_2025, one, cents)).verdict
        for cents in (1_033_900, 1_033_901, 1_395_700, 1_395_701)
    ]
    assert verdicts == ["free", "with_participation", "with_participation", "not_eligible"]


def test_participation_uses_the_age_on_1_january() -> None:
    # Born 15 March 1995: 30 on the date of the application (June 2025) but 29 on 1 January
    # 2025 → the under-30 amount, 8 € (openfisca would take 14 €: I-55).
    r = run(household(JUNE_2025, [("adherent", D(1995, 3, 15))], 1_200_000))
    assert r.members[0].age == 30
    assert r.members[0].age_on_1_january == 29
    assert r.verdict == "with_participation"
    assert r.monthly_participation_cents == 8_00


def test_family_participation_is_the_sum_over_the_persons_counted() -> None:
    # 52 and 47 on 1 January 2025, children of 10 and 26: the 26-year-old is not counted
    # (R861-2: under 25), so 3 persons; 21 + 14 + 8 = 43 €/month.
    births = [
        ("adherent", D(1972, 6, 1)),
        ("spouse", D(1977, 6, 1)),
        ("child", D(2014, 6, 1)),
        ("child", D(1999, 1, 1)),
    ]
    r = run(household(JUNE_2025, births, 2_000_000))
    assert r.household_size == 3
    assert [m.counted for m in r.members] == [True, True, True, False]
    assert r.ceiling_free_cents == 1_860_900
    assert r.verdict == "with_participation"
    assert r.monthly_participation_cents == 43_00
    assert any("n'est pas compté" in n for n in r.notes)


def test_a_dependant_counts_until_the_day_before_25() -> None:
    def size(child_birth: dt.date) -> int:
        births = [("adherent", D(1970, 1, 1)), ("child", child_birth)]
        return run(household(JUNE_2025, births, 0)).household_size

    assert size(D(2000, 6, 2)) == 2  # 24 years old on 1 June 2025
    assert size(D(2000, 6, 1)) == 1  # 25 that day


def test_large_households_add_the_published_increment_per_person() -> None:
    births = [("adherent", D(1980, 1, 1)), ("spouse", D(1980, 1, 1))]
    births += [("child", D(2010 + k, 1, 1)) for k in range(4)]  # 6 persons
    r = run(household(JUNE_2025, births, 0))
    assert r.ceiling_free_cents == 2_171_100 + 2 * 413_500  # 29 981 €
    assert r.ceiling_participation_cents == 2_931_100 + 2 * 558_300  # 40 477 €


def test_2024_application_uses_the_2024_table() -> None:
    births = [("adherent", D(1980, 1, 1)), ("spouse", D(1980, 1, 1)), ("child", D(2015, 1, 1))]
    r = run(household(D(2024, 6, 1), births, 0))
    assert r.ceiling_free_cents == 1_829_800  # published 18 298 € (openfisca rounds: 18 299)
    assert r.parameters_valid_on == D(2025, 3, 31)


def test_after_31_march_2026_the_result_warns_that_the_ceilings_are_not_installed() -> None:
    r = run(household(D(2026, 6, 1), [("adherent", D(1980, 1, 1))], 0, "owner"))
    assert r.parameters.outdated
    assert r.parameters_since == D(2025, 4, 1)
    assert any("revalorisés chaque 1er avril" in w for w in r.warnings)
    # The RSA amount (hence the forfait) is upstream's 1 April 2026 value: 651,69 × 12 %
    # = 78,2028 → 78,20 €/month → 938,40 €/year.
    assert r.housing_flat_amount_cents == 93_840
    assert result_to_dict(r)["parameters_outdated"] is True


def test_rsa_recipients_are_oriented_to_the_free_css() -> None:
    r = run(household(JUNE_2025, [("adherent", D(1980, 1, 1))], 2_000_000, rsa=True))
    assert r.verdict == "free"
    assert r.monthly_participation_cents == 0


def test_housing_aid_amount_missing_warns_when_it_decides_the_verdict() -> None:
    # 10 300 € + forfait 931 € is above 10 339 €, but 10 300 € alone is not.
    r = run(
        household(JUNE_2025, [("adherent", D(1980, 1, 1))], 1_030_000, "tenant_with_housing_aid")
    )
    assert r.verdict == "with_participation"
    assert any("dépend du montant de l'aide" in w for w in r.warnings)


def test_no_published_table_before_april_2024_is_a_named_gap() -> None:
    with pytest.raises(CssParametersUnavailable, match="G-30"):
        load_parameters(D(2023, 6, 1))


def test_parameters_read_for_another_date_are_refused() -> None:
    hh = household(JUNE_2025, [("adherent", D(1980, 1, 1))], 0)
    with pytest.raises(ValueError, match="load the parameters"):
        screen(load_parameters(D(2025, 5, 1)), hh)


def test_json_shape_has_the_fields_the_issue_asks_for() -> None:
    data = result_to_dict(run(household(JUNE_2025, [("adherent", D(1980, 1, 1))], 950_000)))
    assert {
        "verdict",
        "monthly_participation_cents",
        "ceiling_free_cents",
        "ceiling_participation_cents",
        "parameters_valid_on",
    } <= data.keys()
    assert data["verdict"] == "free"
    assert data["parameters_valid_on"] == "2026-03-31"
    assert data["where_to_apply"][0]["label"] == "En ligne sur ameli.fr"
    assert all(step["source"] for step in data["explanation"])
    assert data["verdict_label"].startswith("probablement éligible")
