"""Plain values of the SEPA core: parties, addresses, debit and transfer instructions, the
documents produced. Amounts are integer cents; dates are ``datetime.date``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from mutuelle.sepa.identifiers import BankAccount


class DebitSchema(StrEnum):
    """pain.008 versions sepaxml generates and ships the XSD of. The EPC 2019 version is the
    default (the 2023 rulebooks, in force since 17 March 2024, operations.md §1); .02 (2009)
    stays available for a bank that still asks for it (setting ``MUTUELLE_SEPA_DEBIT_SCHEMA``)."""

    V08 = "pain.008.001.08"
    V02 = "pain.008.001.02"


class TransferSchema(StrEnum):
    V09 = "pain.001.001.09"


class SequenceType(StrEnum):
    """EPC SDD Core rulebook AT-21 « transaction type »."""

    FIRST = "FRST"
    RECURRENT = "RCUR"
    ONE_OFF = "OOFF"
    FINAL = "FNAL"

    @property
    def label(self) -> str:
        return _SEQUENCE_LABELS[self]


_SEQUENCE_LABELS = {
    SequenceType.FIRST: "premier prélèvement",
    SequenceType.RECURRENT: "prélèvement récurrent",
    SequenceType.ONE_OFF: "prélèvement ponctuel",
    SequenceType.FINAL: "dernier prélèvement",
}


class FileKind(StrEnum):
    DEBIT = "debit"
    TRANSFER = "transfer"

    @property
    def label(self) -> str:
        return "prélèvements" if self is FileKind.DEBIT else "virements"


@dataclass(frozen=True, slots=True)
class PostalAddress:
    """A structured postal address (ISO 20022 PostalAddress24: StrtNm, BldgNb, PstCd, TwnNm,
    Ctry). Unstructured addresses are refused by the schemes from November 2026
    (operations.md §1), so only structured parts are emitted."""

    town: str
    country: str = "FR"
    street: str = ""
    building: str = ""
    postcode: str = ""


@dataclass(frozen=True, slots=True)
class Party:
    """The mutual as creditor (debits) or debtor (transfers): name, account, ICS, address."""

    name: str
    account: BankAccount
    creditor_id: str
    address: PostalAddress | None = None


@dataclass(frozen=True, slots=True)
class Amendment:
    """What changed since the last collection under the same RUM (EPC AT-24 and AT-26):
    the debtor's previous IBAN when the account changed inside the same bank, or only the
    fact that the bank changed (``SMNDA``, « same mandate, new debtor agent »)."""

    previous_iban: str
    new_bank: bool


@dataclass(frozen=True, slots=True)
class DebitTransaction:
    end_to_end_id: str
    amount_cents: int
    rum: str
    mandate_signed_on: dt.date
    debtor_name: str
    debtor_account: BankAccount
    sequence: SequenceType
    remittance: str
    debtor_address: PostalAddress | None = None
    amendment: Amendment | None = None


@dataclass(frozen=True, slots=True)
class CreditTransfer:
    end_to_end_id: str
    amount_cents: int
    creditor_name: str
    creditor_account: BankAccount
    remittance: str
    creditor_address: PostalAddress | None = None


@dataclass(frozen=True, slots=True)
class PaymentBatch:
    """One PmtInf block of a file: its id, sequence type (debits), count and control sum."""

    payment_info_id: str
    count: int
    control_sum_cents: int
    sequence: SequenceType | None = None


@dataclass(frozen=True, slots=True)
class SepaDocument:
    """A produced, XSD-validated file and what a bank and an auditor check in it."""

    kind: FileKind
    schema: str
    message_id: str
    date: dt.date
    count: int
    control_sum_cents: int
    sha256: str
    batches: tuple[PaymentBatch, ...]
    xml: bytes
