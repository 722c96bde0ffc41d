"""SEPA in pure Python (no Django, no I/O): identifiers, pain.008 direct debits, pain.001
credit transfers, bank returns (pain.002, camt.054) and their reason codes.

Built on sepaxml (generation and the XSDs), schwifty (IBAN, BIC, French RIB key),
python-stdnum (creditor identifier) and pyiso20022 + xsdata (reading bank returns).
"""

from mutuelle.sepa.debit import build_debit_file
from mutuelle.sepa.errors import SepaError, SepaErrorCode
from mutuelle.sepa.identifiers import (
    BankAccount,
    check_bic,
    check_creditor_id,
    check_iban,
    check_rum,
    make_rum,
)
from mutuelle.sepa.model import (
    Amendment,
    CreditTransfer,
    DebitSchema,
    DebitTransaction,
    FileKind,
    Party,
    PaymentBatch,
    PostalAddress,
    SepaDocument,
    SequenceType,
    TransferSchema,
)
from mutuelle.sepa.reasons import NextStep, Reason, reason, reason_codes
from mutuelle.sepa.returns import (
    BankReturnReport,
    GroupReject,
    ReturnLine,
    ReturnStage,
    parse_bank_file,
)
from mutuelle.sepa.transfer import build_transfer_file

__all__ = [
    "Amendment",
    "BankAccount",
    "BankReturnReport",
    "CreditTransfer",
    "DebitSchema",
    "DebitTransaction",
    "FileKind",
    "GroupReject",
    "NextStep",
    "Party",
    "PaymentBatch",
    "PostalAddress",
    "Reason",
    "ReturnLine",
    "ReturnStage",
    "SepaDocument",
    "SepaError",
    "SepaErrorCode",
    "SequenceType",
    "TransferSchema",
    "build_debit_file",
    "build_transfer_file",
    "check_bic",
    "check_creditor_id",
    "check_iban",
    "check_rum",
    "make_rum",
    "parse_bank_file",
    "reason",
    "reason_codes",
]
