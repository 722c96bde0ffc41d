"""Consumption as data: the ledger is the fold of the entries the settlements return.

* folding the opening entries and every settlement's entries gives the ledger's state, after one
  batch, after two batches threaded through the ledger (no history kept), and after settling
  one by one in any order (late events re-settle the history);
* entries and steps are plain data: they survive ``to_dict`` / JSON / ``from_dict`` unchanged,
  and every key has a stable string;
* an entry never consumes a negative amount.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from benefits_helpers import cover, event, plan_for, run
from hypothesis import given, settings
from hypothesis import strategies as st
from test_benefits_properties import claims

from mutuelle.benefits import (
    CareEvent,
    Consumption,
    Coverage,
    Ledger,
    PlanError,
    fold,
    opening,
    parse_key,
    settle,
    step_from_dict,
    step_to_dict,
)
from mutuelle.benefits.consumption import OpticalSlot, Period, Unit, YearCeiling

START = dt.date(2025, 1, 1)


@settings(max_examples=150, deadline=None)
@given(claims())
def test_the_fold_of_a_batch_is_the_ledger_after_it(
    claim: tuple[Coverage, list[CareEvent]],
) -> None:
    cov, evs = claim
    r = settle(plan_for(cov.range), cov, evs)
    assert fold(r.ledger.consumption()) == r.ledger.state
    entries = [*r.ledger.opening, *(e for s in r.settlements for e in s.consumption)]
    assert fold(entries) == r.ledger.state
    assert all(e.amount >= 0 for e in entries)


@settings(max_examples=100, deadline=None)
@given(claims(), st.integers(0, 729))
def test_two_batches_fold_to_the_state_of_both(
    claim: tuple[Coverage, list[CareEvent]], cut: int
) -> None:
    """The benchmark's path (no history): the entries of both batches rebuild the state."""
    cov, evs = claim
    plan = plan_for(cov.range)
    ordered = sorted(evs, key=lambda e: e.date)
    day = START + dt.timedelta(days=cut)
    r1 = settle(plan, cov, [e for e in ordered if e.date < day], keep_history=False)
    r2 = settle(plan, cov, [e for e in ordered if e.date >= day], r1.ledger, keep_history=False)
    first = [*opening(plan, cov), *(e for s in r1.settlements for e in s.consumption)]
    assert fold(first) == r1.ledger.state
    both = [*first, *(e for s in r2.settlements for e in s.consumption)]
    assert fold(both) == r2.ledger.state


@settings(max_examples=80, deadline=None)
@given(claims(12), st.randoms(use_true_random=False))
def test_one_by_one_folds_to_the_same_state_as_all_together(
    claim: tuple[Coverage, list[CareEvent]], rnd: Any
) -> None:
    cov, evs = claim
    plan = plan_for(cov.range)
    arrival = list(evs)
    rnd.shuffle(arrival)
    together = settle(plan, cov, arrival).ledger
    ledger = Ledger()
    for ev in arrival:
        ledger = settle(plan, cov, [ev], ledger).ledger
    assert ledger.state == together.state
    assert fold(ledger.consumption()) == together.state
    assert [s.consumption for s in ledger.settlements] == [
        s.consumption for s in together.settlements
    ]


@settings(max_examples=100, deadline=None)
@given(claims())
def test_entries_and_steps_are_plain_data(claim: tuple[Coverage, list[CareEvent]]) -> None:
    cov, evs = claim
    r = settle(plan_for(cov.range), cov, evs)
    for e in r.ledger.consumption():
        row = json.loads(json.dumps(e.to_dict()))
        assert Consumption.from_dict(row) == e
        assert parse_key(e.key.id) == e.key
    for s in r.settlements:
        for step in s.steps:
            assert step_from_dict(json.loads(json.dumps(step_to_dict(step)))) == step


