"""Dependants (I-7): start of later additions, end by age on 1 January, resignation."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutuelle.membership import (
    Dependant,
    Refused,
    age_limit_end,
    check_dependant,
    clamp_to_adhesion,
    dependant_start,
    end_when_conditions_stop,
    mandatory_cover_end,
    resignation_end,
)

D = dt.date


def test_newborn_within_two_months_is_covered_from_birth(offer) -> None:
    r = dependant_start(
        offer,
        "residents",
        member_start=D(2025, 1, 1),
        received_on=D(2025, 5, 10),
        event="birth",
        event_date=D(2025, 3, 10),
    )
    assert r.date == D(2025, 3, 10)


def test_birth_on_31_december_window_ends_end_of_february(offer) -> None:
    # I-35: 31 Dec 2027 + 2 months → 29 Feb 2028 (leap year).
    ok = dependant_start(
        offer,
        "residents",
        member_start=D(2025, 1, 1),
        received_on=D(2028, 2, 29),
        event="birth",
        event_date=D(2027, 12, 31),
    )
    assert ok.date == D(2027, 12, 31)
    late = dependant_start(
        offer,
        "residents",
        member_start=D(2025, 1, 1),
        received_on=D(2028, 3, 1),
        event="birth",
        event_date=D(2027, 12, 31),
    )
    assert late.date == D(2028, 3, 2)  # day after reception (I-34)


def test_marriage_request_too_late_starts_day_after_reception(offer) -> None:
    r = dependant_start(
        offer,
        "agents",
        member_start=D(2025, 1, 1),
        received_on=D(2025, 9, 11),
        event="marriage",
        event_date=D(2025, 7, 10),
    )
    assert r.date == D(2025, 9, 12)


def test_tns_later_addition_before_or_from_the_15th(offer) -> None:
    kw = dict(member_start=D(2025, 1, 1))
    assert dependant_start(offer, "tns", received_on=D(2025, 6, 14), **kw).date == D(2025, 6, 1)
    assert dependant_start(offer, "tns", received_on=D(2025, 6, 15), **kw).date == D(2025, 7, 1)
    assert dependant_start(offer, "tns", received_on=D(2025, 12, 20), **kw).date == D(2026, 1, 1)


def test_dependant_never_before_member(offer) -> None:
    # TNS "1er du mois en cours" would precede a member who starts that very month? No: TNS
    # members start on the 1st. A birth before the adhesion: general rule, clamped.
    r = dependant_start(
        offer,
        "residents",
        member_start=D(2025, 4, 1),
        received_on=D(2025, 3, 20),
        event="birth",
        event_date=D(2025, 3, 1),
    )
    assert r.date == D(2025, 4, 1)


def test_child_without_proof_ends_31_december_of_21st_birthday_year(offer) -> None:
    end = age_limit_end(offer, "residents", Dependant("child", D(2004, 5, 10)))
    assert end is not None and end.date == D(2025, 12, 31)
    # Born on 1 January: 21 on 1 January 2026, so 2025 is the last year (I-36).
    end = age_limit_end(offer, "residents", Dependant("child", D(2005, 1, 1)))
    assert end is not None and end.date == D(2025, 12, 31)
    # Born 2 January 2005: under 21 on 1 January 2026 → covered through 2026.
    end = age_limit_end(offer, "residents", Dependant("child", D(2005, 1, 2)))
    assert end is not None and end.date == D(2026, 12, 31)


def test_child_with_proof_until_28_and_disabled_any_age(offer) -> None:
    end = age_limit_end(offer, "residents", Dependant("child", D(1997, 6, 1), proof="studies"))
    assert end is not None and end.date == D(2025, 12, 31)  # turns 28 in 2025
    assert (
        age_limit_end(offer, "residents", Dependant("child", D(1980, 6, 1), disabled=True)) is None
    )
    assert age_limit_end(offer, "residents", Dependant("spouse", D(1950, 1, 1))) is None


def test_check_dependant_refuses_in_plain_words(offer) -> None:
    with pytest.raises(Refused, match="qu'avec un justificatif"):
        check_dependant(offer, "residents", Dependant("child", D(2002, 6, 1)), D(2025, 3, 1))
    with pytest.raises(Refused, match="doit adhérer comme membre participant"):
        check_dependant(
            offer, "residents", Dependant("child", D(1996, 6, 1), proof="studies"), D(2025, 3, 1)
        )
    with pytest.raises(Refused, match="sans ayant droit"):
        check_dependant(offer, "students", Dependant("child", D(2024, 6, 1)), D(2025, 3, 1))
    steps = check_dependant(offer, "residents", Dependant("child", D(2025, 2, 1)), D(2025, 3, 1))
    assert "dernière année 2046" in steps[0].rule  # 21 in 2046


def test_end_when_conditions_stop_differs_in_tns(offer) -> None:
    assert end_when_conditions_stop(offer, "residents", event_date=D(2025, 3, 15)).date == D(
        2025, 12, 31
    )
    assert end_when_conditions_stop(offer, "tns", event_date=D(2025, 3, 15)).date == D(2025, 3, 15)


def test_resignation_of_a_dependant_needs_two_months_notice(offer) -> None:
    assert resignation_end(offer, "residents", received_on=D(2025, 10, 31)).date == D(2025, 12, 31)
    assert resignation_end(offer, "residents", received_on=D(2025, 11, 1)).date == D(2026, 12, 31)
    assert mandatory_cover_end(offer, "residents", received_on=D(2025, 1, 31)).date == D(2025, 2, 1)
    with pytest.raises(Refused):
        mandatory_cover_end(offer, "residents", received_on=D(2025, 1, 31), abroad=True)
    assert mandatory_cover_end(offer, "tns", received_on=D(2025, 1, 31), abroad=True).date == D(
        2025, 2, 1
    )


dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31))


@given(
    member_start=dates,
    received=dates,
    event_date=st.none() | dates,
    rng=st.sampled_from(["residents", "agents", "tns"]),
)
def test_property_dependant_never_starts_before_member(
    offer, member_start, received, event_date, rng
) -> None:
    r = dependant_start(
        offer,
        rng,
        member_start=member_start,
        received_on=received,
        event="birth" if event_date else None,
        event_date=event_date,
    )
    assert r.date >= member_start
    if event_date is None or event_date < member_start:
        assert r.date <= max(member_start, received + dt.timedelta(days=31))


@given(
    a_start=dates,
    a_len=st.none() | st.integers(0, 20000),
    s_off=st.integers(-5000, 5000),
    e_len=st.none() | st.integers(0, 20000),
)
def test_property_affiliation_never_outlives_adhesion(a_start, a_len, s_off, e_len) -> None:
    a_end = None if a_len is None else a_start + dt.timedelta(days=a_len)
    start = a_start + dt.timedelta(days=s_off)
    end = None if e_len is None else start + dt.timedelta(days=e_len)
    s, e = clamp_to_adhesion(start, end, a_start, a_end)
    assert s >= a_start
    if a_end is not None:
        assert e is not None and e <= a_end
    if end is not None:
        assert e is not None and e <= end


@given(birth=st.dates(min_value=D(1990, 1, 1), max_value=D(2025, 12, 31)), proof=st.booleans())
def test_property_age_end_matches_the_quote_engines_test(offer, birth, proof) -> None:
    # The child is a dependant in year Y iff the pricing engine's 1 January test passes.
    dep = Dependant("child", birth, proof="studies" if proof else None)
    end = age_limit_end(offer, "residents", dep)
    assert end is not None and (end.date.month, end.date.day) == (12, 31)
    limit = 28 if proof else 21
    from mutuelle.dates import age_on

    assert age_on(birth, D(end.date.year, 1, 1)) < limit
    assert age_on(birth, D(end.date.year + 1, 1, 1)) >= limit
