"""The yearly call (billing core): schedule, taxes kept apart, regularisations, reruns."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from mutuelle.billing import AdhesionFacts, already_called, split, tax_rates, yearly_call
from mutuelle.journal import AccountKind, EntryKind, balances
from mutuelle.journal.opening import opening_entries
from mutuelle.pricing.household import Member
from mutuelle.pricing.schedule import FormulaSpan, Insured, dues

ON = dt.date(2026, 12, 2)
START = dt.date(2024, 3, 1)


def facts(**kw: object) -> AdhesionFacts:
    base = AdhesionFacts(
        number="GR24-000001",
        range="residents",
        start=START,
        end=None,
        insured=(Insured(Member("adherent", dt.date(1970, 5, 1), 0), START),),
        formulas=(FormulaSpan("Vercors", START),),
        mode="direct_debit",
        frequency="monthly",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def child(birth: dt.date, start: dt.date | None = None, end: dt.date | None = None) -> Insured:
    return Insured(Member("child", birth, 1), start or birth, end)


def test_monthly_schedule_sums_to_the_pricing_cores_year(offer) -> None:
    f = facts()
    call = yearly_call(offer, f, 2027, [], on=ON)
    assert len(call.instalments) == 12
    assert [i.due_on.day for i in call.instalments] == [1] * 12
    year = dues(
        offer, "residents", f.insured, f.formulas, dt.date(2027, 1, 1), dt.date(2027, 12, 31)
    )
    assert call.total.ttc == sum(d.cents for d in year)
    assert {e.kind for e in call.entries} == {EntryKind.contribution_call}
    # the age on 1 January: 2027 − 1970 = 57, said in the steps
    assert any("57 ans = 2027 − 1970" in s.rule for s in call.steps)


def test_cheque_is_one_annual_instalment(offer) -> None:
    call = yearly_call(offer, facts(mode="cheque", frequency="monthly"), 2027, [], on=ON)
    assert len(call.instalments) == 1
    assert call.instalments[0].due_on == dt.date(2027, 1, 1)
    assert any("chèque" in s.rule for s in call.steps)


def test_taxes_apart_and_lfss_only_on_2026_instalments(offer) -> None:
    c26 = yearly_call(offer, facts(), 2026, [], on=ON)
    c27 = yearly_call(offer, facts(), 2027, [], on=ON)
    assert all(i.amount.lfss > 0 for i in c26.instalments)
    assert all(i.amount.lfss == 0 for i in c27.instalments)
    for i in c26.instalments + c27.instalments:
        assert i.amount.net + i.amount.tsa + i.amount.lfss == i.amount.ttc
    s = split(10_000, tax_rates(), dt.date(2027, 3, 1))
    assert (s.net, s.tsa) == (8828, 1172)  # 100 € TTC = 88,28 € net + 13,27 % of it


def test_newborn_exempt_months_are_not_called(offer) -> None:
    f = facts(insured=(*facts().insured, child(dt.date(2027, 4, 10))))
    alone = yearly_call(offer, facts(), 2027, [], on=ON)
    call = yearly_call(offer, f, 2027, [], on=ON)
    by_month = {i.start.month: i.amount.ttc for i in call.instalments}
    single = {i.start.month: i.amount.ttc for i in alone.instalments}
    assert all(by_month[m] == single[m] for m in range(1, 10))  # free 6 months from birth
    assert by_month[11] > single[11]


def test_start_during_the_year_is_prorated(offer) -> None:
    start = dt.date(2027, 3, 15)
    f = facts(
        start=start,
        insured=(Insured(Member("adherent", dt.date(1970, 5, 1), 0), start),),
        formulas=(FormulaSpan("Vercors", start),),
    )
    call = yearly_call(offer, f, 2027, [], on=ON)
    assert call.instalments[0].start == start
    full = yearly_call(offer, facts(), 2027, [], on=ON).instalments[2].amount.ttc
    assert 0 < call.instalments[0].amount.ttc < full


def test_rerun_posts_nothing_and_a_termination_is_a_regularisation(offer) -> None:
    f = facts()
    first = yearly_call(offer, f, 2027, [], on=ON)
    assert yearly_call(offer, f, 2027, first.entries, on=ON).entries == ()
    ended = facts(
        end=dt.date(2027, 6, 30),
        insured=(Insured(Member("adherent", dt.date(1970, 5, 1), 0), START, dt.date(2027, 6, 30)),),
    )
    again = yearly_call(offer, ended, 2027, first.entries, on=dt.date(2027, 7, 1))
    assert {e.kind for e in again.entries} == {EntryKind.contribution_regularisation}
    assert len(again.entries) == 6  # July to December called down, never rewritten
    every = [*first.entries, *again.entries]
    called = already_called(every, f.number, 2027)
    assert sum(c.amount.ttc for c in called.values()) == again.total.ttc
    assert all(c.amount.ttc >= 0 for c in called.values())


def test_periods_of_a_reprise_are_not_called_again(offer) -> None:
    f = facts()
    reprise = opening_entries(
        f.number,
        dues(offer, "residents", f.insured, f.formulas, dt.date(2026, 1, 1), dt.date(2026, 11, 30)),
        paid_through=None,
        date=ON,
    )
    call = yearly_call(offer, f, 2026, reprise, on=ON)
    assert [(i.start, i.end) for i in call.instalments] == [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    ]


# --- properties ------------------------------------------------------------------------------

days = st.integers(min_value=0, max_value=364).map(lambda n: dt.date(2027, 1, 1) + dt.timedelta(n))


@st.composite
def histories(draw: st.DrawFn) -> list[AdhesionFacts]:
    """Successive states of one adhesion during 2027: children born or leaving, a formula
    change, a termination, the mode changed."""
    states = [facts()]
    for _ in range(draw(st.integers(1, 4))):
        f = states[-1]
        what = draw(st.sampled_from(["birth", "leave", "formula", "end", "mode"]))
        if what == "birth":
            born = draw(days)
            if f.end is not None and born > f.end:
                continue
            n = len(f.insured)
            f = replace(f, insured=(*f.insured, Insured(Member("child", born, n), born)))
        elif what == "leave" and len(f.insured) > 1:
            last = f.insured[-1]
            out = draw(days)
            if out >= last.start:
                f = replace(f, insured=(*f.insured[:-1], replace(last, end=out)))
        elif what == "formula":
            at = draw(days).replace(day=1)
            new = draw(st.sampled_from(["Bauges", "Belledonne", "Vanoise"]))
            f = replace(
                f,
                formulas=(
                    FormulaSpan(f.formulas[0].formula, START, at - dt.timedelta(days=1)),
                    FormulaSpan(new, at),
                ),
            )
        elif what == "end" and f.end is None:
            end = draw(days)
            f = replace(
                f,
                end=end,
                insured=tuple(
                    replace(i, end=min(i.end or end, end)) for i in f.insured if i.start <= end
                ),
            )
        elif what == "mode":
            f = replace(f, mode=draw(st.sampled_from(["cheque", "direct_debit", "transfer"])))
        states.append(f)
    return states


@settings(max_examples=40, deadline=None)
@given(histories())
def test_every_change_regularises_to_the_new_call(offer, states) -> None:
    journal: list = []
    for n, f in enumerate(states):
        call = yearly_call(offer, f, 2027, journal, on=ON + dt.timedelta(days=n))
        journal.extend(call.entries)
        # a rerun posts nothing
        assert yearly_call(offer, f, 2027, journal, on=ON + dt.timedelta(days=n + 9)).entries == ()
        called = already_called(journal, f.number, 2027)
        # what the journal called, period by period, is the new call: never negative
        wanted = {(i.start, i.end): i.amount for i in call.instalments}
        for slot, c in called.items():
            assert c.amount.ttc >= 0
            assert c.amount == wanted.get(slot, c.amount if c.amount.ttc == 0 else None)
        assert sum(c.amount.ttc for c in called.values()) == call.total.ttc
        # the journal balances and the taxes are kept apart
        bal = balances(journal)
        assert sum(bal.values()) == 0
        assert -sum(v for a, v in bal.items() if a.kind is AccountKind.tax_tsa) == call.total.tsa


@settings(max_examples=40, deadline=None)
@given(
    histories(),
    st.sampled_from(["", "cheque", "direct_debit", "transfer", "payroll"]),
    st.sampled_from(["", "monthly", "annual"]),
    st.booleans(),
)
def test_the_batchs_call_without_explanation_is_the_same_call(
    offer, states, mode, frequency, payroll
) -> None:
    """The yearly batch calls with ``explain=False``: the same frequency, schedule and
    entries (keys, amounts, memos, sources), only the explanation steps left out."""
    journal: list = []
    for n, f in enumerate(states):
        f = replace(f, mode=mode or f.mode, frequency=frequency, payroll=payroll)
        on = ON + dt.timedelta(days=n)
        full = yearly_call(offer, f, 2027, journal, on=on)
        lean = yearly_call(offer, f, 2027, journal, on=on, explain=False)
        assert full.steps and lean.steps == ()
        assert replace(lean, steps=full.steps) == full
        journal.extend(full.entries)


def test_agents_payroll_deduction_is_monthly(offer) -> None:
    from mutuelle.pricing.household import AgentFacts

    agent = Member(
        "adherent",
        dt.date(1975, 2, 1),
        0,
        agent=AgentFacts(dt.date(2015, 9, 1), dt.date(2024, 12, 31)),
    )
    f = facts(range="agents", insured=(Insured(agent, START),), mode="payroll", payroll=True)
    call = yearly_call(offer, f, 2027, [], on=ON)
    assert len(call.instalments) == 12
    assert any("précompt" in s.rule.lower() for s in call.steps)


def test_from_the_fourth_child_nothing_is_called(offer) -> None:
    kids = tuple(Insured(Member("child", dt.date(2012 + n, 1, 1), n + 1), START) for n in range(4))
    three = facts(insured=(*facts().insured, *kids[:3]))
    four = facts(insured=(*facts().insured, *kids))
    c3 = yearly_call(offer, three, 2027, [], on=ON)
    c4 = yearly_call(offer, four, 2027, [], on=ON)
    assert c4.total.ttc == c3.total.ttc  # Règlement particuliers III-1-3


def test_tns_household_is_called(offer) -> None:
    f = facts(range="tns", formulas=(FormulaSpan(offer.ranges["tns"].formulas[1], START),))
    call = yearly_call(offer, f, 2027, [], on=ON)
    assert call.total.ttc > 0