def test_a_settlement_says_what_it_consumed() -> None:
    """Vercors bien-être: 100 € a year (« Plafond de 100 € / an / bénéficiaire »), the second
    session consumes what the first left."""
    cov = cover(formula="Vercors")
    a, b = run(
        cov,
        event("medecines_douces", "2025-03-01", "a", billed_cents=6000),
        event("medecines_douces", "2025-04-01", "b", billed_cents=6000),
    )
    year = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    (ea,) = a.consumption
    (eb,) = b.consumption
    assert (ea.key.id, ea.period, ea.unit, ea.amount) == ("year:bien_etre", year, Unit.CENTS, 6000)
    assert (eb.key.id, eb.amount) == ("year:bien_etre", 4000)
    assert ea.to_dict() == {
        "key": "year:bien_etre",
        "period_start": "2025-01-01",
        "period_end": "2025-12-31",
        "window": 0,
        "unit": "cents",
        "amount": 6000,
        "tag": None,
    }
    assert isinstance(ea.key, YearCeiling)


def test_equipment_bought_before_the_adhesion_opens_the_first_periods() -> None:
    plan = plan_for("residents")
    cov = cover(last_optical="2024-06-01", last_hearing={"left": "2023-01-01"})
    keys = {(e.key.id, e.unit, e.amount, e.period.start) for e in opening(plan, cov)}
    assert keys == {
        ("optical:1:frame", Unit.FRAMES, 1, dt.date(2024, 6, 1)),
        ("optical:1:lens", Unit.LENSES, 2, dt.date(2024, 6, 1)),
        ("hearing:left", Unit.DEVICES, 1, dt.date(2023, 1, 1)),
    }
    state = fold(opening(plan, cov))
    assert state.windows[OpticalSlot(1, "frame")].start == dt.date(2024, 6, 1)


@pytest.mark.parametrize(
    "text",
    [
        "year:bien_etre",
        "semester:orthodontie",
        "24_months:cure",
        "eye_year:chirurgie_refractive:left",
        "days:accompagnant",
        "items:implants",
        "activities:sport",
        "optical:2:lens",
        "hearing:right",
    ],
)
def test_keys_have_a_stable_string(text: str) -> None:
    assert parse_key(text).id == text


@pytest.mark.parametrize("text", ["", "year", "optical:3:lens", "hearing:both", "color:red"])
def test_an_unknown_key_string_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="illisible"):
        parse_key(text)


# --- the offer's rule flags and values: typed when it loads, never a silent default ----------


def _offer_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> Path:
    from mutuelle.offers import loader

    src = Path(loader.available_offers()["grenoble-2025"])
    dst = tmp_path / name
    shutil.copytree(src, dst)
    text = (dst / "offer.yaml").read_text(encoding="utf-8")
    (dst / "offer.yaml").write_text(text.replace("id: grenoble-2025", f"id: {name}", 1), "utf-8")
    monkeypatch.setenv("MUTUELLE_OFFERS_PATH", str(tmp_path))
    loader.load_offer.cache_clear()
    return dst


def test_a_misspelt_rule_flag_fails_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mutuelle.offers.loader import OfferInvalid, load_offer

    dst = _offer_copy(tmp_path, monkeypatch, "typo-flag")
    table = dst / "guarantees" / "annexe7.yaml"
    text = table.read_text(encoding="utf-8")
    assert text.count("tm_floor]") > 0  # a line listing the rule
    table.write_text(text.replace("tm_floor]", "tm_flor]", 1), "utf-8")
    with pytest.raises(OfferInvalid, match="unknown rule 'tm_flor'"):
        load_offer("typo-flag")
    load_offer.cache_clear()


def test_a_rule_the_engine_applies_without_its_value_stops_the_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mutuelle.benefits import compile_plan
    from mutuelle.offers.loader import load_offer

    dst = _offer_copy(tmp_path, monkeypatch, "no-hearing-period")
    rules = dst / "guarantees" / "rules.yaml"
    text = rules.read_text(encoding="utf-8")
    start = text.index("  - id: hearing_period")
    end = text.index("  - id:", start + 5)
    block = text[start:end].replace("    value: 48\n", "").replace("    unit: months\n", "")
    rules.write_text(text[:start] + block + text[end:], "utf-8")
    with pytest.raises(PlanError, match="hearing_period") as exc:
        compile_plan("no-hearing-period", "residents")
    assert exc.value.code == "rule_without_value"
    load_offer.cache_clear()
