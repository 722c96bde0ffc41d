"""The rejection fee: the bank's charge for a rejected or returned direct debit, called back
from the member « à l'euro l'euro » where the règlement gives the right (pure core).

Règlement particuliers III-2-4 (residents and students) and agents Cotisations 2-4: « En cas de
rejet de prélèvement bancaire, ou de chèque sans provision, la Mutuelle se réserve le droit de
refacturer les frais de rejet de prélèvement ou de chèque à l'euro l'euro. » The TNS conditions
give no such right (docs I-241). So :func:`rejection_fee` says, for one reject or return:

* ``called``: the bank's charge, to the cent, is called from the member (docs I-240);
* ``no_charge``: the bank's file gives no charge: nothing is called, no amount is made up
  (docs G-70);
* ``not_in_reglement``: the range's règlement gives no right to call it back (docs I-241);
* ``not_members_doing``: the reason is our file's or the banks' (a technical reject, a file
  after the cut-off, a settlement failure): the Mutuelle does not use its right (docs I-242).

:func:`fee_entry` is the ``fee_called`` journal entry of a fee called, keyed by the return
(end-to-end id, reason, stage) so that the same return never calls a second fee.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from mutuelle.billing.call import article
from mutuelle.billing.rates import rejection_fee_allowed
from mutuelle.journal import Account, AccountKind, Entry, EntryKind, Posting
from mutuelle.membership.common import range_of
from mutuelle.money import format_euros
from mutuelle.offers.model import Offer
from mutuelle.sepa import NextStep, Reason

# Reasons that name our file, the banks' routing or timing, not the member (docs I-242): the
# ``technical`` next step of reason_codes.yaml, and two codes whose next step is a
# re-presentation but whose cause is not the debtor's: a file received after the cut-off time
# (TM01) and a failed interbank settlement (ED05).
NOT_THE_MEMBERS = frozenset({"TM01", "ED05"})


class FeeOutcome(StrEnum):
    CALLED = "called"
    NO_CHARGE = "no_charge"
    NOT_IN_REGLEMENT = "not_in_reglement"
    NOT_MEMBERS_DOING = "not_members_doing"


@dataclass(frozen=True, slots=True)
class RejectionFee:
    outcome: FeeOutcome
    charge_cents: int | None  # what the bank's file says it charged (None: nothing said)
    cents: int  # what is called from the member: the charge when called, else 0
    note: str  # French, for staff: what was done and why
    source: str  # the article (and reading) the decision applies

    @property
    def called(self) -> bool:
        return self.outcome is FeeOutcome.CALLED


def rejection_fee(
    offer: Offer, range_id: str, *, charge_cents: int | None, reason: Reason
) -> RejectionFee:
    """What the Mutuelle calls back from the member for one rejected or returned debit."""
    cite = article(offer, range_id, "fees")
    if charge_cents is None or charge_cents <= 0:
        return RejectionFee(
            FeeOutcome.NO_CHARGE,
            charge_cents,
            0,
            "aucun frais indiqué par la banque : rien n'est refacturé",
            f"{cite.staff()} — lecture G-70",
        )
    charge = format_euros(charge_cents)
    if not rejection_fee_allowed(range_of(offer, range_id).document):
        return RejectionFee(
            FeeOutcome.NOT_IN_REGLEMENT,
            charge_cents,
            0,
            f"frais de la banque {charge} non refacturés : le règlement de cette adhésion ne "
            "prévoit pas de refacturer les frais de rejet",
            f"{cite.staff()} — lecture I-241",
        )
    if reason.next is NextStep.TECHNICAL or reason.code in NOT_THE_MEMBERS:
        return RejectionFee(
            FeeOutcome.NOT_MEMBERS_DOING,
            charge_cents,
            0,
            f"frais de la banque {charge} non refacturés : le motif {reason.code} « "
            f"{reason.label} » ne tient pas à l'adhérent",
            f"{cite.staff()} — lecture I-242",
        )
    return RejectionFee(
        FeeOutcome.CALLED,
        charge_cents,
        charge_cents,
        f"frais de la banque {charge} refacturés à l'adhérent à l'euro l'euro",
        f"{cite.staff()} — lecture I-240",
    )


def fee_key(end_to_end_id: str, reason_code: str, stage: str) -> str:
    return f"fee:{end_to_end_id}:{reason_code}:{stage}"


def fee_entry(
    fee: RejectionFee,
    *,
    adhesion: str,
    end_to_end_id: str,
    reason: Reason,
    stage: str,
    stage_label: str,
    on: dt.date,
    period_start: dt.date,
    period_end: dt.date,
) -> Entry | None:
    """The ``fee_called`` entry of a fee called (None otherwise): the member owes it from
    ``on`` (the day the bank booked the reject or return), the Mutuelle's ``fees`` income
    account is credited; the period is the rejected instalment's (docs I-243)."""
    if not fee.called:
        return None
    return Entry(
        key=fee_key(end_to_end_id, reason.code, stage),
        kind=EntryKind.fee_called,
        date=on,
        period_start=period_start,
        period_end=period_end,
        postings=(
            Posting(Account(AccountKind.member_contributions, adhesion), fee.cents),
            Posting(Account(AccountKind.fees), -fee.cents),
        ),
        source=fee.source,
        memo=f"Frais de rejet du prélèvement ({stage_label}, motif ISO {reason.code} « "
        f"{reason.label} ») refacturés à l'euro l'euro : {format_euros(fee.cents)}, dus dès le "
        f"{on:%d/%m/%Y}",
    )
