"""Formula changes (I-9-2, docs I-37)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mutuelle.membership import formula_change

D = dt.date


def change(offer, **kw):
    base = dict(
        current="Belledonne",
        current_since=D(2025, 2, 6),
        adhesion_start=D(2025, 2, 6),
        new="Vercors",
        requested_on=D(2025, 10, 1),
        up_to_date=True,
    )
    base.update(kw)
    return formula_change(offer, "residents", **base)


def test_first_change_needs_a_full_civil_year(offer) -> None:
    # Joined 6 Feb 2025: 2025 is not a full civil year → first change on 1 Jan 2027.
    d = change(offer)
    assert not d.allowed
    assert d.earliest_effective_on == D(2027, 1, 1)
    assert d.request_by == D(2026, 12, 1)
    assert "année civile" in d.reason and "01/01/2027" in d.reason
    # Joined 1 Jan 2025: a change asked on 1 Dec 2025 takes effect on 1 Jan 2026.
    d = change(
        offer,
        current_since=D(2025, 1, 1),
        adhesion_start=D(2025, 1, 1),
        requested_on=D(2025, 12, 1),
    )
    assert d.allowed and d.effective_on == D(2026, 1, 1)
    # …asked on 2 December it is too late for 2026: it aims at 1 Jan 2027 (I-37).
    d = change(
        offer,
        current_since=D(2025, 1, 1),
        adhesion_start=D(2025, 1, 1),
        requested_on=D(2025, 12, 2),
    )
    assert d.allowed and d.effective_on == D(2027, 1, 1)


def test_after_first_change_upgrade_any_time_downgrade_after_24_months(offer) -> None:
    common = dict(current="Belledonne", current_since=D(2026, 1, 1), adhesion_start=D(2025, 1, 1))
    up = change(offer, new="Vanoise", requested_on=D(2026, 3, 1), **common)
    assert up.allowed and up.direction == "up" and up.effective_on == D(2027, 1, 1)
    down = change(offer, new="Bauges", requested_on=D(2026, 3, 1), **common)
    assert not down.allowed and down.direction == "down"
    assert down.earliest_effective_on == D(2028, 1, 1)
    assert "24 mois" in down.reason
    down_ok = change(offer, new="Bauges", requested_on=D(2027, 11, 30), **common)
    assert down_ok.allowed and down_ok.effective_on == D(2028, 1, 1)


def test_member_must_be_up_to_date(offer) -> None:
    d = change(offer, current_since=D(2024, 1, 1), adhesion_start=D(2024, 1, 1), up_to_date=False)
    assert not d.allowed and "à jour de ses cotisations" in d.reason


@given(
    since=st.dates(min_value=D(2024, 1, 1), max_value=D(2040, 12, 31)),
    asked=st.integers(0, 2000),
    new=st.sampled_from(["Bauges", "Vercors", "Beaufortain", "Vanoise"]),
    first=st.booleans(),
)
def test_property_changes_take_effect_on_1_january_after_the_request(
    offer, since, asked, new, first
) -> None:
    requested = since + dt.timedelta(days=asked)
    d = change(
        offer,
        current_since=since,
        adhesion_start=since if first else D(2023, 1, 1),
        new=new,
        requested_on=requested,
    )
    e = d.effective_on if d.allowed else d.earliest_effective_on
    assert (e.month, e.day) == (1, 1) and e > requested
    assert d.request_by >= requested or not d.allowed
    if d.allowed and first:
        assert e.year - since.year >= (1 if (since.month, since.day) == (1, 1) else 2)
