"""The payments service: mandates, collection and transfer files, bank returns — once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from tests.web.conftest import login

from mutuelle import sepa
from mutuelle.sepa import bank
from mutuelle.web.payments import returns, services
from mutuelle.web.payments.models import (
    BankReturnFile,
    BankReturnLine,
    Mandate,
    SepaFile,
    SepaTransaction,
)

D = dt.date
OTHER_BANK = "FR1420041010050500013M02606"
SAME_BANK = "FR7630006000011234567890189"


@pytest.fixture(autouse=True)
def _sepa_dir(settings, tmp_path):
    settings.MUTUELLE_SEPA_DIR = tmp_path / "sepa"


@pytest.fixture
def mandate(martin) -> Mandate:
    return services.create_mandate(
        martin, iban=SAME_BANK, debtor_name="Claire Martin", signed_on=D(2024, 12, 10)
    )


def _collect(mandate: Mandate, day: dt.date, ref: str, cents: int = 9_811, key: str = ""):
    return services.produce_debit_file(
        day,
        [services.DebitInstruction(mandate.pk, cents, ref, f"Cotisation {day:%m/%Y}")],
        idempotency_key=key or f"debit:{day}:{ref}",
    )


def _xml(record: SepaFile) -> bytes:
    return services.file_bytes(record)


def test_a_mandate_gets_a_rum_and_its_bank_from_the_iban(martin, mandate) -> None:
    assert mandate.rum == "MC-GR25-000001-01"
    assert services.mandate_account(mandate).bic == "AGRIFRPPXXX"
    assert mandate.creditor_ics == "FR76ZZZ000000"
    with pytest.raises(sepa.SepaError, match="déjà un mandat actif"):
        services.create_mandate(martin, iban=OTHER_BANK, debtor_name="C", signed_on=D(2025, 1, 1))
    services.revoke_mandate(mandate, on=D(2025, 6, 1), reason="nouveau mandat signé")
    second = services.create_mandate(
        martin, iban=OTHER_BANK, debtor_name="Claire Martin", signed_on=D(2025, 6, 1)
    )
    assert second.rum == "MC-GR25-000001-02"


def test_an_invalid_iban_never_reaches_a_mandate(martin) -> None:
    with pytest.raises(sepa.SepaError, match="IBAN"):
        services.create_mandate(
            martin, iban="FR7630006000011234567890188", debtor_name="C", signed_on=D(2025, 1, 1)
        )
    assert not Mandate.objects.exists()


def test_first_then_recurrent_collections_and_the_file_on_disk(mandate) -> None:
    first, created = _collect(mandate, D(2025, 1, 6), "echeance:1")
    assert created and first.count == 1 and first.control_sum_cents == 9_811
    assert first.schema == "pain.008.001.08"
    assert b"<SeqTp>FRST</SeqTp>" in _xml(first)
    second, _ = _collect(mandate, D(2025, 2, 5), "echeance:2")
    assert b"<SeqTp>RCUR</SeqTp>" in _xml(second)
    mandate.refresh_from_db()
    assert (mandate.first_collected_on, mandate.last_collected_on) == (D(2025, 1, 6), D(2025, 2, 5))


def test_the_same_collection_twice_produces_nothing_new(mandate) -> None:
    a, created_a = _collect(mandate, D(2025, 1, 6), "echeance:1", key="debit:2025-01-06")
    b, created_b = _collect(mandate, D(2025, 1, 6), "echeance:1", key="debit:2025-01-06")
    assert created_a and not created_b and a.pk == b.pk
    assert SepaFile.objects.count() == 1 and SepaTransaction.objects.count() == 1
    # A reference already presented is refused even under another key: never collected twice.
    with pytest.raises(sepa.SepaError, match="déjà présentée"):
        _collect(mandate, D(2025, 1, 7), "echeance:1", key="another-key")
    assert SepaFile.objects.count() == 1


def test_the_database_refuses_a_reference_twice(mandate) -> None:
    record, _ = _collect(mandate, D(2025, 1, 6), "echeance:1")
    tx = record.transactions.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SepaTransaction.objects.create(
            file=record,
            end_to_end_id="X1",
            payment_info_id="P",
            purpose=tx.purpose,
            reference=tx.reference,
            amount_cents=1,
            party_name="x",
            account_masked="x",
        )


def test_an_iban_change_is_announced_once(mandate) -> None:
    _collect(mandate, D(2025, 1, 6), "echeance:1")
    amendment = services.change_account(mandate, iban=OTHER_BANK, on=D(2025, 1, 20))
    assert amendment.new_bank and amendment.previous_iban == SAME_BANK
    announced, _ = _collect(mandate, D(2025, 2, 5), "echeance:2")
    xml = _xml(announced)
    assert b"<AmdmntInd>true</AmdmntInd>" in xml and b"SMNDA" in xml
    assert b"<SeqTp>FRST</SeqTp>" in xml  # a new bank: first collection again (I-121)
    amendment.refresh_from_db()
    assert amendment.reported_in.file == announced
    later, _ = _collect(mandate, D(2025, 3, 5), "echeance:3")
    assert b"AmdmntInd" not in _xml(later) and b"<SeqTp>RCUR</SeqTp>" in _xml(later)


def test_an_account_change_inside_the_same_bank_gives_the_previous_iban(martin) -> None:
    m = services.create_mandate(
        martin, iban=OTHER_BANK, debtor_name="Claire Martin", signed_on=D(2024, 12, 10)
    )
    _collect(m, D(2025, 1, 6), "echeance:1")
    same_bank = "FR1420041010050500013M02897"  # La Banque Postale again, another account
    amendment = services.change_account(m, iban=same_bank, on=D(2025, 1, 20))
    assert not amendment.new_bank
    record, _ = _collect(m, D(2025, 2, 5), "echeance:2")
    xml = _xml(record)
    assert f"<OrgnlDbtrAcct><Id><IBAN>{OTHER_BANK}</IBAN>".encode() in xml
    assert b"<SeqTp>RCUR</SeqTp>" in xml


def test_no_file_without_a_configured_creditor(mandate, settings) -> None:
    settings.MUTUELLE_CREDITOR = {"name": "", "ics": "", "iban": "", "town": ""}
    with pytest.raises(services.CreditorNotConfigured, match="MUTUELLE_CREDITOR_ICS"):
        _collect(mandate, D(2025, 1, 6), "echeance:1")
    assert not SepaFile.objects.exists()


@override_settings(MUTUELLE_SEPA_DEBIT_SCHEMA="pain.008.001.02")
def test_the_2009_version_by_setting(mandate) -> None:
    record, _ = _collect(mandate, D(2025, 1, 6), "echeance:1")
    assert record.schema == "pain.008.001.02" and b"pain.008.001.02" in _xml(record)


def test_a_revoked_mandate_is_not_collected(mandate) -> None:
    services.revoke_mandate(mandate, on=D(2025, 1, 2), reason="révocation")
    with pytest.raises(sepa.SepaError, match="inactif"):
        _collect(mandate, D(2025, 1, 6), "echeance:1")


def test_a_tampered_file_is_refused_on_download(mandate) -> None:
    record, _ = _collect(mandate, D(2025, 1, 6), "echeance:1")
    services.file_path(record).write_bytes(_xml(record).replace(b"98.11", b"1.00"))
    with pytest.raises(sepa.SepaError, match="modifié"):
        services.file_bytes(record)


def test_transfers_are_paid_once(martin) -> None:
    ins = services.TransferInstruction(
        reference="reglement:1",
        amount_cents=2_250,
        creditor_name="Claire Martin",
        iban=SAME_BANK,
        remittance="Remboursement soins mars 2025",
    )
    record, created = services.produce_transfer_file(D(2025, 4, 2), [ins], idempotency_key="t1")
    assert created and record.schema == "pain.001.001.09" and record.control_sum_cents == 2_250
    with pytest.raises(sepa.SepaError, match="déjà présentée"):
        services.produce_transfer_file(D(2025, 4, 3), [ins], idempotency_key="t2")


def _document(record: SepaFile) -> sepa.SepaDocument:
    return sepa.SepaDocument(
        kind=sepa.FileKind(record.kind),
        schema=record.schema,
        message_id=record.message_id,
        date=record.date,
        count=record.count,
        control_sum_cents=record.control_sum_cents,
        sha256=record.sha256,
        batches=(),
        xml=_xml(record),
    )


def test_a_reject_is_imported_once_and_the_next_collection_is_first_again(mandate) -> None:
    record, _ = _collect(mandate, D(2025, 1, 6), "echeance:1")
    e2e = record.transactions.get().end_to_end_id
    data = bank.status_report(_document(record), {e2e: "AM04"}, message_id="BNK-1",
                              created_at=dt.datetime(2025, 1, 7))  # fmt: skip
    seen: list[list[BankReturnLine]] = []
    returns.register_return_handler("contribution", lambda lines: seen.append(list(lines)))
    try:
        outcome = returns.import_bank_returns(data, name="rejets.xml")
        assert outcome.created and [x.reason_code for x in outcome.new_lines] == ["AM04"]
        assert outcome.new_lines[0].transaction.reference == "echeance:1"
        assert outcome.new_lines[0].next_step == "represent"
        assert [[x.end_to_end_id for x in lines] for lines in seen] == [[e2e]]
        again = returns.import_bank_returns(data)
        assert not again.created and not again.new_lines
        assert BankReturnFile.objects.count() == 1 and BankReturnLine.objects.count() == 1
    finally:
        returns._HANDLERS.pop("contribution", None)
    mandate.refresh_from_db()
    assert mandate.first_collected_on is None  # never collected: re-presented as FRST (I-122)
    again, _ = _collect(mandate, D(2025, 1, 16), "echeance:1:2")
    assert b"<SeqTp>FRST</SeqTp>" in _xml(again)


def test_the_same_return_in_another_file_is_a_duplicate(mandate) -> None:
    record, _ = _collect(mandate, D(2025, 1, 6), "echeance:1")
    e2e = record.transactions.get().end_to_end_id
    doc = _document(record)
    returns.import_bank_returns(
        bank.status_report(doc, {e2e: "AM04"}, message_id="B1", created_at=dt.datetime(2025, 1, 7))
    )
    second = returns.import_bank_returns(
        bank.status_report(doc, {e2e: "AM04"}, message_id="B2", created_at=dt.datetime(2025, 1, 8))
    )
    assert second.created and second.duplicates == 1 and not second.new_lines


def test_a_whole_file_reject_covers_every_transaction(martin, mandate) -> None:
    record, _ = services.produce_debit_file(
        D(2025, 1, 6),
        [services.DebitInstruction(mandate.pk, c, f"e:{c}", "Cotisation") for c in (100, 200)],
        idempotency_key="k",
    )
    data = bank.status_report(_document(record), {}, message_id="B", reject_whole_file="FF01",
                              created_at=dt.datetime(2025, 1, 7))  # fmt: skip
    outcome = returns.import_bank_returns(data)
    assert sorted(x.amount_cents for x in outcome.new_lines) == [100, 200]
    assert {x.reason_code for x in outcome.new_lines} == {"FF01"}


def test_unknown_references_or_amounts_refuse_the_whole_file(mandate) -> None:
    record, _ = _collect(mandate, D(2025, 1, 6), "echeance:1")
    e2e = record.transactions.get().end_to_end_id
    good = bank.status_report(_document(record), {e2e: "AC04"}, message_id="B",
                              created_at=dt.datetime(2025, 1, 7))  # fmt: skip
    for bad, problem in (
        (good.replace(e2e.encode(), b"MCUNKNOWN"), "référence inconnue"),
        (good.replace(b">98.11<", b">98.10<"), "montant"),
        (b"<Document/>", "ni un rapport"),
    ):
        with pytest.raises(returns.ReturnImportError) as refused:
            returns.import_bank_returns(bad)
        assert problem in str(refused.value)
    assert not BankReturnFile.objects.exists() and not BankReturnLine.objects.exists()


def test_a_failing_handler_rolls_the_import_back(mandate) -> None:
    record, _ = _collect(mandate, D(2025, 1, 6), "echeance:1")
    e2e = record.transactions.get().end_to_end_id
    data = bank.status_report(_document(record), {e2e: "MS02"}, message_id="B",
                              created_at=dt.datetime(2025, 1, 7))  # fmt: skip

    def broken(lines) -> None:
        raise RuntimeError("le service de facturation a échoué")

    returns.register_return_handler("contribution", broken)
    try:
        with pytest.raises(RuntimeError):
            returns.import_bank_returns(data)
    finally:
        returns._HANDLERS.pop("contribution", None)
    assert not BankReturnFile.objects.exists()
    mandate.refresh_from_db()
    assert mandate.first_collected_on == D(2025, 1, 6)


def test_dormant_mandates_expire_after_36_months(mandate) -> None:
    _collect(mandate, D(2025, 1, 6), "echeance:1")
    assert services.expire_dormant_mandates(D(2027, 12, 1)) == 0
    assert services.expire_dormant_mandates(D(2028, 2, 1)) == 1
    mandate.refresh_from_db()
    assert mandate.status == "expired"


def test_admin_screens(client, staff, mandate) -> None:
    record, _ = _collect(mandate, D(2025, 1, 6), "echeance:1")
    login(client, staff)
    for url in ("/gestion/payments/mandate/", f"/gestion/payments/mandate/{mandate.pk}/change/",
                "/gestion/payments/sepafile/", f"/gestion/payments/sepafile/{record.pk}/change/",
                "/gestion/payments/bankreturnfile/importer/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/gestion/payments/mandate/{mandate.pk}/change/").content.decode()
    # The administrator sees the IBAN in clear (security.view_iban), and the display is logged.
    assert "FR76 3000 6000 0112 3456 7890 189" in page
    from mutuelle.web.security.models import AccessLog

    assert AccessLog.objects.filter(
        username=staff.username, subject_type="payments.mandate", what__contains="IBAN en clair"
    ).exists()
    download = client.get(f"/gestion/payments/sepafile/{record.pk}/telecharger/")
    assert download.content == _xml(record)
    e2e = record.transactions.get().end_to_end_id
    data = bank.status_report(_document(record), {e2e: "AM04"}, message_id="B",
                              created_at=dt.datetime(2025, 1, 7))  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    posted = client.post("/gestion/payments/bankreturnfile/importer/",
                         {"file": SimpleUploadedFile("r.xml", data)}, follow=True)  # fmt: skip
    assert "1 rejet(s) ou retour(s) enregistré(s)" in posted.content.decode()
    refused = client.post("/gestion/payments/bankreturnfile/importer/",
                          {"file": SimpleUploadedFile("x.xml", b"<x/>")})  # fmt: skip
    assert "rien n" in refused.content.decode()


def test_the_bank_returns_command(mandate, tmp_path, capsys) -> None:
    import json

    from mutuelle import cli

    record, _ = _collect(mandate, D(2025, 1, 6), "echeance:1")
    e2e = record.transactions.get().end_to_end_id
    path = tmp_path / "pain002.xml"
    path.write_bytes(bank.status_report(_document(record), {e2e: "AC04"}, message_id="B",
                                        created_at=dt.datetime(2025, 1, 7)))  # fmt: skip
    assert cli.main(["bank-returns", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["new_lines"][0]["reference"] == "echeance:1"
    assert out["new_lines"][0]["reason"] == "Compte clôturé"
    assert cli.main(["bank-returns", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["already_imported"] is True
    path.write_bytes(b"<Document/>")
    assert cli.main(["bank-returns", str(path), "--json"]) == 2
    assert "rien n'est importé" in json.loads(capsys.readouterr().out)["error"]
