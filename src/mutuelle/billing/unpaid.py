"""What the unpaid-contributions process asks of an adhesion on a day (pure core).

The dates are the membership core's (:func:`mutuelle.membership.unpaid_timeline`: Code de la
mutualité L.221-7, Règlement particuliers III-2-3, agents Cotisations 2-3 and « cotisation
précomptée », TNS art. 9); this module reads the journal's contribution status (what fell due
and is not covered, docs I-111, I-166) and the notices and suspensions already recorded, and
says the next act:

* ``notice``: an instalment is unpaid 10 days after its due date and no formal notice was sent
  for it: the mise en demeure is due (from ``notice_from``);
* ``suspend``: 30 days after the notice, still unpaid: cover is suspended;
* ``terminate``: 10 days after the suspension, still unpaid: the Mutuelle terminates
  (« est en droit de résilier », done on that day by the unpaid process, docs I-170);
* ``reinstate``: the arrears were paid while suspended: cover resumes at noon the day after the
  payment;
* ``wait``: a notice is running and nothing is due yet today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from mutuelle.explain import Step
from mutuelle.journal import ContributionStatus
from mutuelle.membership.unpaid import UnpaidTimeline, unpaid_timeline
from mutuelle.offers.model import Offer

Action = Literal["notice", "suspend", "terminate", "reinstate", "wait"]

ACTION_LABELS: dict[str, str] = {
    "notice": "Mise en demeure à envoyer",
    "suspend": "Garanties à suspendre",
    "terminate": "Résiliation pour non-paiement",
    "reinstate": "Garanties à remettre en vigueur",
    "wait": "Mise en demeure en cours",
}


@dataclass(frozen=True, slots=True)
class Notice:
    due_on: dt.date
    sent_on: dt.date


@dataclass(frozen=True, slots=True)
class UnpaidCase:
    adhesion: str
    action: Action
    due_on: dt.date  # the first unpaid instalment's due date (the notice's)
    owed_cents: int  # fallen due and not covered on the day
    timeline: UnpaidTimeline
    steps: tuple[Step, ...]

    @property
    def label(self) -> str:
        return ACTION_LABELS[self.action]


def unpaid_case(
    offer: Offer,
    range_id: str,
    status: ContributionStatus,
    *,
    on: dt.date,
    notice: Notice | None,
    suspended: bool,
    paid_on: dt.date | None,
    instalments: bool,
    payroll: bool = False,
) -> UnpaidCase | None:
    """The next act of the unpaid process on ``on`` (None: nothing to do, nothing running).
    ``notice``: the last notice not yet resolved; ``suspended``: a suspension is open;
    ``paid_on``: the day of the last payment received (for the reinstatement)."""
    owed = status.owed_on(on)
    if notice is not None:
        if owed == 0:
            if not suspended:
                return None  # paid before the suspension: the notice is resolved
            t = unpaid_timeline(
                offer,
                range_id,
                due_on=notice.due_on,
                notice_sent_on=notice.sent_on,
                paid_on=max(paid_on or on, notice.sent_on + dt.timedelta(days=30)),
                instalments=instalments,
                payroll=payroll,
            )
            return UnpaidCase(status.adhesion, "reinstate", notice.due_on, 0, t, t.steps)
        t = unpaid_timeline(
            offer,
            range_id,
            due_on=notice.due_on,
            notice_sent_on=notice.sent_on,
            instalments=instalments,
            payroll=payroll,
        )
        assert t.suspended_from is not None and t.terminable_from is not None
        if on >= t.terminable_from:
            action: Action = "terminate"
        elif on >= t.suspended_from and not suspended:
            action = "suspend"
        else:
            action = "wait"
        return UnpaidCase(status.adhesion, action, notice.due_on, owed, t, t.steps)
    first = status.first_unpaid
    if first is None or first.start >= on or owed == 0:
        return None
    t = unpaid_timeline(
        offer, range_id, due_on=first.start, instalments=instalments, payroll=payroll
    )
    if on < t.notice_from:
        return None  # within the 10 days after the due date
    return UnpaidCase(status.adhesion, "notice", first.start, owed, t, t.steps)
