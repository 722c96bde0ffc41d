"""Balances are a fold of the entries, never stored.

The journal is a set of entries keyed by their idempotency key: folding the same entries twice,
or in any order, gives the same balances (:func:`distinct` drops the repeats and refuses a key
reused for another content).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Literal

from mutuelle.journal.model import (
    ABOUT_ADHESION,
    Account,
    AccountKind,
    Entry,
    EntryKind,
    KeyConflict,
    Posting,
)

TotalsBy = Literal["account", "adhesion", "party", "range", "formula", "care_category", "kind"]


def distinct(entries: Iterable[Entry]) -> Iterator[Entry]:
    """Each key once (first seen); :class:`KeyConflict` if a key comes back with other content."""
    seen: dict[str, Entry] = {}
    for e in entries:
        first = seen.get(e.key)
        if first is None:
            seen[e.key] = e
            yield e
        elif not first.same_as(e):
            raise KeyConflict(f"clé {e.key} déjà utilisée par une autre écriture")


def balances(entries: Iterable[Entry]) -> Mapping[Account, int]:
    """Every account's balance (debits − credits); accounts that net to zero are kept."""
    out: dict[Account, int] = defaultdict(int)
    for e in distinct(entries):
        for p in e.postings:
            out[p.account] += p.cents
    return dict(out)


def balance(entries: Iterable[Entry], account: Account) -> int:
    if account.kind in ABOUT_ADHESION and account.adhesion is None:
        # The whole charge: the adhesion on its postings is analytic (docs I-221).
        return sum(c for a, c in balances(entries).items() if a.kind is account.kind)
    return balances(entries).get(account, 0)


def _value(e: Entry, p: Posting, field: TotalsBy) -> str | None:
    match field:
        case "account":
            return p.account.kind.value
        case "adhesion":
            return p.account.adhesion
        case "party":
            return p.account.party
        case "range":
            return p.range
        case "formula":
            return p.formula
        case "care_category":
            return p.care_category
        case "kind":
            return e.kind.value


def totals(
    entries: Iterable[Entry],
    *,
    kind: AccountKind | None = None,
    adhesion: str | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    dates: tuple[dt.date, dt.date] | None = None,
    entry_kinds: Collection[EntryKind] | None = None,
    by: tuple[TotalsBy, ...] = (),
) -> dict[tuple[str | None, ...], int]:
    """Sums of postings for reports, grouped by ``by`` (keys are tuples of those values).

    ``kind``: only postings on accounts of that kind; ``adhesion``: of that adhesion;
    ``period``: entries whose cover period starts within these dates (inclusive — how the
    steering committee attributes money to quarters); ``dates``: by accounting date;
    ``entry_kinds``: only those kinds of entry."""
    out: dict[tuple[str | None, ...], int] = defaultdict(int)
    for e in distinct(entries):
        if period is not None and not period[0] <= e.period_start <= period[1]:
            continue
        if dates is not None and not dates[0] <= e.date <= dates[1]:
            continue
        if entry_kinds is not None and e.kind not in entry_kinds:
            continue
        for p in e.postings:
            if kind is not None and p.account.kind != kind:
                continue
            if adhesion is not None and p.account.adhesion != adhesion:
                continue
            out[tuple(_value(e, p, f) for f in by)] += p.cents
    return dict(out)
