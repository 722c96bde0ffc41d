"""Valid demonstration identifiers and small builders for the SEPA tests."""

from __future__ import annotations

import datetime as dt

from mutuelle.sepa import (
    BankAccount,
    DebitTransaction,
    Party,
    PostalAddress,
    SequenceType,
    check_iban,
)

CREDITOR_ACCOUNT = check_iban("FR29300060000000001DEMO0009")  # Crédit Agricole SA, fake account
DEBTOR = check_iban("FR7630006000011234567890189")
OTHER_BANK = check_iban("FR1420041010050500013M02606")  # La Banque Postale (format example)
CREDITOR = Party(
    name="Mutuelle Entrenous (démonstration)",
    account=CREDITOR_ACCOUNT,
    creditor_id="FR76ZZZ000000",
    address=PostalAddress(
        town="Chambéry", street="allée Albert Sylvestre", building="27", postcode="73000"
    ),
)
CREATED = dt.datetime(2026, 1, 2, 9, 30)


def debit(
    n: int,
    cents: int = 4_217,
    *,
    sequence: SequenceType = SequenceType.RECURRENT,
    account: BankAccount = DEBTOR,
) -> DebitTransaction:
    return DebitTransaction(
        end_to_end_id=f"MC-E2E-{n:06d}",
        amount_cents=cents,
        rum=f"MC-GR25-{n:06d}-01",
        mandate_signed_on=dt.date(2025, 1, 1),
        debtor_name="Claire Martin",
        debtor_account=account,
        sequence=sequence,
        remittance=f"Cotisation janvier 2026 adhesion GR25-{n:06d}",
        debtor_address=PostalAddress(town="Grenoble", street="rue Lesdiguières", postcode="38000"),
    )


def french_iban(bban: str) -> str:
    """An IBAN with a correct mod 97 for ``bban``, whatever its RIB key."""
    digits = "".join(str(int(c, 36)) for c in bban + "FR00")
    return f"FR{98 - int(digits) % 97:02d}{bban}"
