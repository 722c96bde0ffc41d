"""Invariants of the membership engine, for any dates and amounts."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from mutuelle.membership import (
    due_for_period,
    member_termination,
    renunciation_refund,
    renunciation_window,
    unpaid_timeline,
    with_refund,
)

D = dt.date
dates = st.dates(min_value=D(2024, 1, 1), max_value=D(2040, 12, 31))
ranges = st.sampled_from(["residents", "students", "agents", "tns"])


@given(monthly=st.integers(0, 100_000), a=dates, split=st.integers(0, 800), b=st.integers(0, 800))
def test_prorata_is_additive(monthly, a, split, b) -> None:
    # Due for [a, c] = due for [a, m] + due for [m+1, c], whatever the split: nothing is lost
    # or counted twice between what is kept and what is refunded.
    m = a + dt.timedelta(days=split)
    c = m + dt.timedelta(days=b)
    whole = due_for_period(monthly, a, c)
    parts = due_for_period(monthly, a, m) + due_for_period(monthly, m + dt.timedelta(days=1), c)
    # Month-wise rounding: a month split in two may differ by at most one cent.
    assert abs(whole - parts) <= 1
    if m.day == _last_day(m):
        assert whole == parts


def _last_day(d: dt.date) -> int:
    nxt = (d.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (nxt - dt.timedelta(days=1)).day


@given(
    offer_range=ranges,
    start=dates,
    after=st.integers(0, 2000),
    monthly=st.integers(0, 50_000),
    paid_months=st.integers(0, 36),
)
def test_termination_refund_is_what_was_paid_beyond_cover(
    offer, offer_range, start, after, monthly, paid_months
) -> None:
    received = start + dt.timedelta(days=after)
    best, _ = member_termination(offer, offer_range, received_on=received, adhesion_start=start)
    paid_until = start.replace(day=1) + dt.timedelta(days=31 * paid_months)
    t = with_refund(offer, offer_range, best, monthly_cents=monthly, paid_until=paid_until)
    assert t.refund_cents is not None and t.refund_cents >= 0
    if paid_until <= best.last_covered_day:
        assert t.refund_cents == 0
    assert t.refund_cents <= due_for_period(monthly, start, paid_until) + 1


@given(
    offer_range=ranges,
    channel=st.sampled_from(["distance", "door_to_door", "off_premises"]),
    signed=dates,
    effect_after=st.integers(-15, 60),
    sent_after=st.integers(0, 13),
    monthly=st.integers(0, 50_000),
    paid=st.integers(0, 200_000),
    benefits=st.integers(0, 100_000),
)
def test_renunciation_balance_adds_up(
    offer, offer_range, channel, signed, effect_after, sent_after, monthly, paid, benefits
) -> None:
    effect = signed + dt.timedelta(days=effect_after)
    w = renunciation_window(
        offer, offer_range, channel=channel, signed_on=signed, effective_on=effect
    )
    assert w.opens is not None and w.last_day is not None
    assert w.last_day >= w.opens + dt.timedelta(days=14)
    assert w.last_day <= w.opens + dt.timedelta(days=14 + 5)  # a long weekend at most
    sent = w.opens + dt.timedelta(days=sent_after + 1)
    r = renunciation_refund(
        offer,
        offer_range,
        window=w,
        sent_on=sent,
        received_on=sent + dt.timedelta(days=2),
        effective_on=effect,
        monthly_cents=monthly,
        paid_cents=paid,
        benefits_paid_cents=benefits,
    )
    assert r.refund_cents - r.owed_cents == paid - r.kept_cents - benefits
    assert min(r.refund_cents, r.owed_cents) == 0
    assert r.refund_by == sent + dt.timedelta(days=32)


@given(offer_range=ranges, due=dates, late=st.integers(0, 60), paid=st.none() | st.integers(0, 400))
def test_unpaid_timeline_order(offer, offer_range, due, late, paid) -> None:
    t0 = unpaid_timeline(offer, offer_range, due_on=due)
    notice = t0.notice_from + dt.timedelta(days=late)
    t = unpaid_timeline(
        offer,
        offer_range,
        due_on=due,
        notice_sent_on=notice,
        paid_on=None if paid is None else due + dt.timedelta(days=paid),
    )
    assert t.notice_from == due + dt.timedelta(days=11)
    if t.suspended_from is not None:
        assert t.suspended_from == notice + dt.timedelta(days=30)
        assert t.terminable_from == notice + dt.timedelta(days=40)
        # Cover is never suspended before the suspension date, and comes back at noon.
        assert (
            t.status(dt.datetime.combine(t.suspended_from, dt.time()) - dt.timedelta(seconds=1))
            == "active"
        )
        if t.reinstated_at is not None:
            assert t.reinstated_at.time() == dt.time(12, 0)
            assert t.status(t.reinstated_at) == "active"
