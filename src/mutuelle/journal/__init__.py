"""The money journal (pure core): every movement of money is a balanced entry of postings on
accounts; balances are derived by folding the entries, never stored (ARCHITECTURE.md, "money";
docs/interpretations.md I-110 to I-113). The Django shell is :mod:`mutuelle.web.journal`."""

from mutuelle.journal.contributions import (
    ContributionPeriod,
    ContributionStatus,
    contribution_status,
    moves_money,
)
from mutuelle.journal.fold import TotalsBy, balance, balances, distinct, totals
from mutuelle.journal.model import (
    ABOUT_ADHESION,
    ACCOUNT_LABELS,
    ENTRY_LABELS,
    PER_ADHESION,
    Account,
    AccountKind,
    Entry,
    EntryKind,
    KeyConflict,
    Posting,
    Unbalanced,
    reverse,
)
from mutuelle.journal.opening import NotAnOpening, opening_entries, reopen

__all__ = [
    "ABOUT_ADHESION",
    "ACCOUNT_LABELS",
    "ENTRY_LABELS",
    "PER_ADHESION",
    "Account",
    "AccountKind",
    "ContributionPeriod",
    "ContributionStatus",
    "Entry",
    "EntryKind",
    "KeyConflict",
    "NotAnOpening",
    "Posting",
    "TotalsBy",
    "Unbalanced",
    "balance",
    "balances",
    "contribution_status",
    "distinct",
    "moves_money",
    "opening_entries",
    "reopen",
    "reverse",
    "totals",
]
