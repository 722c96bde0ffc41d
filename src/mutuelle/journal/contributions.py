"""What a member's contributions account says, derived from the journal (docs I-111).

The entries on an adhesion's ``member_contributions`` account fall in two families:

* those that **move money** — they also touch the ``bank`` or ``write_off`` account (payment
  received, payment rejected, refund paid, contribution written off, balance received brought
  in): they settle;
* the rejection fees (``fee_called``, Règlement particuliers III-2-4): owed by the member but
  not a contribution, so kept apart from the cover periods (docs I-243);
* all the others change **what is called** for their cover period (contribution call,
  regularisation, contributions called brought in).

What was settled is imputed to the called periods from the oldest (Code civil art. 1342-10:
failing an indication, a payment pays the debt fallen due first); a rejection fee comes after
the contributions fallen due by the last payment (among debts fallen due, first the one the
debtor had most interest in paying: the contributions, on which the cover depends) and before
those that fall due later (docs I-243). A period is paid when what was
imputed to it covers what was called for it; the member's contributions are **paid until** the
end of the last of the leading run of paid periods. A called period not covered is **owed**
from its first day (instalments are due in advance: Règlement particuliers III-2-1 « la première
fraction de cotisation est payable à l'Adhésion », the others on the échéancier's dates, which
until billing's échéancier exists are the first day of each period called).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from mutuelle.journal.fold import distinct
from mutuelle.journal.model import Account, AccountKind, Entry, EntryKind

MONEY_ACCOUNTS = frozenset({AccountKind.bank, AccountKind.write_off})
FEE_KINDS = frozenset({EntryKind.fee_called})


@dataclass(frozen=True, slots=True)
class ContributionPeriod:
    """A cover period called on the member's account and what was imputed to it."""

    start: dt.date
    end: dt.date
    called_cents: int  # > 0
    covered_cents: int  # 0 ≤ covered ≤ called

    @property
    def paid(self) -> bool:
        return self.covered_cents >= self.called_cents

    @property
    def left_cents(self) -> int:
        return self.called_cents - self.covered_cents


@dataclass(frozen=True, slots=True)
class ContributionStatus:
    adhesion: str
    balance_cents: int  # the account's balance: > 0 the member owes, < 0 the Mutuelle owes
    called_cents: int  # contributions called, net of regularisations
    settled_cents: int  # received, net of rejections and refunds, plus written off
    periods: tuple[ContributionPeriod, ...]  # called periods, oldest first
    paid_until: dt.date | None  # None: nothing paid yet
    advance_cents: int  # settled beyond everything called and the fees (a payment in advance)
    fees_cents: int = 0  # rejection fees called (docs I-243), apart from the contributions
    fees_left_cents: int = 0  # of which not covered by what was settled

    @property
    def first_unpaid(self) -> ContributionPeriod | None:
        return next((p for p in self.periods if not p.paid), None)

    @property
    def called_until(self) -> dt.date | None:
        return max((p.end for p in self.periods), default=None)

    def owed_on(self, on: dt.date) -> int:
        """Contributions fallen due before ``on`` and not settled."""
        return sum(p.left_cents for p in self.periods if p.start < on)

    def up_to_date(self, on: dt.date) -> bool:
        """« À jour de ses cotisations » on ``on``: nothing fallen due before it is unpaid."""
        return self.owed_on(on) == 0


def moves_money(entry: Entry) -> bool:
    return any(p.account.kind in MONEY_ACCOUNTS for p in entry.postings)


def contribution_status(entries: Iterable[Entry], adhesion: str) -> ContributionStatus:
    """Fold the entries of ``adhesion``'s contributions account (other entries are ignored)."""
    account = Account(AccountKind.member_contributions, adhesion)
    called: dict[tuple[dt.date, dt.date], int] = defaultdict(int)
    settled = 0
    balance = 0
    fees: dict[dt.date, int] = defaultdict(int)  # by the day each fee fell due
    last_paid: dt.date | None = None  # the day of the last money movement
    for e in distinct(entries):
        mine = [p.cents for p in e.postings if p.account == account]
        if not mine:
            continue
        cents = sum(mine)
        balance += cents
        if moves_money(e):
            settled -= cents  # a credit on the member's account settles
            last_paid = e.date if last_paid is None else max(last_paid, e.date)
        elif e.kind in FEE_KINDS:
            fees[e.date] += cents
        else:
            called[(e.period_start, e.period_end)] += cents
    pot = settled + sum(-c for c in called.values() if c < 0)  # called down: like a credit
    # The order of imputation (docs I-243): the contributions fallen due by the last payment,
    # then the fees fallen due by then, then what falls due later, by date (a contribution
    # before a fee of the same day).
    debts: list[tuple[tuple[int, dt.date, int, dt.date], int]] = []
    for (start, end), cents in called.items():
        if cents > 0:
            early = 0 if last_paid is not None and start <= last_paid else 2
            debts.append(((early, start, 0, end), cents))
    for day, cents in fees.items():
        if cents > 0:
            early = 1 if last_paid is not None and day <= last_paid else 2
            debts.append(((early, day, 1, day), cents))
    periods: list[ContributionPeriod] = []
    fees_called = sum(fees.values())
    fees_covered = 0
    for (_, start, is_fee, end), cents in sorted(debts):
        covered = max(0, min(pot, cents))
        pot -= covered
        if is_fee:
            fees_covered += covered
        else:
            periods.append(ContributionPeriod(start, end, cents, covered))
    periods.sort(key=lambda p: (p.start, p.end))
    paid_until: dt.date | None = None
    for p in periods:
        if not p.paid:
            break
        paid_until = p.end
    return ContributionStatus(
        adhesion=adhesion,
        balance_cents=balance,
        called_cents=sum(p.called_cents for p in periods),
        settled_cents=settled,
        periods=tuple(periods),
        paid_until=paid_until,
        advance_cents=max(0, pot),
        fees_cents=fees_called,
        fees_left_cents=max(0, fees_called - fees_covered),
    )
