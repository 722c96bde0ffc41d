"""Bank returns: what we produce comes back by its end-to-end ids; bad files are refused whole."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutuelle.sepa import (
    CreditTransfer,
    NextStep,
    ReturnStage,
    SepaError,
    SepaErrorCode,
    bank,
    build_debit_file,
    build_transfer_file,
    parse_bank_file,
    reason,
    reason_codes,
)

from .helpers import CREATED, CREDITOR, DEBTOR, debit

D = dt.date(2026, 2, 5)


def _file(n: int = 20):
    txs = [debit(i, 1_000 + i) for i in range(n)]
    return build_debit_file(CREDITOR, D, txs, message_id="MC-D-20260205", created_at=CREATED)


def test_reason_codes_have_french_labels_and_a_source() -> None:
    codes = reason_codes()
    for code in ("AC04", "AM04", "MD06", "MS02", "MD01", "AC06", "AG01", "SL01"):
        assert codes[code].label and codes[code].source
    assert reason("AM04").next is NextStep.REPRESENT
    assert reason("AC04").next is NextStep.NEW_MANDATE
    assert "hors de la liste" in reason("ZZ99").label  # kept, never dropped


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.integers(0, 19), st.sampled_from(["AM04", "AC04", "MD01", "MS02"])))
def test_a_status_report_about_our_file_round_trips_its_references(rejected) -> None:
    doc = _file()
    rejects = {f"MC-E2E-{i:06d}": code for i, code in rejected.items()}
    data = bank.status_report(doc, rejects, message_id="BNK-1", created_at=CREATED)
    report = parse_bank_file(data)
    assert report.message_type == "pain.002"
    assert report.original_message_ids == (doc.message_id,)
    assert {line.end_to_end_id: line.reason.code for line in report.lines} == rejects
    for line in report.lines:
        n = int(line.end_to_end_id[-6:])
        assert line.amount_cents == 1_000 + n
        assert line.mandate_id == f"MC-GR25-{n:06d}-01"
        assert line.stage is ReturnStage.REJECT


def test_a_whole_file_rejected() -> None:
    doc = _file(3)
    report = parse_bank_file(
        bank.status_report(
            doc, {}, message_id="BNK-2", created_at=CREATED, reject_whole_file="FF01"
        )
    )
    assert not report.lines
    [group] = report.group_rejects
    assert group.original_message_id == doc.message_id and group.payment_info_id is None
    assert group.reason.code == "FF01"


def test_returns_after_settlement_in_camt_054() -> None:
    doc = _file(5)
    data = bank.return_notification(
        doc,
        {"MC-E2E-000002": "MD06", "MC-E2E-000004": "AM04"},
        account_iban=CREDITOR.account.iban,
        booked_on=dt.date(2026, 2, 20),
        message_id="BNK-3",
        created_at=CREATED,
    )
    report = parse_bank_file(data)
    assert report.schema == "camt.054.001.08"
    assert [(x.end_to_end_id, x.reason.code, x.amount_cents) for x in report.lines] == [
        ("MC-E2E-000002", "MD06", 1002),
        ("MC-E2E-000004", "AM04", 1004),
    ]
    assert {x.stage for x in report.lines} == {ReturnStage.RETURN}
    assert report.lines[0].booked_on == dt.date(2026, 2, 20)


def test_a_returned_transfer() -> None:
    doc = build_transfer_file(
        CREDITOR,
        D,
        [CreditTransfer("MC-R-1", 2_500, "Karim Martin", DEBTOR, "Soins")],
        message_id="MC-T-1",
        created_at=CREATED,
    )
    report = parse_bank_file(
        bank.return_notification(
            doc,
            {"MC-R-1": "AC04"},
            account_iban=CREDITOR.account.iban,
            booked_on=D,
            message_id="BNK-4",
            created_at=CREATED,
        )
    )
    assert [(x.end_to_end_id, x.amount_cents) for x in report.lines] == [("MC-R-1", 2_500)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "vide"),
        (b"not xml at all", "XML"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.008.001.08'/>", "ni un rapport"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.002.001.01'/>", "version"),
    ],
)
def test_malformed_files_are_refused_whole(data: bytes, expected: str) -> None:
    with pytest.raises(SepaError) as refused:
        parse_bank_file(data)
    assert refused.value.code is SepaErrorCode.RETURN_FILE_INVALID
    assert expected in str(refused.value)
    assert "rien n'est importé" in str(refused.value)


def test_a_reject_without_reason_or_reference_is_refused_with_each_problem() -> None:
    doc = _file(3)
    good = bank.status_report(
        doc, {"MC-E2E-000001": "AM04", "MC-E2E-000002": "AC04"}, message_id="B", created_at=CREATED
    )
    broken = good.replace(b"<Cd>AM04</Cd>", b"").replace(
        b"<OrgnlEndToEndId>MC-E2E-000002</OrgnlEndToEndId>", b""
    )
    with pytest.raises(SepaError) as refused:
        parse_bank_file(broken)
    assert len(refused.value.details) == 2
    unknown = good.replace(b"<TxSts>", b"<Bogus>x</Bogus><TxSts>")
    with pytest.raises(SepaError, match="mal formé"):
        parse_bank_file(unknown)


def test_an_older_status_report_version_is_read() -> None:
    doc = _file(2)
    data = bank.status_report(doc, {"MC-E2E-000001": "AM04"}, message_id="B", created_at=CREATED)
    v03 = data.replace(b"pain.002.001.10", b"pain.002.001.03")
    report = parse_bank_file(v03)
    assert report.schema == "pain.002.001.03"
    assert [x.end_to_end_id for x in report.lines] == ["MC-E2E-000001"]


def test_the_banks_charge_is_read_where_the_file_gives_it() -> None:
    """pain.002 ``TxInfAndSts/ChrgsInf/Amt`` and camt.054 ``TxDtls/Chrgs/Rcrd/Amt``: what the
    bank charged for the reject or the return (Règlement particuliers III-2-4 lets the Mutuelle
    call it back); a line without it has no charge, never a made-up one (docs G-70)."""
    doc = _file(3)
    status = bank.status_report(
        doc,
        {"MC-E2E-000001": "AM04", "MC-E2E-000002": "AC04"},
        message_id="B",
        created_at=CREATED,
        charges={"MC-E2E-000001": 750},
    )
    assert {x.end_to_end_id: x.charge_cents for x in parse_bank_file(status).lines} == {
        "MC-E2E-000001": 750,
        "MC-E2E-000002": None,
    }
    notice = bank.return_notification(
        doc,
        {"MC-E2E-000001": "AM04", "MC-E2E-000002": "MD06"},
        account_iban=CREDITOR.account.iban,
        booked_on=dt.date(2026, 2, 20),
        message_id="C",
        created_at=CREATED,
        charges={"MC-E2E-000002": 1_234},
    )
    assert {x.end_to_end_id: x.charge_cents for x in parse_bank_file(notice).lines} == {
        "MC-E2E-000001": None,
        "MC-E2E-000002": 1_234,
    }
    # two records, one credited back: the net charge
    two = notice.replace(
        b'<Rcrd><Amt Ccy="EUR">12.34</Amt><CdtDbtInd>DBIT</CdtDbtInd></Rcrd>',
        b'<Rcrd><Amt Ccy="EUR">12.34</Amt><CdtDbtInd>DBIT</CdtDbtInd></Rcrd>'
        b'<Rcrd><Amt Ccy="EUR">2.34</Amt><CdtDbtInd>CRDT</CdtDbtInd></Rcrd>',
    )
    assert two != notice
    assert [x.charge_cents for x in parse_bank_file(two).lines] == [None, 1_000]


def test_a_charge_in_the_2009_status_report_and_one_not_in_euros() -> None:
    doc = _file(2)
    data = bank.status_report(doc, {"MC-E2E-000001": "AM04"}, message_id="B", created_at=CREATED)
    v03 = data.replace(b"pain.002.001.10", b"pain.002.001.03").replace(
        b"</StsRsnInf>",
        b'</StsRsnInf><ChrgsInf><Amt Ccy="EUR">5.00</Amt>'
        b"<Pty><FinInstnId><BIC>BNPAFRPPXXX</BIC></FinInstnId></Pty></ChrgsInf>",
    )
    [line] = parse_bank_file(v03).lines
    assert line.charge_cents == 500
    with pytest.raises(SepaError) as refused:
        parse_bank_file(v03.replace(b'Ccy="EUR">5.00', b'Ccy="CHF">5.00'))
    assert "frais de la banque en CHF" in " ".join(refused.value.details)
