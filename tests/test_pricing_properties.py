"""Invariants of the contribution engine, on households hypothesis makes up."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mutuelle.dates import days_in_month
from mutuelle.offers import load_offer
from mutuelle.pricing import FormulaQuote, parse_household, quote

OFFER = load_offer("grenoble-2025")
YEAR = 2025


@st.composite
def birth(draw: st.DrawFn, age_min: int, age_max: int, before: dt.date) -> dt.date:
    """A birth date giving a tariff age in [age_min, age_max] in YEAR, not after ``before``."""
    age = draw(st.integers(age_min, age_max))
    year = YEAR - age
    latest = before if year == before.year else dt.date(year, 12, 31)
    day = draw(st.integers(0, (latest - dt.date(year, 1, 1)).days))
    return dt.date(year, 1, 1) + dt.timedelta(days=day)


@st.composite
def households(draw: st.DrawFn, range_: str = "residents") -> dict[str, Any]:
    date = dt.date(YEAR, 1, 1) + dt.timedelta(days=draw(st.integers(0, 364)))
    members: list[dict[str, Any]] = [
        {"role": "adherent", "birth_date": draw(birth(30 if range_ == "agents" else 18, 79, date))}
    ]
    if range_ == "agents":
        members[0]["agent"] = {"public_service_entry": dt.date(2015, 1, 1)}
    if draw(st.booleans()):
        members.append({"role": "spouse", "birth_date": draw(birth(18, 79, date))})
    for _ in range(draw(st.integers(0, 6))):
        members.append({"role": "child", "birth_date": draw(birth(0, 20, date))})
    data: dict[str, Any] = {"range": range_, "date": date, "members": members}
    if draw(st.booleans()):
        data["current_formula"] = draw(st.sampled_from(OFFER.ranges[range_].formulas))
        data["formula_since"] = date - dt.timedelta(days=draw(st.integers(0, 900)))
    return _json(data)


def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def quoted(data: dict[str, Any]) -> list[FormulaQuote]:
    q = quote(OFFER, parse_household(data))
    return [f for f in q.formulas if isinstance(f, FormulaQuote)]


@settings(max_examples=150, deadline=None)
@given(st.one_of(households("residents"), households("agents"), households("tns")))
def test_totals_add_up_and_are_never_negative(data: dict[str, Any]) -> None:
    for f in quoted(data):
        assert (
            f.year_cents == sum(m.year_cents for m in f.members) == sum(x.cents for x in f.months)
        )
        assert f.monthly_cents == sum(m.monthly_cents for m in f.members)
        for m in f.members:
            assert m.year_cents >= 0 and m.monthly_cents >= 0
            assert len(m.months) == len(f.months)
            # no month ever costs more than a full month
            assert all(0 <= due <= m.monthly_cents for due in m.months)


@settings(max_examples=150, deadline=None)
@given(households("residents"))
def test_newborn_free_months_are_free(data: dict[str, Any]) -> None:
    for f in quoted(data):
        for m in f.members:
            if m.free_until is None:
                continue
            for month, due in zip(f.months, m.months, strict=True):
                last = month.month.replace(day=days_in_month(month.month.year, month.month.month))
                if last <= m.free_until:
                    assert due == 0, (m.member, month)


@settings(max_examples=100, deadline=None)
@given(households("residents"), st.integers(1, 200))
def test_starting_later_never_costs_more(data: dict[str, Any], delay: int) -> None:
    later_date = dt.date.fromisoformat(data["date"]) + dt.timedelta(days=delay)
    if later_date.year != YEAR:
        return
    later = {**data, "date": later_date.isoformat()}
    if "formula_since" in later:
        later["formula_since"] = data["formula_since"]
    before = {f.formula: f.year_cents for f in quoted(data)}
    after = {f.formula: f.year_cents for f in quoted(later)}
    for formula, cents in after.items():
        assert cents <= before[formula]


@settings(max_examples=100, deadline=None)
@given(households("residents"))
def test_a_year_from_january_is_twelve_months_without_exemptions(data: dict[str, Any]) -> None:
    data = {**data, "date": f"{YEAR}-01-01"}
    data["members"] = [
        m for m in data["members"] if m["birth_date"] <= "2024-02-28"
    ]  # exemptions ≤ 10 months
    if not any(m["role"] == "adherent" for m in data["members"]):
        return
    data.pop("current_formula", None)
    data.pop("formula_since", None)
    for f in quoted(data):
        assert f.year_cents == 12 * f.monthly_cents


@settings(max_examples=100, deadline=None)
@given(households("residents"))
def test_a_youngest_child_beyond_the_third_is_free(data: dict[str, Any]) -> None:
    kids = [m for m in data["members"] if m["role"] == "child"]
    if len(kids) < 3:
        return
    newest = max(m["birth_date"] for m in kids)
    extra = {**data, "members": [*data["members"], {"role": "child", "birth_date": newest}]}
    before = {f.formula: f.year_cents for f in quoted(data)}
    after = {f.formula: f.year_cents for f in quoted(extra)}
    assert before == after


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["residents", "agents", "tns"]).flatmap(households))
def test_quotes_with_the_per_offer_memo_equal_quotes_without_it(data: dict[str, Any]) -> None:
    """The engine memoises the grid rows and citations of an offer (the yearly call quotes
    30 000 households): a quote made with a warm memo equals one made from an empty memo,
    citations and steps included, and a quote against a fresh copy of the offer."""
    from mutuelle.pricing.checks import forget_memo

    warm = quote(OFFER, parse_household(data))
    forget_memo()
    cold = quote(OFFER, parse_household(data))
    assert warm == cold
    other = OFFER.model_copy(deep=True)  # another offer object: the memo follows it
    assert quote(other, parse_household(data)) == warm
    assert quote(OFFER, parse_household(data)) == warm
