"""Accounts, postings and entries of the money journal (docs/interpretations.md I-110).

Every movement of money is an :class:`Entry`: postings on accounts whose amounts sum to zero
(a debit is positive, a credit negative). An entry is identified by its idempotency ``key``:
the same key posted twice posts nothing new. Entries are never changed: a mistake is undone
by the mirror entry (:func:`reverse`), which names the key it reverses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum


class Unbalanced(ValueError):
    """An entry whose postings do not sum to zero, or that has no posting."""


class KeyConflict(ValueError):
    """The idempotency key is already taken by an entry with a different content."""


class AccountKind(StrEnum):
    """What an account holds. Per-adhesion kinds carry the adhesion number; the others are the
    mutual's own accounts (analytic detail — range, formula, care category — sits on the
    posting, not on the account)."""

    member_contributions = "member_contributions"
    contributions = "contributions"
    tax_tsa = "tax_tsa"
    tax_lfss_2026 = "tax_lfss_2026"
    fees = "fees"
    bank = "bank"
    write_off = "write_off"
    benefits = "benefits"
    benefits_payable = "benefits_payable"
    undue = "undue"
    forfait_medecin_traitant = "forfait_medecin_traitant"
    # Balances brought in from before the journal (à-nouveaux): the counterpart of ``opening``
    # entries (docs I-110). Not in the lead's first list: an addition, not a change.
    opening_balances = "opening_balances"

    @property
    def label(self) -> str:
        return ACCOUNT_LABELS[self]


ACCOUNT_LABELS: dict[AccountKind, str] = {
    AccountKind.member_contributions: "Cotisations du membre (dû par l'adhérent)",
    AccountKind.contributions: "Cotisations hors taxes (produit)",
    AccountKind.tax_tsa: "TSA à reverser (13,27 %)",
    AccountKind.tax_lfss_2026: "Contribution LFSS 2026 art. 13 à reverser (2,05 %)",
    AccountKind.fees: "Frais de rejet refacturés (produit)",
    AccountKind.bank: "Banque de la Mutuelle",
    AccountKind.write_off: "Cotisations abandonnées (charge)",
    AccountKind.benefits: "Prestations réglées (charge)",
    AccountKind.benefits_payable: "Prestations à payer",
    AccountKind.undue: "Indus à récupérer",
    AccountKind.forfait_medecin_traitant: "Forfait patientèle médecin traitant (charge)",
    AccountKind.opening_balances: "Reprise des soldes antérieurs (à-nouveaux)",
}

# Accounts kept per adhesion (the adhesion number is required, no party).
PER_ADHESION = frozenset({AccountKind.member_contributions, AccountKind.undue})
# The charge of a benefit may name the household whose care it is (analytic, like the care
# category): a benefit paid to a professional (tiers payant) names no adhesion on its payable
# posting, so its ``benefits`` posting does (docs I-221).
ABOUT_ADHESION = frozenset({AccountKind.benefits})


class EntryKind(StrEnum):
    contribution_call = "contribution_call"
    contribution_regularisation = "contribution_regularisation"
    payment_received = "payment_received"
    payment_rejected = "payment_rejected"
    fee_called = "fee_called"
    write_off = "write_off"
    refund = "refund"
    benefit_settled = "benefit_settled"
    benefit_reversed = "benefit_reversed"
    benefit_paid = "benefit_paid"
    payment_returned = "payment_returned"
    undue_found = "undue_found"
    undue_recovered = "undue_recovered"
    tax_paid = "tax_paid"
    opening = "opening"

    @property
    def label(self) -> str:
        return ENTRY_LABELS[self]


ENTRY_LABELS: dict[EntryKind, str] = {
    EntryKind.contribution_call: "Appel de cotisation",
    EntryKind.contribution_regularisation: "Régularisation de cotisation",
    EntryKind.payment_received: "Paiement reçu",
    EntryKind.payment_rejected: "Paiement rejeté",
    EntryKind.fee_called: "Frais de rejet",
    EntryKind.write_off: "Cotisation abandonnée",
    EntryKind.refund: "Remboursement de cotisation",
    EntryKind.benefit_settled: "Prestation réglée",
    EntryKind.benefit_reversed: "Prestation annulée",
    EntryKind.benefit_paid: "Prestation payée",
    EntryKind.payment_returned: "Virement revenu",
    EntryKind.undue_found: "Indu constaté",
    EntryKind.undue_recovered: "Indu récupéré",
    EntryKind.tax_paid: "Taxe reversée",
    EntryKind.opening: "Reprise de solde",
}


@dataclass(frozen=True, slots=True)
class Account:
    kind: AccountKind
    adhesion: str | None = None  # adhesion number, for per-adhesion kinds
    party: str | None = None  # a professional's identifier, for benefits_payable

    def __post_init__(self) -> None:
        kind = AccountKind(self.kind)  # an unknown kind is a ValueError here
        object.__setattr__(self, "kind", kind)
        if kind in PER_ADHESION:
            if not self.adhesion or self.party is not None:
                raise ValueError(f"le compte {kind.value} se tient par adhésion (numéro requis)")
        elif kind is AccountKind.benefits_payable:
            if (self.adhesion is None) == (self.party is None):
                raise ValueError(
                    "le compte benefits_payable se tient par adhésion ou par professionnel "
                    "(un et un seul des deux)"
                )
        elif kind in ABOUT_ADHESION and self.party is None:
            pass  # the adhesion, if any, says whose care the charge is about
        elif self.adhesion is not None or self.party is not None:
            raise ValueError(f"le compte {kind.value} est un compte de la Mutuelle, pas d'un tiers")

    def __str__(self) -> str:
        who = self.adhesion or self.party
        return f"{self.kind.value}[{who}]" if who else self.kind.value


@dataclass(frozen=True, slots=True)
class Posting:
    account: Account
    cents: int  # debit > 0, credit < 0, never 0
    range: str | None = None
    formula: str | None = None
    care_category: str | None = None

    def __post_init__(self) -> None:
        if type(self.cents) is not int:
            raise TypeError("un montant est un nombre entier de centimes")
        if self.cents == 0:
            raise Unbalanced("une ligne d'écriture à 0 centime n'a pas de sens")


@dataclass(frozen=True, slots=True)
class Entry:
    key: str  # idempotency key: the same key posts nothing new
    kind: EntryKind
    date: dt.date  # accounting date
    period_start: dt.date  # the cover period the money relates to
    period_end: dt.date
    postings: tuple[Posting, ...]
    source: str  # the rule or article that produced the entry
    memo: str  # French, for staff
    reverses: str | None = None  # key of the entry this one reverses

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("une écriture a une clé d'idempotence")
        object.__setattr__(self, "kind", EntryKind(self.kind))
        if self.period_end < self.period_start:
            raise ValueError(
                f"écriture {self.key} : période du {self.period_start} au {self.period_end}"
            )
        if not self.postings:
            raise Unbalanced(f"écriture {self.key} sans ligne")
        total = sum(p.cents for p in self.postings)
        if total != 0:
            raise Unbalanced(f"écriture {self.key} déséquilibrée de {total} centimes")

    def content(self) -> tuple[object, ...]:
        """What two postings of one key must share to be the same entry (posting order aside)."""
        return (
            self.kind,
            self.date,
            self.period_start,
            self.period_end,
            tuple(sorted(self.postings, key=_posting_order)),
            self.source,
            self.memo,
            self.reverses,
        )

    def same_as(self, other: Entry) -> bool:
        return self.key == other.key and self.content() == other.content()

    def digest(self) -> str:
        """sha256 of :meth:`content`: two entries of one key are the same iff digests match."""
        data = [
            self.kind.value,
            self.date.isoformat(),
            self.period_start.isoformat(),
            self.period_end.isoformat(),
            sorted(_posting_order(p) for p in self.postings),
            self.source,
            self.memo,
            self.reverses,
        ]
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()


def _posting_order(p: Posting) -> tuple[str, str, str, int, str, str, str]:
    a = p.account
    return (
        a.kind.value,
        a.adhesion or "",
        a.party or "",
        p.cents,
        p.range or "",
        p.formula or "",
        p.care_category or "",
    )


def reverse(entry: Entry, key: str, date: dt.date, memo: str) -> Entry:
    """The mirror entry: every posting negated, same kind and period, ``reverses`` set."""
    return Entry(
        key=key,
        kind=entry.kind,
        date=date,
        period_start=entry.period_start,
        period_end=entry.period_end,
        postings=tuple(
            Posting(p.account, -p.cents, p.range, p.formula, p.care_category)
            for p in entry.postings
        ),
        source=entry.source,
        memo=memo,
        reverses=entry.key,
    )
