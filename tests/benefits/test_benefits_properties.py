"""Invariants of the engine over random claims (hypothesis).

* never negative, never more than the bill less the AMO (but the birth bonus, a lump sum);
* bill = AMO paid + mutual + what is left to the member;
* ceilings and counters never exceeded (consumption summed over the events, per period), except
  the ticket modérateur floor of the contrat responsable (I-28), which says so;
* periodicities never exceeded (hearing aids per ear, frames without a renewal reason);
* settling events one by one (threading the ledger), in any arrival order, or in two batches,
  gives the same settlements as settling them all together.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

from benefits_helpers import cover, plan_for
from hypothesis import given, settings
from hypothesis import strategies as st

from mutuelle.benefits import CareEvent, Coverage, Ledger, settle
from mutuelle.benefits.engine import Settlement
from mutuelle.benefits.steps import HearingOk, OpticalNew
from mutuelle.dates import add_months

FORMULAS = {
    "residents": ("Bauges", "Vercors", "Belledonne", "Beaufortain", "Vanoise"),
    "tns": ("ASOCLR", "ABASER", "AAR", "ABR", "ACR", "ADR", "AER"),
}
CODES = sorted(plan_for("residents").known_codes)
START = dt.date(2025, 1, 1)


NON_AMO = {
    code
    for r in FORMULAS
    for code, choices in plan_for(r).codes.items()
    if all(
        c.amo == 2 or (c.amo is None and next(iter(c.by_formula.values())).amo == 2)
        for c in choices
    )
}
ONE_ONLY = {
    "optique_monture",
    "aide_auditive",
    "aide_auditive_non_remboursee",
    "optique_remplacement_monture",
}


@st.composite
def claims(draw: Any, n_max: int = 30) -> tuple[Coverage, list[CareEvent]]:
    """A beneficiary's cover and a mostly consistent mix of care events."""
    rng = draw(st.sampled_from(sorted(FORMULAS)))
    formula = draw(st.sampled_from(FORMULAS[rng]))
    change = draw(st.sampled_from([(), (("2026-01-01", draw(st.sampled_from(FORMULAS[rng]))),)]))
    birth = draw(st.sampled_from(["1950-03-01", "1985-07-20", "2012-01-15", "2021-05-05"]))
    cov = cover(
        rng,
        formula,
        birth=birth,
        changes=change,
        last_optical=draw(st.sampled_from([None, "2024-06-01"])),
        last_hearing=draw(st.sampled_from([None, {"left": "2023-01-01"}])),
    )
    own = sorted(plan_for(rng).codes)
    out = []
    for i in range(draw(st.integers(1, n_max))):
        code = draw(st.sampled_from(own) if draw(st.integers(0, 9)) else st.sampled_from(CODES))
        billed = draw(st.integers(1, 300_000))
        br = draw(st.integers(1, billed))
        amo = 0 if code in NON_AMO else draw(st.sampled_from([br, br * 6 // 10, br * 7 // 10]))
        pf = draw(st.integers(0, min(amo, 200)))
        out.append(
            CareEvent(
                id=f"e{i}",
                date=START + dt.timedelta(days=draw(st.integers(0, 729))),
                benefit=code,
                billed_cents=billed,
                br_cents=br,
                amo_cents=amo,
                participation_forfaitaire_cents=pf,
                dptam=draw(st.sampled_from([None, True, False])),
                days=draw(st.integers(1, 20)),
                quantity=1 if code in ONE_ONLY else draw(st.sampled_from([1, 1, 2, 3])),
                basket=draw(st.sampled_from(["100_sante", "libre"])),
                lens_category=draw(st.sampled_from(["simple", "complexe", "tres_complexe"])),
                ear=draw(st.sampled_from(["left", "right"])),
                eye=draw(st.sampled_from(["left", "right", "both"])),
                renewal=draw(st.sampled_from([None, None, "vision_change", "medical"])),
                second_equipment=draw(st.booleans()),
                price_limit_cents=draw(st.sampled_from([None, billed, billed // 2])),
                distance_km=draw(st.sampled_from([None, 20, 120, 120])),
                enrolled_on=START + dt.timedelta(days=draw(st.integers(0, 800))),
                out_of_pathway_penalty_cents=draw(st.sampled_from([0, 0, min(300, amo)])),
            )
        )
    return cov, out


def key(s: Settlement) -> tuple[Any, ...]:
    return (s.event_id, s.mutuelle_cents, s.out_of_pocket_cents, s.error, s.ceilings, s.steps)


@settings(max_examples=150, deadline=None)
@given(claims())
def test_amounts_are_never_negative_and_never_more_than_what_is_left(
    claim: tuple[Coverage, list[CareEvent]],
) -> None:
    cov, evs = claim
    for s in settle(plan_for(cov.range), cov, evs).settlements:
        if s.error is not None:
            assert s.mutuelle_cents == 0
            continue
        assert s.mutuelle_cents >= 0
        if s.benefit == "prime_naissance":
            continue
        assert s.mutuelle_cents <= max(0, s.billed_cents - s.amo_cents)
        assert s.billed_cents == s.amo_paid_cents + s.mutuelle_cents + s.out_of_pocket_cents
        assert s.out_of_pocket_cents >= s.amo_cents - s.amo_paid_cents  # PF, franchises


@settings(max_examples=150, deadline=None)
@given(claims())
def test_ceilings_counters_and_periodicities_are_never_exceeded(
    claim: tuple[Coverage, list[CareEvent]],
) -> None:
    cov, evs = claim
    settled = [s for s in settle(plan_for(cov.range), cov, evs).settlements if s.error is None]
    totals: dict[tuple[str, str, str], int] = defaultdict(int)
    limits: dict[tuple[str, str, str], int] = {}
    floored: set[tuple[str, str, str]] = set()
    for s in settled:
        for c in s.ceilings:
            k = (c.label, c.period, c.unit)
            totals[k] += c.consumed
            limits[k] = c.limit
            if any(st.code == "tm_floor" for st in s.steps):
                floored.add(k)
    for k, total in totals.items():
        if k not in floored:
            assert total <= limits[k], f"{k}: {total} > {limits[k]}"
    # hearing aids: one per ear per 4 years
    last: dict[str, dt.date] = dict(cov.last_hearing_aids)
    for s in settled:
        ok = [st for st in s.steps if isinstance(st, HearingOk)]
        if ok:
            ear = "left" if ok[0].side == "oreille gauche" else "right"
            if ear in last:
                assert s.date >= add_months(last[ear], 48)
            last[ear] = s.date
    # frames accepted without a renewal reason are at least a period apart
    frames = [
        s
        for s in settled
        if any(isinstance(st, OpticalNew) and st.element == "monture" for st in s.steps)
        and not any(st.code == "second_equipment" for st in s.steps)
    ]
    for a, b in itertools.pairwise(frames):
        assert b.date >= add_months(a.date, 12)


@settings(max_examples=100, deadline=None)
@given(claims(15), st.randoms(use_true_random=False))
def test_one_by_one_in_any_order_equals_all_together(
    claim: tuple[Coverage, list[CareEvent]], rnd: Any
) -> None:
    cov, evs = claim
    plan = plan_for(cov.range)
    arrival = list(evs)
    rnd.shuffle(arrival)
    together = {s.event_id: key(s) for s in settle(plan, cov, arrival).settlements}
    ledger = Ledger()
    for ev in arrival:
        ledger = settle(plan, cov, [ev], ledger).ledger
    one_by_one = {s.event_id: key(s) for s in ledger.settlements}
    assert one_by_one == together


@settings(max_examples=100, deadline=None)
@given(claims(), st.integers(0, 729))
def test_two_batches_threading_the_ledger_equal_one_batch(
    claim: tuple[Coverage, list[CareEvent]], cut: int
) -> None:
    cov, evs = claim
    """The benchmark's path (no history kept): earlier events first, then the later ones."""
    plan = plan_for(cov.range)
    ordered = sorted(evs, key=lambda e: e.date)
    day = START + dt.timedelta(days=cut)
    first = [e for e in ordered if e.date < day]
    second = [e for e in ordered if e.date >= day]
    together = [key(s) for s in settle(plan, cov, ordered, keep_history=False).settlements]
    r1 = settle(plan, cov, first, keep_history=False)
    r2 = settle(plan, cov, second, r1.ledger, keep_history=False)
    assert [key(s) for s in r1.settlements + r2.settlements] == together
    assert r2.ledger.state == settle(plan, cov, ordered, keep_history=False).ledger.state


def test_a_late_event_revises_what_it_changes() -> None:
    """A bill dated before the last one re-settles the history and reports the change."""
    plan = plan_for("residents")
    cov = cover(formula="Vercors")  # bien-être 100 €/an
    later = CareEvent("b", dt.date(2025, 6, 1), "medecines_douces", billed_cents=8000)
    earlier = CareEvent("a", dt.date(2025, 3, 1), "medecines_douces", billed_cents=8000)
    r1 = settle(plan, cov, [later])
    assert r1.settlements[0].mutuelle_cents == 8000
    r2 = settle(plan, cov, [earlier], r1.ledger)
    assert r2.settlements[0].mutuelle_cents == 8000
    (revised,) = r2.revised
    assert (revised.event_id, revised.mutuelle_cents) == ("b", 2000)
