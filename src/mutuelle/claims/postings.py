"""The journal entries of a claim line's settlement, revision or cancellation.

A settlement of ``x`` cents is a charge owed to its payee: debit ``benefits`` (the charge, with
the range, formula and care category on the posting), credit ``benefits_payable`` of the
adhesion (the member is paid) or of the professional (third-party payment, Règlement
particuliers V-8) — then the ``benefits`` posting names the adhesion whose care it is, so the
committee's spending by care category counts it (docs I-221). A revision reverses the
settlement it replaces (``benefit_reversed``, the mirror postings) and posts the new one; a
cancellation reverses. Keys are stable, so a rerun posts nothing new:
``claim:<uid>:v<version>`` for a settlement, ``…:v<version>:reversed`` for its reversal. An
entry of 0 € is not posted (a refusal moves no money).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mutuelle.journal import Account, AccountKind, Entry, EntryKind, Posting

__all__ = ["Payee", "reversal_entry", "settlement_entry", "settlement_key"]

SOURCE = (
    "Règlement particuliers V-7 Modalité de paiement des Prestations (003_51bb29aac179bcf5.txt "
    "l. 3304), V-8 Tiers payant (l. 3314)"
)


@dataclass(frozen=True, slots=True)
class Payee:
    """Who is owed the settlement and the analytic detail of its charge."""

    adhesion_no: str
    professional: str | None  # the practitioner's id under third-party payment
    range: str
    formula: str | None
    category: str | None  # the benefit's care category in its guarantee table

    def charge(self) -> Account:
        """The ``benefits`` account of the charge; under third-party payment it names the
        adhesion whose care it is, since the payable names the professional (docs I-221)."""
        if self.professional:
            return Account(AccountKind.benefits, adhesion=self.adhesion_no or None)
        return Account(AccountKind.benefits)

    def account(self) -> Account:
        if self.professional:
            return Account(AccountKind.benefits_payable, party=self.professional)
        return Account(AccountKind.benefits_payable, adhesion=self.adhesion_no)


def settlement_key(uid: str, version: int) -> str:
    return f"claim:{uid}:v{version}"


def settlement_entry(
    uid: str, version: int, cents: int, payee: Payee, care_date: dt.date, on: dt.date, label: str
) -> Entry | None:
    if cents == 0:
        return None
    return Entry(
        key=settlement_key(uid, version),
        kind=EntryKind.benefit_settled,
        date=on,
        period_start=care_date,
        period_end=care_date,
        postings=(
            Posting(payee.charge(), cents, payee.range, payee.formula, payee.category),
            Posting(payee.account(), -cents, payee.range, payee.formula, payee.category),
        ),
        source=SOURCE,
        memo=f"Prestation {label} ({uid})",
    )


def reversal_entry(
    uid: str, version: int, cents: int, payee: Payee, care_date: dt.date, on: dt.date, why: str
) -> Entry | None:
    """The mirror of the settlement ``version`` of ``uid`` (``cents``: what it settled)."""
    if cents == 0:
        return None
    return Entry(
        key=f"{settlement_key(uid, version)}:reversed",
        kind=EntryKind.benefit_reversed,
        date=on,
        period_start=care_date,
        period_end=care_date,
        postings=(
            Posting(payee.charge(), -cents, payee.range, payee.formula, payee.category),
            Posting(payee.account(), cents, payee.range, payee.formula, payee.category),
        ),
        source=SOURCE,
        memo=f"Annulation de la prestation {uid} v{version} : {why}",
        reverses=settlement_key(uid, version),
    )
