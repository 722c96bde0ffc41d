"""The files' bytes pinned across the speed work on their XML path (issue 10): a pain.008 with
FRST and RCUR batches, addresses, both kinds of mandate amendment and names outside ASCII, in
both schema versions, and a pain.001. The digests were taken with the code before the eighth
pass (commit ed01c2e: the tree serialised, re-parsed, serialised again after the amendments);
any change of a byte fails here."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import pytest

from mutuelle.sepa import (
    Amendment,
    CreditTransfer,
    DebitSchema,
    PostalAddress,
    SequenceType,
    build_debit_file,
    build_transfer_file,
)

from .helpers import CREATED, CREDITOR, OTHER_BANK, debit

D = dt.date(2026, 1, 5)
GOLDEN = {
    DebitSchema.V08: "b153c0505e866eed78a2bc4e3b63cc4c012a5ac62348106e933640dde02b5460",
    DebitSchema.V02: "67d2f5c474e1fbfc0ab37bf99b085f679b483e250a2f96baea20545a53faee26",
    "pain.001": "a2ecf51bb4e7c92378f4a2dc0d2475aaebc0df3dd32d4b0a55e9dd35fae8c720",
}


def _debits() -> list:
    return [
        debit(1, 4_217, sequence=SequenceType.FIRST),
        dataclasses.replace(debit(2, 1), debtor_name="Hélène Lefèvre-Çağlar", debtor_address=None),
        dataclasses.replace(
            debit(3, 99_99),
            debtor_name="Zoë O'Brien & fils",
            amendment=Amendment(previous_iban="FR7630006000000000000000749", new_bank=False),
        ),
        dataclasses.replace(
            debit(4, 12_34, sequence=SequenceType.FIRST),
            debtor_address=PostalAddress(
                town="Saint-Étienne", street="place de l'Hôtel-de-Ville", building="3 bis"
            ),
            amendment=Amendment(previous_iban=OTHER_BANK.iban, new_bank=True),
        ),
        debit(5, 99_999_999_99),
    ]


@pytest.mark.parametrize("schema", list(DebitSchema))
def test_a_debit_file_keeps_its_bytes(schema: DebitSchema) -> None:
    doc = build_debit_file(
        CREDITOR, D, _debits(), message_id="MC-D-20260105-001", created_at=CREATED, schema=schema
    )
    assert [b.sequence for b in doc.batches] == [SequenceType.FIRST, SequenceType.RECURRENT]
    assert doc.xml.count(b"<AmdmntInd>true</AmdmntInd>") == 2
    assert b"Helene Lefevre-Caglar" in doc.xml and b"Saint-Etienne" in doc.xml
    assert hashlib.sha256(doc.xml).hexdigest() == GOLDEN[schema]


def test_a_transfer_file_keeps_its_bytes() -> None:
    txs = [
        CreditTransfer(
            end_to_end_id=f"MC-T-{n:06d}",
            amount_cents=cents,
            creditor_name="Cabinet du Dr Noël & associés",
            creditor_account=OTHER_BANK,
            remittance=f"Remboursement {n} – soins",
            creditor_address=PostalAddress(town="Chambéry", street="rue de Boigne") if n else None,
        )
        for n, cents in enumerate((12, 3_456_78))
    ]
    doc = build_transfer_file(CREDITOR, D, txs, message_id="MC-T-20260105-001", created_at=CREATED)
    assert hashlib.sha256(doc.xml).hexdigest() == GOLDEN["pain.001"]
