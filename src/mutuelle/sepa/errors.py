"""Errors of the SEPA core: a stable code (for programs) and a French message (for staff)."""

from __future__ import annotations

from enum import StrEnum


class SepaErrorCode(StrEnum):
    IBAN_INVALID = "iban_invalid"
    BIC_INVALID = "bic_invalid"
    BIC_UNKNOWN = "bic_unknown"
    ICS_INVALID = "ics_invalid"
    RUM_INVALID = "rum_invalid"
    TEXT_INVALID = "text_invalid"
    AMOUNT_INVALID = "amount_invalid"
    EMPTY_FILE = "empty_file"
    DUPLICATE_REFERENCE = "duplicate_reference"
    MIXED_DATES = "mixed_dates"
    SCHEMA_UNSUPPORTED = "schema_unsupported"
    XSD_INVALID = "xsd_invalid"
    CONTROL_SUM = "control_sum"
    CREDITOR_MISSING = "creditor_missing"
    RETURN_FILE_INVALID = "return_file_invalid"


class SepaError(ValueError):
    """A refusal of the SEPA core. ``code`` routes it; ``message`` says it in French."""

    def __init__(self, code: SepaErrorCode, message: str, *, details: tuple[str, ...] = ()):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        if not self.details:
            return self.message
        return self.message + "\n" + "\n".join(f"  - {d}" for d in self.details)
