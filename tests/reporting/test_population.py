"""Art. 5, 2nd indicator: household types as a partition (I-144), situations, ages (I-145)."""

from __future__ import annotations

import datetime as dt

from mutuelle.dates import age_on
from mutuelle.reporting.population import (
    AdhesionFact,
    Cover,
    Household,
    Role,
    Situation,
    age_band,
    civil_age,
)

D = dt.date
ON = D(2025, 6, 30)


def household(*deps: Cover) -> Household:
    return AdhesionFact(
        "residents", D(2025, 1, 1), None, D(1980, 1, 1), dependants=deps
    ).household_on(ON)


def child(end: dt.date | None = None) -> Cover:
    return Cover(Role.CHILD, D(2015, 1, 1), D(2025, 1, 1), end)


def test_household_types() -> None:
    spouse = Cover(Role.SPOUSE, D(1982, 1, 1), D(2025, 1, 1))
    assert household() is Household.SINGLE
    assert household(spouse) is Household.COUPLE
    assert household(spouse, child(), child()) is Household.COUPLE_CHILDREN
    assert household(spouse, child(), child(), child()) is Household.LARGE_FAMILY
    # « Famille monoparentale – un ou plusieurs enfants »: whatever the number of children.
    assert household(child(), child(), child()) is Household.SINGLE_PARENT
    # A child no longer covered on the day does not count.
    assert household(spouse, child(), child(), child(D(2025, 3, 31))) is Household.COUPLE_CHILDREN


def test_the_range_stands_for_an_unrecorded_situation() -> None:
    def shown(rng: str, s: Situation = Situation.UNKNOWN) -> Situation:
        return AdhesionFact(rng, D(2025, 1, 1), None, D(2000, 1, 1), situation=s).situation_shown()

    assert shown("students") is Situation.STUDENT
    assert shown("agents") is Situation.PUBLIC_AGENT
    assert shown("tns") is Situation.SELF_EMPLOYED
    assert shown("residents") is Situation.UNKNOWN
    assert shown("residents", Situation.RETIRED) is Situation.RETIRED


def test_age_bands_and_civil_age() -> None:
    assert [age_band(a) for a in (0, 17, 18, 29, 30, 74, 75, 104)] == [
        "0-17",
        "0-17",
        "18-29",
        "18-29",
        "30-44",
        "60-74",
        "75+",
        "75+",
    ]
    for birth in (D(2000, 2, 29), D(1990, 6, 30), D(1990, 7, 1), D(2025, 7, 1)):
        for day in (D(2025, 6, 30), D(2024, 2, 28), D(2024, 2, 29), D(2025, 3, 1)):
            assert civil_age(birth, day) == max(age_on(birth, day), 0)
