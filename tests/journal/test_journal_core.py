"""The money journal's core: entries balance, the journal balances, balances are a fold that
neither repeats nor order changes, and the contribution facts derived from a member's account."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.factories import EntryFactory

from mutuelle.journal import (
    Account,
    AccountKind,
    Entry,
    EntryKind,
    KeyConflict,
    NotAnOpening,
    Posting,
    Unbalanced,
    balance,
    balances,
    contribution_status,
    moves_money,
    opening_entries,
    reopen,
    reverse,
    totals,
)
from mutuelle.pricing.schedule import Due

D = dt.date
NUMBERS = ("GR25-000001", "GR25-000002", "GR26-000003")


ACCOUNTS = [
    *(Account(AccountKind.member_contributions, n) for n in NUMBERS),
    Account(AccountKind.undue, NUMBERS[0]),
    *(
        Account(k)
        for k in (
            AccountKind.contributions,
            AccountKind.tax_tsa,
            AccountKind.bank,
            AccountKind.write_off,
            AccountKind.benefits,
            AccountKind.opening_balances,
        )
    ),
    Account(AccountKind.benefits_payable, party="PS1"),
    Account(AccountKind.benefits_payable, adhesion=NUMBERS[1]),
]


def account_st() -> st.SearchStrategy[Account]:
    return st.sampled_from(ACCOUNTS)


cents_st = st.integers(min_value=1, max_value=500_000).map(lambda c: c if c % 2 else -c)


@st.composite
def entry_st(draw: st.DrawFn, key: str | None = None) -> Entry:
    """A balanced entry: some postings, then the one that balances them."""
    postings = draw(
        st.lists(
            st.builds(
                Posting,
                account_st(),
                cents_st,
                range=st.sampled_from([None, "residents", "agents"]),
                formula=st.sampled_from([None, "Bauges", "Vanoise"]),
            ),
            min_size=1,
            max_size=3,
        )
    )
    rest = -sum(p.cents for p in postings)
    if rest != 0:
        postings.append(Posting(draw(account_st()), rest))
    elif len(postings) == 1:
        postings.append(Posting(postings[0].account, -postings[0].cents))
    start = draw(st.dates(D(2025, 1, 1), D(2026, 12, 1)))
    return Entry(
        key=key or f"k{draw(st.integers(0, 10**9))}",
        kind=draw(st.sampled_from(list(EntryKind))),
        date=start,
        period_start=start,
        period_end=start + dt.timedelta(days=draw(st.integers(0, 90))),
        postings=tuple(postings),
        source="test",
        memo="essai",
    )


@st.composite
def journal_st(draw: st.DrawFn) -> list[Entry]:
    n = draw(st.integers(0, 12))
    return [draw(entry_st(key=f"e{i}")) for i in range(n)]


@given(st.lists(st.builds(Posting, account_st(), cents_st), min_size=1, max_size=5))
def test_an_entry_exists_only_if_it_balances(postings: list[Posting]) -> None:
    def build() -> Entry:
        return Entry(
            "k",
            EntryKind.write_off,
            D(2026, 1, 1),
            D(2026, 1, 1),
            D(2026, 1, 1),
            tuple(postings),
            "test",
            "essai",
        )

    if sum(p.cents for p in postings) == 0:
        assert sum(p.cents for p in build().postings) == 0
    else:
        with pytest.raises(Unbalanced):
            build()


@given(journal_st())
def test_every_entry_balances_and_the_journal_always_balances(entries: list[Entry]) -> None:
    for e in entries:
        assert sum(p.cents for p in e.postings) == 0
    assert sum(balances(entries).values()) == 0


@settings(max_examples=60)
@given(journal_st(), st.randoms(use_true_random=False))
def test_posting_twice_or_in_any_order_gives_the_same_balances(
    entries: list[Entry], rnd: random.Random
) -> None:
    again = entries + entries
    rnd.shuffle(again)
    assert balances(again) == balances(entries)
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert balances(shuffled) == balances(entries)


@given(journal_st())
def test_balances_equal_the_fold_of_the_postings(entries: list[Entry]) -> None:
    folded: dict[Account, int] = {}
    for e in entries:
        for p in e.postings:
            folded[p.account] = folded.get(p.account, 0) + p.cents
    assert balances(entries) == folded
    for account, cents in folded.items():
        assert balance(entries, account) == cents
    by_kind = totals(entries, by=("account",))
    for kind in AccountKind:
        expected = sum(c for a, c in folded.items() if a.kind == kind)
        assert by_kind.get((kind.value,), 0) == expected


@given(journal_st())
def test_a_reversal_cancels_its_entry(entries: list[Entry]) -> None:
    mirrored = [reverse(e, f"{e.key}:annulee", e.date, "annulation") for e in entries]
    assert all(m.reverses == e.key for m, e in zip(mirrored, entries, strict=True))
    assert all(c == 0 for c in balances(entries + mirrored).values())


def test_a_key_is_one_entry() -> None:
    a = EntryFactory(key="call:1", cents=5000)
    assert balances([a, EntryFactory(key="call:1", cents=5000)]) == balances([a])
    with pytest.raises(KeyConflict, match="call:1"):
        balances([a, EntryFactory(key="call:1", cents=5001)])


def test_accounts_say_whose_they_are() -> None:
    with pytest.raises(ValueError, match="par adhésion"):
        Account(AccountKind.member_contributions)
    with pytest.raises(ValueError, match="compte de la Mutuelle"):
        Account(AccountKind.bank, adhesion="GR25-000001")
    with pytest.raises(ValueError, match="un et un seul"):
        Account(AccountKind.benefits_payable)
    with pytest.raises(Unbalanced):
        Posting(Account(AccountKind.bank), 0)
    with pytest.raises(ValueError):
        Account("caisse")  # type: ignore[arg-type]
    assert AccountKind.tax_tsa.label.startswith("TSA") and EntryKind.refund.label


def test_totals_group_by_range_and_formula_within_a_period() -> None:
    number = "GR25-000001"
    member = Account(AccountKind.member_contributions, number)
    income = Account(AccountKind.contributions)

    def call(key: str, month: dt.date, cents: int, formula: str) -> Entry:
        return Entry(
            key,
            EntryKind.contribution_call,
            month,
            month,
            month + dt.timedelta(days=27),
            (Posting(member, cents), Posting(income, -cents, range="residents", formula=formula)),
            "test",
            "appel",
        )

    entries = [
        call("a", D(2026, 1, 1), 5000, "Bauges"),
        call("b", D(2026, 2, 1), 5000, "Bauges"),
        call("c", D(2026, 4, 1), 7000, "Vanoise"),
    ]
    q1 = totals(
        entries,
        kind=AccountKind.contributions,
        period=(D(2026, 1, 1), D(2026, 3, 31)),
        by=("range", "formula"),
    )
    assert q1 == {("residents", "Bauges"): -10000}
    assert totals(entries, adhesion=number) == {(): 17000}
    assert totals(entries, kind=AccountKind.fees) == {}


# --- what a member's contributions account says ---------------------------------------------


def dues_2026(monthly: int = 10000) -> list[Due]:
    return [
        Due(D(2026, m, 1), (D(2026, m + 1, 1) - dt.timedelta(days=1)), "Bauges", monthly)
        for m in range(1, 12)
    ] + [Due(D(2026, 12, 1), D(2026, 12, 31), "Bauges", monthly)]


def test_paid_until_is_the_end_of_the_last_period_paid_in_full() -> None:
    number = "GR25-000001"
    entries = opening_entries(number, dues_2026(), paid_through=D(2026, 6, 30), date=D(2026, 7, 1))
    s = contribution_status(entries, number)
    assert s.paid_until == D(2026, 6, 30)
    assert s.called_cents == 120000 and s.settled_cents == 60000
    assert s.balance_cents == 60000 and s.first_unpaid and s.first_unpaid.start == D(2026, 7, 1)
    # Owed from the first day of each period not paid (instalments are due in advance).
    assert s.owed_on(D(2026, 7, 1)) == 0 and s.up_to_date(D(2026, 7, 1))
    assert s.owed_on(D(2026, 9, 15)) == 30000 and not s.up_to_date(D(2026, 9, 15))
    # A payment is imputed to the oldest period first (Code civil art. 1342-10).
    pay = EntryFactory(payment=True, adhesion=number, cents=15000, month=D(2026, 9, 1))
    s = contribution_status([*entries, pay], number)
    assert s.paid_until == D(2026, 7, 31)
    assert s.first_unpaid and s.first_unpaid.left_cents == 5000


def test_a_correction_reverses_the_reprise_and_brings_the_new_state_in() -> None:
    number = "GR25-000001"
    first = opening_entries(number, dues_2026(), paid_through=D(2026, 12, 31), date=D(2026, 1, 5))
    assert contribution_status(first, number).paid_until == D(2026, 12, 31)
    fixed = reopen(first, number, dues_2026(), paid_through=D(2026, 6, 30), date=D(2026, 11, 2))
    assert sum(1 for e in fixed if e.reverses) == len(first)
    s = contribution_status(first + fixed, number)
    assert s.paid_until == D(2026, 6, 30) and s.called_cents == 120000
    again = reopen(
        first + fixed, number, dues_2026(), paid_through=D(2026, 12, 31), date=D(2026, 11, 3)
    )
    assert len({e.key for e in first + fixed + again}) == len(first + fixed + again)
    assert contribution_status(first + fixed + again, number).paid_until == D(2026, 12, 31)
    assert sum(balances(first + fixed + again).values()) == 0
    billed = [*first, EntryFactory(call=True, adhesion=number)]
    with pytest.raises(NotAnOpening, match="Appel de cotisation"):
        reopen(billed, number, dues_2026(), paid_through=None, date=D(2026, 11, 3))


@settings(max_examples=80)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["call", "payment", "refund", "fee"]),
            st.integers(1, 50_000),
            st.integers(1, 12),
        ),
        max_size=20,
    ),
    st.randoms(use_true_random=False),
)
def test_contribution_facts_are_a_fold(moves: list[tuple[str, int, int]], rnd: random.Random):
    number = "GR25-000009"
    entries = [
        EntryFactory(
            key=f"m{i}",
            adhesion=number,
            cents=cents,
            month=D(2026, month, 1),
            **{what: True},
        )
        for i, (what, cents, month) in enumerate(moves)
    ]
    s = contribution_status(entries, number)
    shuffled = list(entries)
    rnd.shuffle(shuffled)
    assert contribution_status(shuffled + entries, number) == s
    assert all(0 <= p.covered_cents <= p.called_cents for p in s.periods)
    assert s.balance_cents == balance(entries, Account(AccountKind.member_contributions, number))
    assert s.balance_cents == s.called_cents + s.fees_cents - s.settled_cents
    if s.paid_until is not None:
        assert all(p.paid for p in s.periods if p.end <= s.paid_until)
    # a rejection fee is owed apart: paid after the contributions fallen due by the last payment
    # (docs I-243), it never leaves one of them unpaid
    without = contribution_status([e for e in entries if e.kind != "fee_called"], number)
    paid = [e.date for e in entries if moves_money(e)]
    due = [p for p in s.periods if paid and p.start <= max(paid)]
    assert due == [p for p in without.periods if paid and p.start <= max(paid)]
    assert 0 <= s.fees_left_cents <= s.fees_cents
    assert s.advance_cents == max(0, without.advance_cents - s.fees_cents)
