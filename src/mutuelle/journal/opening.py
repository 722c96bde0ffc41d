"""Balances brought in (« reprise des soldes », docs I-110): the contributions called and
received before the journal existed — the demonstration population's past, a staff correction
of « cotisations payées jusqu'au » while billing (issue 10) does not call contributions yet.

Each amount due (a cover period and its price, computed by the pricing core) gives an
``opening`` entry that calls it (member's account against ``opening_balances``) and, when it
was received, a second one that settles it (``bank`` against the member's account). A
correction reverses the adhesion's current opening entries and brings the new state in under a
new revision: nothing is ever rewritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

from mutuelle.journal.fold import distinct
from mutuelle.journal.model import Account, AccountKind, Entry, EntryKind, Posting, reverse

SOURCE = "docs/interpretations.md I-110 (reprise des soldes)"


class Amount(Protocol):
    """A price for a cover period (``mutuelle.pricing.schedule.Due`` is one)."""

    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date: ...
    @property
    def cents(self) -> int: ...
    @property
    def formula(self) -> str | None: ...


def _key(adhesion: str, revision: int, a: Amount, what: str) -> str:
    return f"opening:{adhesion}:r{revision}:{a.start.isoformat()}:{a.end.isoformat()}:{what}"


def _entry(key: str, a: Amount, date: dt.date, postings: tuple[Posting, ...], memo: str) -> Entry:
    return Entry(
        key=key,
        kind=EntryKind.opening,
        date=date,
        period_start=a.start,
        period_end=a.end,
        postings=postings,
        source=SOURCE,
        memo=memo,
    )


def opening_entries(
    adhesion: str,
    amounts: Sequence[Amount],
    *,
    paid_through: dt.date | None,
    date: dt.date,
    range_id: str | None = None,
    revision: int = 1,
    memo: str = "Reprise",
) -> list[Entry]:
    """The entries bringing in ``amounts`` as called, and as received through
    ``paid_through`` (an amount must lie wholly before or after that day)."""
    member = Account(AccountKind.member_contributions, adhesion)
    out: list[Entry] = []
    for a in amounts:
        if a.cents <= 0:
            continue
        if paid_through is not None and a.start <= paid_through < a.end:
            raise ValueError(
                f"période du {a.start} au {a.end} à couper au {paid_through} (payé jusqu'au)"
            )
        what = f"{memo} : cotisations du {a.start:%d/%m/%Y} au {a.end:%d/%m/%Y}"
        called = (
            Posting(member, a.cents, range=range_id, formula=a.formula),
            Posting(Account(AccountKind.opening_balances), -a.cents),
        )
        out.append(
            _entry(_key(adhesion, revision, a, "called"), a, date, called, f"{what} appelées")
        )
        if paid_through is not None and a.end <= paid_through:
            received = (Posting(Account(AccountKind.bank), a.cents), Posting(member, -a.cents))
            key = _key(adhesion, revision, a, "received")
            out.append(_entry(key, a, date, received, f"{what} reçues"))
    return out


class NotAnOpening(ValueError):
    """The adhesion's contributions are already in the journal by billing's entries."""


def reopen(
    entries: Iterable[Entry],
    adhesion: str,
    amounts: Sequence[Amount],
    *,
    paid_through: dt.date | None,
    date: dt.date,
    range_id: str | None = None,
    memo: str = "Correction",
) -> list[Entry]:
    """Replace the adhesion's opening entries by those of a new state: the reversals of the
    current ones, then the new ones (next revision). Refused once billing's own entries are on
    the member's account: then a payment or its rejection is recorded, never a reprise."""
    member = Account(AccountKind.member_contributions, adhesion)
    mine = [e for e in distinct(entries) if any(p.account == member for p in e.postings)]
    others = [e for e in mine if e.kind is not EntryKind.opening]
    if others:
        raise NotAnOpening(
            f"les cotisations de {adhesion} sont au journal ({others[0].kind.label}) : "
            "enregistrer un paiement ou un rejet, pas une reprise de solde"
        )
    reversed_keys = {e.reverses for e in mine if e.reverses}
    current = [e for e in mine if e.reverses is None and e.key not in reversed_keys]
    revision = 1 + max((_revision(e.key) for e in mine), default=0)
    out = [
        reverse(e, f"{e.key}:annulee-r{revision}", date, f"{memo} : annule « {e.memo} »")
        for e in current
    ]
    out += opening_entries(
        adhesion,
        amounts,
        paid_through=paid_through,
        date=date,
        range_id=range_id,
        revision=revision,
        memo=memo,
    )
    return out


def _revision(key: str) -> int:
    parts = key.split(":")
    try:
        return max(int(p[1:]) for p in parts if p.startswith("r") and p[1:].isdigit())
    except ValueError:
        return 0
