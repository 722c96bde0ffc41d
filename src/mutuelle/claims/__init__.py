"""Claims (pure core): claim lines in, settlements against the beneficiary's ledger.

* :mod:`mutuelle.claims.lines` — the claim-line format (docs/claims-format.md): one record →
  a typed :class:`ClaimLine` or a :class:`Rejection` (field and reason), streamed from CSV or
  JSON Lines; the mapping to the engine's care event;
* :mod:`mutuelle.claims.acts` — the act-code table (data with sources);
* :mod:`mutuelle.claims.settle` — settling a beneficiary's lines in care-date order, late
  lines and cancellations re-settling the history, suspensions and cover dates;
* :mod:`mutuelle.claims.postings` — the journal entries of each change.

The Django shell is :mod:`mutuelle.web.claims`.
"""

from mutuelle.claims.acts import Act, ActTable, UnknownAct, load_acts
from mutuelle.claims.lines import ClaimLine, Rejection, parse_record, read_records, to_event
from mutuelle.claims.settle import (
    Change,
    ChangeKind,
    Held,
    Household,
    Insured,
    OrderKey,
    Suspended,
    apply,
    find_beneficiary,
    settle_beneficiary,
    suspended_on,
)

__all__ = [
    "Act",
    "ActTable",
    "Change",
    "ChangeKind",
    "ClaimLine",
    "Held",
    "Household",
    "Insured",
    "OrderKey",
    "Rejection",
    "Suspended",
    "UnknownAct",
    "apply",
    "find_beneficiary",
    "load_acts",
    "parse_record",
    "read_records",
    "settle_beneficiary",
    "suspended_on",
    "to_event",
]
