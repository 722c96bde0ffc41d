"""Unpaid contributions: L.221-7 as restated in III-2-3 (docs I-41)."""

import datetime as dt

import pytest

from mutuelle.membership import Refused, unpaid_timeline

D = dt.date


def test_timeline_from_due_date(offer) -> None:
    t = unpaid_timeline(offer, "residents", due_on=D(2025, 3, 5))
    assert t.notice_from == D(2025, 3, 16)
    assert t.suspended_from == D(2025, 4, 15)  # 30 days after the notice
    assert t.terminable_from == D(2025, 4, 25)  # 10 days after the suspension
    assert t.suspension_ends == D(2025, 12, 31)  # instalments: to the end of the year
    assert t.status(dt.datetime(2025, 4, 14, 23, 0)) == "active"
    assert t.status(dt.datetime(2025, 4, 15, 0, 0)) == "suspended"
    assert t.status(dt.datetime(2025, 4, 25, 8, 0)) == "terminable"


def test_reinstatement_at_noon_the_day_after_payment(offer) -> None:
    t = unpaid_timeline(
        offer,
        "residents",
        due_on=D(2025, 3, 5),
        notice_sent_on=D(2025, 3, 20),
        paid_on=D(2025, 4, 21),
    )
    assert t.suspended_from == D(2025, 4, 19)
    assert t.reinstated_at == dt.datetime(2025, 4, 22, 12, 0)
    assert t.status(dt.datetime(2025, 4, 22, 11, 59)) == "suspended"
    assert t.status(dt.datetime(2025, 4, 22, 12, 0)) == "active"


def test_payment_before_suspension_means_no_suspension(offer) -> None:
    t = unpaid_timeline(
        offer,
        "residents",
        due_on=D(2025, 3, 5),
        notice_sent_on=D(2025, 3, 20),
        paid_on=D(2025, 4, 18),
    )
    assert t.suspended_from is None and t.status(dt.datetime(2025, 6, 1)) == "active"


def test_notice_cannot_precede_the_10_days(offer) -> None:
    with pytest.raises(Refused, match="à partir du 16/03/2025"):
        unpaid_timeline(offer, "residents", due_on=D(2025, 3, 5), notice_sent_on=D(2025, 3, 15))


def test_agents_payroll_deduction_and_tns(offer) -> None:
    t = unpaid_timeline(offer, "agents", due_on=D(2025, 1, 31), payroll=True)
    assert t.member_informed_from == D(2025, 3, 12)  # 40 days after the due date
    assert "Collectivité" in t.steps[0].rule
    with pytest.raises(Refused):
        unpaid_timeline(offer, "residents", due_on=D(2025, 1, 31), payroll=True)
    tns = unpaid_timeline(offer, "tns", due_on=D(2025, 1, 31))
    assert tns.terminable_from == tns.notice_sent_on + dt.timedelta(days=40)
    assert tns.suspension_ends is None
