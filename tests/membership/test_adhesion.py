"""Effective date (I-4), renewal, renunciation (I-6): cases worked out from the texts."""

import datetime as dt

import pytest

from mutuelle.membership import (
    Refused,
    due_for_period,
    effective_date,
    next_renewal,
    renunciation_refund,
    renunciation_window,
)

D = dt.date


def test_file_within_15_days_keeps_the_wished_date(offer) -> None:
    # I-4: complete file sent at the latest 15 days after the wished date → the wished date.
    r = effective_date(offer, "residents", wished=D(2025, 3, 1), file_sent_on=D(2025, 3, 16))
    assert r.date == D(2025, 3, 1)
    assert "l. 2290" in r.steps[0].source


def test_file_on_day_16_moves_to_first_of_next_month(offer) -> None:
    r = effective_date(offer, "residents", wished=D(2025, 3, 1), file_sent_on=D(2025, 3, 17))
    assert r.date == D(2025, 4, 1)
    assert "l. 2292" in r.steps[1].source


def test_late_file_at_year_end_goes_to_january(offer) -> None:
    r = effective_date(offer, "agents", wished=D(2025, 12, 1), file_sent_on=D(2025, 12, 31))
    assert r.date == D(2026, 1, 1)


def test_continuity_after_previous_insurer(offer) -> None:
    # Still covered until 31 March: the adhesion starts the day after, whatever was wished.
    r = effective_date(
        offer,
        "residents",
        wished=D(2025, 3, 1),
        file_sent_on=D(2025, 3, 5),
        previous_cover_ends=D(2025, 3, 31),
    )
    assert r.date == D(2025, 4, 1)
    assert "lendemain" in r.steps[0].rule


def test_tns_starts_first_of_month_after_file(offer) -> None:
    r = effective_date(offer, "tns", wished=D(2025, 3, 1), file_sent_on=D(2025, 2, 28))
    assert r.date == D(2025, 3, 1)
    r = effective_date(offer, "tns", file_sent_on=D(2025, 3, 1))
    assert r.date == D(2025, 4, 1)


def test_wished_date_required_outside_tns(offer) -> None:
    with pytest.raises(Refused, match="date d'effet souhaitée"):
        effective_date(offer, "residents", file_sent_on=D(2025, 3, 1))


def test_renewal_is_next_first_of_january(offer) -> None:
    assert next_renewal(offer, "residents", start=D(2025, 2, 6), on=D(2025, 2, 6)).date == D(
        2026, 1, 1
    )
    assert next_renewal(offer, "tns", start=D(2025, 2, 1), on=D(2026, 12, 31)).date == D(2027, 1, 1)


def test_distance_sale_counts_from_later_of_effect_and_information(offer) -> None:
    w = renunciation_window(
        offer,
        "residents",
        channel="distance",
        signed_on=D(2025, 3, 1),
        effective_on=D(2025, 3, 1),
        information_received_on=D(2025, 3, 4),
    )
    assert w.last_day == D(2025, 3, 18)  # 4 March not counted + 14 days
    # Distance sale: no working-day extension (I-32) even when the last day is a Sunday.
    w = renunciation_window(
        offer, "residents", channel="distance", signed_on=D(2025, 5, 1), effective_on=D(2025, 5, 4)
    )
    assert w.last_day == D(2025, 5, 18)  # a Sunday
    assert w.allows(D(2025, 5, 18)) and not w.allows(D(2025, 5, 19))


