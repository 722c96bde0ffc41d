"""Termination (I-11; TNS art. 7), docs I-38 to I-40."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutuelle.membership import (
    Refused,
    benefits_allowed,
    member_termination,
    special_termination,
    with_refund,
)

D = dt.date


def test_annual_notice_on_31_october_ends_on_31_december(offer) -> None:
    best, _ = member_termination(
        offer, "residents", received_on=D(2025, 10, 31), adhesion_start=D(2025, 2, 1)
    )
    assert (best.path, best.last_covered_day) == ("annual", D(2025, 12, 31))
    late, _ = member_termination(
        offer, "residents", received_on=D(2025, 11, 1), adhesion_start=D(2025, 2, 1)
    )
    # Less than one year of membership: only the next échéance remains.
    assert (late.path, late.last_covered_day) == ("annual", D(2026, 12, 31))
    assert any("01/02/2026" in s.rule for s in late.steps)


def test_late_notice_gives_20_days(offer) -> None:
    best, _ = member_termination(
        offer,
        "residents",
        received_on=D(2025, 12, 10),
        adhesion_start=D(2025, 2, 1),
        notice_sent_on=D(2025, 11, 20),
    )
    assert (best.path, best.last_covered_day) == ("late_notice", D(2025, 12, 31))
    too_late, _ = member_termination(
        offer,
        "residents",
        received_on=D(2025, 12, 11),
        adhesion_start=D(2025, 2, 1),
        notice_sent_on=D(2025, 11, 20),
    )
    assert too_late.path == "annual"
    # TNS conditions have no such clause.
    tns, others = member_termination(
        offer,
        "tns",
        received_on=D(2025, 12, 10),
        adhesion_start=D(2025, 2, 1),
        notice_sent_on=D(2025, 11, 20),
    )
    assert tns.path == "annual" and tns.last_covered_day == D(2026, 12, 31)
    assert all(o.path != "late_notice" for o in others)


def test_after_one_year_one_month_after_reception_with_refund_date(offer) -> None:
    best, others = member_termination(
        offer,
        "residents",
        received_on=D(2026, 3, 31),
        adhesion_start=D(2025, 2, 6),
        signed_on=D(2025, 2, 1),
    )
    assert best.path == "infra_annual"
    assert best.last_covered_day == D(2026, 4, 30)  # 31 March + 1 month, clamped
    assert best.refund_by == D(2026, 5, 30)
    assert others[0].path == "annual"
    # Paid monthly through 30 April: nothing to refund; paid for the year: May–Dec refunded.
    assert (
        with_refund(
            offer, "residents", best, monthly_cents=5000, paid_until=D(2026, 4, 30)
        ).refund_cents
        == 0
    )
    full = with_refund(offer, "residents", best, monthly_cents=5000, paid_until=D(2026, 12, 31))
    assert full.refund_cents == 8 * 5000
    assert "30/05/2026" in full.steps[-1].rule


def test_one_year_counts_from_the_earlier_of_signature_and_effect(offer) -> None:
    best, _ = member_termination(
        offer,
        "residents",
        received_on=D(2026, 2, 1),
        adhesion_start=D(2025, 2, 6),
        signed_on=D(2025, 2, 1),
    )
    assert best.path == "infra_annual" and best.last_covered_day == D(2026, 3, 1)
    best, _ = member_termination(
        offer, "residents", received_on=D(2026, 2, 5), adhesion_start=D(2025, 2, 6)
    )
    assert best.path == "annual"


def test_css_ends_the_eve_of_css_cover_even_retroactively(offer) -> None:
    t = special_termination(
        offer, "residents", path="css", received_on=D(2025, 6, 20), event_date=D(2025, 6, 1)
    )
    assert t.last_covered_day == D(2025, 5, 31)


def test_collective_contract_and_situation_change(offer) -> None:
    t = special_termination(
        offer, "agents", path="mandatory_collective", received_on=D(2025, 12, 15)
    )
    assert t.last_covered_day == D(2026, 1, 1)
    t = special_termination(
        offer,
        "residents",
        path="situation_change",
        received_on=D(2025, 5, 31),
        event_date=D(2025, 3, 1),
    )
    assert t.last_covered_day == D(2025, 6, 30)
    with pytest.raises(Refused, match="dans les 3 mois"):
        special_termination(
            offer,
            "residents",
            path="situation_change",
            received_on=D(2025, 6, 2),
            event_date=D(2025, 3, 1),
        )
    with pytest.raises(Refused):
        special_termination(offer, "tns", path="mandatory_collective", received_on=D(2025, 1, 1))


def test_death_refunds_prorata_after_the_day_of_death(offer) -> None:
    # Died 10 April 2025 (30-day month), paid through 30 June at 60,00 €/month:
    # 20 days of April (40,00 €) + May + June = 160,00 €.
    t = special_termination(
        offer, "residents", path="death", received_on=D(2025, 4, 20), event_date=D(2025, 4, 10)
    )
    t = with_refund(offer, "residents", t, monthly_cents=6000, paid_until=D(2025, 6, 30))
    assert t.last_covered_day == D(2025, 4, 10)
    assert t.refund_cents == 4000 + 12000


def test_tns_category_loss_ends_at_month_end(offer) -> None:
    t = special_termination(
        offer, "tns", path="category_loss", received_on=D(2028, 2, 10), event_date=D(2028, 2, 3)
    )
    assert t.last_covered_day == D(2028, 2, 29)


def test_no_benefits_after_the_last_covered_day(offer) -> None:
    ok, _ = benefits_allowed(
        offer,
        "residents",
        care_date=D(2025, 12, 31),
        start=D(2025, 1, 1),
        last_covered_day=D(2025, 12, 31),
    )
    no, step = benefits_allowed(
        offer,
        "residents",
        care_date=D(2026, 1, 1),
        start=D(2025, 1, 1),
        last_covered_day=D(2025, 12, 31),
    )
    assert ok and not no and "aucune prestation" in step.rule


@given(
    start=st.dates(min_value=D(2020, 1, 1), max_value=D(2040, 12, 31)),
    after=st.integers(0, 3000),
    rng=st.sampled_from(["residents", "students", "agents", "tns"]),
)
def test_property_termination_never_before_notice_and_best_is_earliest(
    offer, start, after, rng
) -> None:
    received = start + dt.timedelta(days=after)
    best, others = member_termination(offer, rng, received_on=received, adhesion_start=start)
    assert best.last_covered_day >= received
    assert all(best.last_covered_day <= o.last_covered_day for o in others)
    assert best.last_covered_day <= dt.date(received.year + 1, 12, 31)
