"""Invariants of the screening, on households hypothesis invents."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from mutuelle.css import CssHousehold, CssMember, load_parameters, screen

RANK = {"free": 0, "with_participation": 1, "not_eligible": 2}
DATES = st.dates(dt.date(2024, 4, 1), dt.date(2026, 12, 31))
HOUSING = st.sampled_from(["tenant", "tenant_with_housing_aid", "owner", "housed_free"])
RESOURCES = st.integers(0, 6_000_000)


@st.composite
def households(draw: st.DrawFn) -> CssHousehold:
    on = draw(DATES)
    births = st.dates(dt.date(1920, 1, 1), on)
    members = [CssMember("adherent", draw(births), 0)]
    if draw(st.booleans()):
        members.append(CssMember("spouse", draw(births), 1))
    for _ in range(draw(st.integers(0, 6))):
        members.append(CssMember("child", draw(births), len(members)))
    housing = draw(HOUSING)
    aid = draw(st.none() | st.integers(1, 500_00)) if housing == "tenant_with_housing_aid" else None
    return CssHousehold(
        date=on,
        members=tuple(members),
        resources_cents=draw(RESOURCES),
        housing=housing,
        housing_aid_monthly_cents=aid,
    )


def _with(hh: CssHousehold, **changes: object) -> CssHousehold:
    return CssHousehold(**{**hh.__dict__, **changes})  # type: ignore[arg-type]


@settings(max_examples=300)
@given(households(), st.integers(1, 2_000_000))
def test_more_resources_never_give_a_better_verdict(hh: CssHousehold, more: int) -> None:
    params = load_parameters(hh.date)
    before = screen(params, hh)
    after = screen(params, _with(hh, resources_cents=hh.resources_cents + more))
    assert RANK[after.verdict] >= RANK[before.verdict]


@settings(max_examples=300)
@given(households(), st.dates(dt.date(2000, 1, 1), dt.date(2026, 12, 31)))
def test_a_bigger_household_never_lowers_the_ceilings(hh: CssHousehold, birth: dt.date) -> None:
    birth = min(birth, hh.date)
    params = load_parameters(hh.date)
    before = screen(params, hh)
    child = CssMember("child", birth, len(hh.members))
    after = screen(params, _with(hh, members=(*hh.members, child)))
    assert after.household_size >= before.household_size
    assert after.ceiling_free_cents >= before.ceiling_free_cents
    assert after.ceiling_participation_cents > after.ceiling_free_cents


@settings(max_examples=300)
@given(households())
def test_verdict_participation_and_figures_are_consistent(hh: CssHousehold) -> None:
    r = screen(load_parameters(hh.date), hh)
    assert r.compared_resources_cents == hh.resources_cents + r.housing_flat_amount_cents
    if r.compared_resources_cents <= r.ceiling_free_cents:
        assert r.verdict == "free"
    elif r.compared_resources_cents <= r.ceiling_participation_cents:
        assert r.verdict == "with_participation"
    else:
        assert r.verdict == "not_eligible"
    counted = [m for m in r.members if m.counted]
    assert len(counted) == r.household_size >= 1
    if r.verdict == "with_participation":
        # € 8 to € 30 a month per person counted (issue 5), summed over the household
        assert 8_00 * len(counted) <= r.monthly_participation_cents <= 30_00 * len(counted)
        assert r.monthly_participation_cents == sum(m.monthly_participation_cents for m in counted)
    else:
        assert r.monthly_participation_cents == 0
    assert all(s.source for s in r.steps)


@settings(max_examples=200)
@given(households(), HOUSING)
def test_tenants_without_aid_have_no_forfait_and_others_never_less(
    hh: CssHousehold, other: str
) -> None:
    params = load_parameters(hh.date)
    tenant = screen(params, _with(hh, housing="tenant", housing_aid_monthly_cents=None))
    assert tenant.housing_flat_amount_cents == 0
    r = screen(params, _with(hh, housing=other, housing_aid_monthly_cents=None))
    assert r.housing_flat_amount_cents >= 0
    assert RANK[r.verdict] >= RANK[tenant.verdict]


@settings(max_examples=200)
@given(households(), st.integers(1, 500_00))
def test_the_housing_aid_only_ever_lowers_the_forfait(hh: CssHousehold, aid: int) -> None:
    params = load_parameters(hh.date)
    full = screen(
        params, _with(hh, housing="tenant_with_housing_aid", housing_aid_monthly_cents=None)
    )
    capped = screen(
        params, _with(hh, housing="tenant_with_housing_aid", housing_aid_monthly_cents=aid)
    )
    assert capped.housing_flat_amount_cents == min(full.housing_flat_amount_cents, 12 * aid)
