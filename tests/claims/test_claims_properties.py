"""Settling claim lines: invariants a member and an auditor rely on.

Never negative, never above what is billed minus the AMO, a yearly ceiling never exceeded;
settling lines one by one ends where settling them all together does (late lines re-settle
the history); a rerun changes nothing; a cancellation ends where never receiving the line
does; care during a suspension or outside the cover is refused with its reason.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from mutuelle.benefits import CareEvent, Coverage, compile_plan
from mutuelle.claims import ChangeKind, Held, Suspended, apply, settle_beneficiary
from mutuelle.claims.settle import OrderKey, suspended_on

PLAN = compile_plan("grenoble-2025", "residents")
FORMULA = "Vercors"
COV = Coverage(
    offer="grenoble-2025",
    range="residents",
    formulas=((dt.date(2025, 1, 1), FORMULA),),
    cover_start=dt.date(2025, 1, 1),
    cover_end=None,
    birth_date=dt.date(1980, 6, 15),
)
CEILING = PLAN.codes["medecines_douces"][0].by_formula[FORMULA].cents  # 100 € a year (Vercors)


@st.composite
def lines(draw: st.DrawFn) -> list[tuple[OrderKey, CareEvent]]:
    n = draw(st.integers(1, 12))
    out: list[tuple[OrderKey, CareEvent]] = []
    for i in range(n):
        day = dt.date(2025, 1, 1) + dt.timedelta(days=draw(st.integers(0, 500)))
        kind = draw(st.sampled_from(["medecines_douces", "generaliste", "pharmacie"]))
        if kind == "medecines_douces":
            ev = CareEvent(f"l{i}", day, kind, billed_cents=draw(st.integers(1, 9000)))
        else:
            br = draw(st.integers(100, 5000))
            amo = br * 7 // 10
            billed = br + draw(st.integers(0, 3000))
            ev = CareEvent(f"l{i}", day, kind, billed_cents=billed, br_cents=br, amo_cents=amo)
        out.append(((day, i, f"l{i}"), ev))
    return out


def _final(history: list[Held]) -> dict[str, tuple[int, str | None]]:
    return {h.uid: (h.mutuelle_cents, h.error) for h in history}


def _all_together(new: list[tuple[OrderKey, CareEvent]]) -> list[Held]:
    return apply([], settle_beneficiary(PLAN, COV, (), [], new))


@settings(max_examples=120, deadline=None)
@given(lines())
def test_never_negative_never_above_billed_minus_amo_ceilings_kept(
    new: list[tuple[OrderKey, CareEvent]],
) -> None:
    changes = settle_beneficiary(PLAN, COV, (), [], new)
    per_year: dict[int, int] = defaultdict(int)
    for c in changes:
        assert c.kind is ChangeKind.NEW and c.settlement is not None
        s = c.settlement
        assert 0 <= s.mutuelle_cents <= s.billed_cents - s.amo_cents
        if s.benefit == "medecines_douces":
            per_year[s.date.year] += s.mutuelle_cents
    assert all(v <= CEILING for v in per_year.values())


@settings(max_examples=120, deadline=None)
@given(lines())
def test_one_by_one_ends_as_all_together_and_reruns_change_nothing(
    new: list[tuple[OrderKey, CareEvent]],
) -> None:
    together = _all_together(new)
    history: list[Held] = []
    for item in new:  # received one at a time, in reception order (dates in any order)
        history = apply(history, settle_beneficiary(PLAN, COV, (), history, [item]))
    assert _final(history) == _final(together)
    # the ledger per year is the same sum of money
    assert sum(h.mutuelle_cents for h in history) == sum(h.mutuelle_cents for h in together)
    # the same lines again: duplicates, nothing changes
    assert settle_beneficiary(PLAN, COV, (), history, new) == []


@settings(max_examples=80, deadline=None)
@given(lines(), st.data())
def test_a_cancellation_ends_where_never_receiving_the_line_does(
    new: list[tuple[OrderKey, CareEvent]], data: st.DataObject
) -> None:
    history = _all_together(new)
    gone = data.draw(st.sampled_from([ev.id for _, ev in new]))
    changes = settle_beneficiary(PLAN, COV, (), history, [], cancel={gone})
    assert any(c.kind is ChangeKind.CANCELLED and c.uid == gone for c in changes)
    after = apply(history, changes)
    without = _all_together([(k, ev) for k, ev in new if ev.id != gone])
    assert _final(after) == _final(without)
    # money: what the changes move equals the difference of totals
    moved = sum(c.delta_cents for c in changes)
    assert moved == sum(h.mutuelle_cents for h in after) - sum(h.mutuelle_cents for h in history)


def test_a_late_line_re_settles_the_later_ones_of_the_same_ceiling() -> None:
    a = (
        (dt.date(2025, 3, 1), 1, "a"),
        CareEvent("a", dt.date(2025, 3, 1), "medecines_douces", billed_cents=6000),
    )
    b = (
        (dt.date(2025, 4, 1), 2, "b"),
        CareEvent("b", dt.date(2025, 4, 1), "medecines_douces", billed_cents=6000),
    )
    late = (
        (dt.date(2025, 2, 1), 3, "c"),
        CareEvent("c", dt.date(2025, 2, 1), "medecines_douces", billed_cents=6000),
    )
    history = _all_together([a, b])
    assert {h.uid: h.mutuelle_cents for h in history} == {"a": 6000, "b": CEILING - 6000}
    changes = settle_beneficiary(PLAN, COV, (), history, [late])
    kinds = {c.uid: c.kind for c in changes}
    assert kinds == {"c": ChangeKind.NEW, "a": ChangeKind.REVISED, "b": ChangeKind.REVISED}
    after = {h.uid: h.mutuelle_cents for h in apply(history, changes)}
    assert after == {"c": 6000, "a": CEILING - 6000, "b": 0}
    assert sum(c.delta_cents for c in changes) == CEILING - CEILING  # the ceiling was full


def test_care_during_a_suspension_or_outside_cover_is_refused_with_its_reason() -> None:
    susp = (Suspended(dt.datetime(2025, 5, 10), dt.datetime(2025, 6, 2, 12, 0)),)
    cov = COV
    evs = [
        (
            (dt.date(2025, 5, 20), 1, "s"),
            CareEvent("s", dt.date(2025, 5, 20), "medecines_douces", billed_cents=3000),
        ),
        (
            (dt.date(2025, 6, 2), 2, "r"),
            CareEvent("r", dt.date(2025, 6, 2), "medecines_douces", billed_cents=3000),
        ),
        (
            (dt.date(2024, 12, 2), 3, "o"),
            CareEvent("o", dt.date(2024, 12, 2), "medecines_douces", billed_cents=3000),
        ),
    ]
    out = {c.uid: c.settlement for c in settle_beneficiary(PLAN, cov, susp, [], evs)}
    assert out["s"] is not None and out["s"].mutuelle_cents == 0
    assert out["s"].error and "suspension" in out["s"].error
    assert out["r"] is not None and out["r"].mutuelle_cents == 3000  # reinstated that day at noon
    assert out["o"] is not None and out["o"].error and "hors de la période" in out["o"].error
    assert suspended_on(susp, dt.date(2025, 5, 10)) is not None
    assert suspended_on(susp, dt.date(2025, 5, 9)) is None