def test_off_premises_extends_over_weekend_and_holiday(offer) -> None:
    # Signed Friday 16 May 2025 → 14 days later is Friday 30 May: a working day, no change.
    w = renunciation_window(
        offer,
        "residents",
        channel="off_premises",
        signed_on=D(2025, 5, 16),
        effective_on=D(2025, 6, 1),
    )
    assert w.last_day == D(2025, 5, 30)
    # Signed 17 May → 31 May is a Saturday; Sunday 1 June; Monday 2 June works.
    w = renunciation_window(
        offer,
        "residents",
        channel="off_premises",
        signed_on=D(2025, 5, 17),
        effective_on=D(2025, 6, 1),
    )
    assert w.last_day == D(2025, 6, 2)
    # Signed 24 April 2025 → 8 May 2025 (Victoire 1945, a Thursday holiday) → Friday 9 May.
    w = renunciation_window(
        offer,
        "agents",
        channel="off_premises",
        signed_on=D(2025, 4, 24),
        effective_on=D(2025, 5, 1),
    )
    assert w.last_day == D(2025, 5, 9)
    assert any("férié" in s.rule for s in w.steps)
    # Signed 11 December 2025 → Thursday 25 December (Noël) → Friday 26 December.
    w = renunciation_window(
        offer, "tns", channel="off_premises", signed_on=D(2025, 12, 11), effective_on=D(2026, 1, 1)
    )
    assert w.last_day == D(2025, 12, 26)


def test_door_to_door_counts_from_signature_and_fairs_have_no_right(offer) -> None:
    w = renunciation_window(
        offer,
        "residents",
        channel="door_to_door",
        signed_on=D(2025, 2, 14),
        effective_on=D(2025, 3, 1),
    )
    assert w.last_day == D(2025, 2, 28)
    fair = renunciation_window(
        offer, "residents", channel="fair", signed_on=D(2025, 2, 14), effective_on=D(2025, 3, 1)
    )
    assert fair.last_day is None and not fair.allows(D(2025, 2, 14))


def test_renunciation_refund_keeps_prorata_and_deducts_benefits(offer) -> None:
    # Effective 1 March, letter sent 10 March, received 12 March: cover 1–11 March kept.
    # Monthly 62,00 € (31-day month → 2,00 €/day): 11 days = 22,00 €. Paid 62,00 €,
    # benefits 15,00 € → refund 25,00 € by 11 April (30 days after reception).
    w = renunciation_window(
        offer, "residents", channel="distance", signed_on=D(2025, 3, 1), effective_on=D(2025, 3, 1)
    )
    r = renunciation_refund(
        offer,
        "residents",
        window=w,
        sent_on=D(2025, 3, 10),
        received_on=D(2025, 3, 12),
        effective_on=D(2025, 3, 1),
        monthly_cents=6200,
        paid_cents=6200,
        benefits_paid_cents=1500,
    )
    assert (r.kept_cents, r.refund_cents, r.owed_cents) == (2200, 2500, 0)
    assert r.refund_by == D(2025, 4, 11)
    assert r.cover_ends == D(2025, 3, 11)


def test_renunciation_after_deadline_is_refused(offer) -> None:
    w = renunciation_window(
        offer, "residents", channel="distance", signed_on=D(2025, 3, 1), effective_on=D(2025, 3, 1)
    )
    with pytest.raises(Refused, match="après la fin du délai le 15/03/2025"):
        renunciation_refund(
            offer,
            "residents",
            window=w,
            sent_on=D(2025, 3, 16),
            received_on=D(2025, 3, 17),
            effective_on=D(2025, 3, 1),
            monthly_cents=6200,
            paid_cents=6200,
        )


def test_door_to_door_claim_keeps_whole_contribution(offer) -> None:
    w = renunciation_window(
        offer,
        "residents",
        channel="door_to_door",
        signed_on=D(2025, 3, 1),
        effective_on=D(2025, 3, 1),
    )
    r = renunciation_refund(
        offer,
        "residents",
        window=w,
        sent_on=D(2025, 3, 5),
        received_on=D(2025, 3, 7),
        effective_on=D(2025, 3, 1),
        monthly_cents=6200,
        paid_cents=6200,
        claim_during_period=True,
    )
    assert r.refund_cents == 0


def test_prorata_in_february_of_a_leap_year() -> None:
    # 29 days in February 2028: 10 days of 58,00 € = 20,00 €.
    assert due_for_period(5800, D(2028, 2, 1), D(2028, 2, 10)) == 2000
    assert due_for_period(5800, D(2028, 2, 1), D(2028, 2, 29)) == 5800
    assert due_for_period(5800, D(2025, 3, 5), D(2025, 3, 4)) == 0
