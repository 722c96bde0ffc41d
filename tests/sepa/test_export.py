"""sepaxml's tree serialised by our :func:`mutuelle.sepa._build.sepaxml_bytes` (issue 10's
speed work) gives the bytes of sepaxml's own ``export()``, and the files built with it are
those built with ``export()``, byte for byte; the recount of a produced file
(:func:`mutuelle.sepa._build.finish`) refuses a file a cent away from its instructions."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import itertools

import pytest
import sepaxml.utils
from sepaxml import SepaDD, SepaTransfer

import mutuelle.sepa.debit as debit_module
import mutuelle.sepa.transfer as transfer_module
from mutuelle.sepa import (
    Amendment,
    CreditTransfer,
    SepaError,
    SepaErrorCode,
    SequenceType,
    build_debit_file,
    build_transfer_file,
)
from mutuelle.sepa._build import file_bytes, finish, sepaxml_bytes

from .helpers import CREATED, CREDITOR, DEBTOR, OTHER_BANK, debit

D = dt.date(2026, 1, 5)


def _counted_ids(monkeypatch) -> None:
    """sepaxml draws its PmtInf ids at export from the system's random source: a counter from
    0 instead, so that two exports of copies of one document draw the same ids."""
    counter = itertools.count()
    monkeypatch.setattr(sepaxml.utils, "get_rand_string", lambda n=12: f"{next(counter):0{n}x}")


def _debits() -> SepaDD:
    sdd = SepaDD(
        {
            "name": 'Mutuelle & Co <test> "l\'entrenous"',
            "IBAN": CREDITOR.account.iban,
            "BIC": CREDITOR.account.bic,
            "batch": True,
            "creditor_id": CREDITOR.creditor_id,
            "currency": "EUR",
            "address": {"town": "Chambéry", "street_name": "allée > Albert", "postcode": "73000"},
        },
        schema="pain.008.001.08",
        clean=False,
    )
    for n, (kind, cents) in enumerate((("FRST", 1), ("RCUR", 4_217), ("RCUR", 99_999_99))):
        payment: dict[str, object] = {
            "name": f"Élise Dupont & fils <{n}>",
            "IBAN": DEBTOR.iban,
            "BIC": DEBTOR.bic,
            "amount": cents,
            "type": kind,
            "collection_date": D,
            "mandate_id": f"MC-GR25-{n:06d}-01",
            "mandate_date": dt.date(2025, 1, 1),
            "description": f"Cotisation « janvier » {n} & co",
            "endtoend_id": f"MC-E2E-{n:06d}",
        }
        if n != 1:
            payment["address"] = {"town": "Grenoble", "street_name": "rue Lesdiguières"}
        sdd.add_payment(payment)
    return sdd


def _transfers() -> SepaTransfer:
    sct = SepaTransfer(
        {
            "name": "Mutuelle & Co",
            "IBAN": CREDITOR.account.iban,
            "BIC": CREDITOR.account.bic,
            "batch": True,
            "currency": "EUR",
        },
        schema="pain.001.001.09",
        clean=True,
    )
    for n, cents in enumerate((12, 3_456_78)):
        sct.add_payment(
            {
                "name": f"Cabinet <Dr> Noël & associés {n}",
                "IBAN": OTHER_BANK.iban,
                "BIC": OTHER_BANK.bic,
                "amount": cents,
                "execution_date": D,
                "description": f"Remboursement {n} & suite",
                "endtoend_id": f"MC-T-{n:06d}",
            }
        )
    return sct


@pytest.mark.parametrize(
    ("make", "name"),
    [(_debits, "Élise Dupont"), (_transfers, "Cabinet &lt;Dr&gt; Noel")],  # (clean=True: unidecode)
    ids=["pain.008", "pain.001"],
)
def test_the_fast_serialisation_gives_sepaxmls_export_byte_for_byte(
    make, name, monkeypatch
) -> None:
    document = make()
    twin = copy.deepcopy(document)
    _counted_ids(monkeypatch)
    plain = document.export(validate=False)
    _counted_ids(monkeypatch)
    fast = sepaxml_bytes(twin)
    assert fast == plain
    # texts that need escaping (and, in the debits, characters outside ASCII) went through both
    assert b"&amp;" in fast and b"&lt;" in fast and name.encode() in fast
    assert fast.startswith(b'<?xml version="1.0" encoding="UTF-8"?><Document xmlns=')


def _plain_export(document) -> bytes:
    return document.export(validate=False)


def test_a_debit_file_is_the_same_with_sepaxmls_plain_export(monkeypatch) -> None:
    txs = [
        debit(1, 4_217, sequence=SequenceType.FIRST),
        debit(2, 1),
        dataclasses.replace(
            debit(3, 99_99),
            amendment=Amendment(previous_iban="FR7630006000000000000000749", new_bank=False),
        ),
        dataclasses.replace(
            debit(4, 12_34, sequence=SequenceType.FIRST),
            amendment=Amendment(previous_iban=OTHER_BANK.iban, new_bank=True),
        ),
    ]
    fast = build_debit_file(CREDITOR, D, txs, message_id="MC-D-20260105-001", created_at=CREATED)
    monkeypatch.setattr(debit_module, "sepaxml_bytes", _plain_export)
    plain = build_debit_file(CREDITOR, D, txs, message_id="MC-D-20260105-001", created_at=CREATED)
    assert fast == plain
    assert fast.xml.count(b"<AmdmntInd>true</AmdmntInd>") == 2
    assert fast.control_sum_cents == 4_217 + 1 + 99_99 + 12_34


def test_a_transfer_file_is_the_same_with_sepaxmls_plain_export(monkeypatch) -> None:
    txs = [
        CreditTransfer(
            end_to_end_id=f"MC-T-{n:06d}",
            amount_cents=cents,
            creditor_name="Cabinet du Dr Noël & associés",
            creditor_account=OTHER_BANK,
            remittance=f"Remboursement {n}",
        )
        for n, cents in enumerate((12, 3_456_78))
    ]
    fast = build_transfer_file(CREDITOR, D, txs, message_id="MC-T-20260105-001", created_at=CREATED)
    monkeypatch.setattr(transfer_module, "sepaxml_bytes", _plain_export)
    plain = build_transfer_file(
        CREDITOR, D, txs, message_id="MC-T-20260105-001", created_at=CREATED
    )
    assert fast == plain
    assert fast.control_sum_cents == 3_456_90


def _finish(raw: bytes, expected: list[int], schema: str = "pain.008.001.08"):
    tag = "DrctDbtTxInf" if schema.startswith("pain.008") else "CdtTrfTxInf"
    return finish(
        raw,
        schema_name=schema,
        message_id="MC-D-20260105-001",
        created_at=CREATED,
        transaction_tag=tag,
        expected=expected,
    )


def test_the_recount_finds_each_batch_and_the_instructions_total() -> None:
    tree, batches = _finish(sepaxml_bytes(_debits()), [1, 4_217, 99_999_99])
    assert [(b.sequence, b.count, b.control_sum_cents) for b in batches] == [
        (SequenceType.FIRST, 1, 1),
        (SequenceType.RECURRENT, 2, 4_217 + 99_999_99),
    ]
    assert b"<MsgId>MC-D-20260105-001</MsgId>" in file_bytes(tree)
    _, batches = _finish(sepaxml_bytes(_transfers()), [12, 3_456_78], "pain.001.001.09")
    assert [(b.count, b.control_sum_cents) for b in batches] == [(2, 3_456_90)]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ((b"", b""), [1, 4_217, 99_999_98]),  # the instructions a cent away from the file
        ((b">42.17<", b">42.18<"), [1, 4_217, 99_999_99]),  # an amount a cent away from its sum
        ((b'<InstdAmt Ccy="EUR">42.17</InstdAmt>', b""), [1, 4_217, 99_999_99]),  # no amount
    ],
    ids=["instructions", "amount", "missing amount"],
)
def test_the_recount_refuses_a_file_a_cent_away(change, expected) -> None:
    raw = sepaxml_bytes(_debits())
    assert change[0] in raw
    with pytest.raises(SepaError) as refused:
        _finish(raw.replace(*change), expected)
    assert refused.value.code == SepaErrorCode.CONTROL_SUM
