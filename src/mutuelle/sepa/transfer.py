"""pain.001.001.09 credit transfers (EPC SCT): refunds of contributions, reimbursements to
members and to health professionals. Built by sepaxml, validated against its XSD."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sepaxml import SepaTransfer

from mutuelle.sepa import xsd
from mutuelle.sepa._build import (
    address_dict,
    check_amount,
    check_unique,
    file_bytes,
    finish,
    sepaxml_bytes,
    sha256,
)
from mutuelle.sepa.errors import SepaError, SepaErrorCode
from mutuelle.sepa.model import CreditTransfer, FileKind, Party, SepaDocument, TransferSchema
from mutuelle.sepa.text import check_identifier, sepa_text


def build_transfer_file(
    debtor: Party,
    execution_date: dt.date,
    transfers: Iterable[CreditTransfer],
    *,
    message_id: str,
    created_at: dt.datetime,
    schema: TransferSchema = TransferSchema.V09,
) -> SepaDocument:
    """The pain.001 file paying ``transfers`` from the mutual's account on ``execution_date``.
    Same refusals as :func:`mutuelle.sepa.debit.build_debit_file`."""
    txs = list(transfers)
    if not txs:
        raise SepaError(SepaErrorCode.EMPTY_FILE, "aucun virement à émettre à cette date")
    check_unique(t.end_to_end_id for t in txs)
    config: dict[str, object] = {
        "name": sepa_text(debtor.name, 70),
        "IBAN": debtor.account.iban,
        "BIC": debtor.account.bic,
        "batch": True,
        "currency": "EUR",
    }
    sct = SepaTransfer(config, schema=str(schema), clean=True)
    for t in txs:
        ref = check_identifier(t.end_to_end_id, what="référence de bout en bout")
        payment: dict[str, object] = {
            "name": sepa_text(t.creditor_name, 70),
            "IBAN": t.creditor_account.iban,
            "BIC": t.creditor_account.bic,
            "amount": check_amount(t.amount_cents, ref),
            "execution_date": execution_date,
            "description": sepa_text(t.remittance, 140) or ref,
            "endtoend_id": ref,
        }
        if t.creditor_address:
            payment["address"] = address_dict(t.creditor_address)
        sct.add_payment(payment)
    raw = sepaxml_bytes(sct)
    tree, batches = finish(
        raw,
        schema_name=str(schema),
        message_id=message_id,
        created_at=created_at,
        transaction_tag="CdtTrfTxInf",
        expected=[t.amount_cents for t in txs],
    )
    xsd.validate(tree, str(schema))
    xml = file_bytes(tree)
    return SepaDocument(
        kind=FileKind.TRANSFER,
        schema=str(schema),
        message_id=message_id,
        date=execution_date,
        count=len(txs),
        control_sum_cents=sum(t.amount_cents for t in txs),
        sha256=sha256(xml),
        batches=batches,
        xml=xml,
    )
