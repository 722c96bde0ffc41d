"""Bad bank files about contribution debits: a malformed file, an unknown reference, an unknown
mandate, an amount that does not match, one bad line among good ones — a clear report in
French, and nothing half-applied (no return recorded, no journal entry, the debit not presented
again); the right file then applies once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from schwifty import IBAN
from tests.factories import AdhesionFactory
from tests.web.test_payments import SAME_BANK, _document

from mutuelle import cli
from mutuelle.sepa import bank
from mutuelle.web.billing import collection
from mutuelle.web.billing.reconcile import reconcile
from mutuelle.web.jobs import framework
from mutuelle.web.jobs import services as jobs
from mutuelle.web.journal.models import JournalEntry
from mutuelle.web.members.models import Adhesion
from mutuelle.web.payments import returns
from mutuelle.web.payments import services as payments
from mutuelle.web.payments.models import BankReturnFile, BankReturnLine, Mandate

D = dt.date


@pytest.fixture(autouse=True)
def _sepa_dir(settings, tmp_path):
    settings.MUTUELLE_SEPA_DIR = tmp_path / "sepa"
    returns.register_return_handler(collection.PURPOSE, collection.on_returns)


@pytest.fixture
def january(martin, offer):
    other = AdhesionFactory()
    for a, iban, name in (
        (martin, SAME_BANK, "Claire Martin"),
        (other, str(IBAN.generate("FR", bank_code="30006", account_code="00000000042")), "Autre"),
    ):
        Adhesion.objects.filter(pk=a.pk).update(
            payment_mode="direct_debit", payment_frequency="monthly"
        )
        payments.create_mandate(a, iban=iban, debtor_name=name, signed_on=D(2024, 12, 10))
    run, _ = jobs.start_run("yearly-call", {"year": 2027, "on": "2026-12-02"}, defer=False)
    framework.run(run.pk)
    report = collection.collect(D(2027, 1, 5))
    assert report.file is not None and report.file.count == 2
    return report.file


def _report(record, rejects) -> bytes:
    return bank.status_report(
        _document(record), rejects, message_id="R-JAN", created_at=dt.datetime(2027, 1, 6)
    )


def _nothing_applied(entries: int) -> None:
    assert not BankReturnFile.objects.exists() and not BankReturnLine.objects.exists()
    assert JournalEntry.objects.count() == entries
    assert reconcile().ok
    # nothing is owed again: February presents February only
    feb, _ = collection.due_debits(D(2027, 2, 5))
    assert {d.start for d in feb} == {D(2027, 2, 1)}


@pytest.mark.django_db
def test_bad_bank_files_are_refused_whole_with_a_clear_report(january) -> None:
    txs = list(january.transactions.order_by("pk"))
    a, b = txs[0].end_to_end_id, txs[1].end_to_end_id
    good = _report(january, {a: "AM04", b: "AM04"})
    amount = f">{txs[1].amount_cents / 100:.2f}<".encode()
    rum = Mandate.objects.get(pk=txs[1].mandate_id).rum.encode()
    entries = JournalEntry.objects.count()
    for bad, problem in (
        (b"ceci n'est pas un fichier de la banque", "XML lisible"),
        (good[: len(good) // 2], "XML lisible"),
        (good.replace(b.encode(), b"MC000000000000000000000000000000"), "référence inconnue"),
        (good.replace(rum, b"MC-XX999999-01"), "mandat MC-XX999999-01 inconnu"),
        (good.replace(amount, b">1.00<"), "montant 1.00"),
    ):
        with pytest.raises(returns.ReturnImportError) as refused:
            returns.import_bank_returns(bad)
        message = str(refused.value)
        assert "rien n'est importé" in message, message
        assert problem in message, (problem, message)
        _nothing_applied(entries)
    # the right file applies once: both debits owed again, presented again in February
    assert returns.import_bank_returns(good).created
    assert not returns.import_bank_returns(good).created
    assert JournalEntry.objects.count() == entries + 2
    assert reconcile().ok
    feb, _ = collection.due_debits(D(2027, 2, 5))
    assert sorted(d.presentation for d in feb) == [1, 1, 2, 2]


@pytest.mark.django_db
def test_the_command_reports_a_bad_file_without_a_traceback(january, tmp_path, capsys) -> None:
    path = tmp_path / "retour.xml"
    path.write_bytes(b"<?xml version='1.0'?><Document><tronque")
    assert cli.main(["bank-returns", str(path), "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert "Traceback" not in out["error"] and out["error"]
    assert cli.main(["bank-returns", str(path)]) == 2
    err = capsys.readouterr()
    assert "Traceback" not in err.out + err.err and (err.out + err.err).strip()
    assert not BankReturnFile.objects.exists()


# --- the rejection fee (Règlement particuliers III-2-4, agents Cotisations 2-4; docs I-240…) --


@pytest.fixture
def three_ranges(martin, offer):
    """January collected for a resident (Claire), a student and a self-employed member (TNS)."""
    student = AdhesionFactory(students=True)
    tns = AdhesionFactory(tns=True)
    for n, (a, name) in enumerate(((martin, "Claire Martin"), (student, "Etu"), (tns, "Tns"))):
        iban = (
            SAME_BANK
            if n == 0
            else str(IBAN.generate("FR", bank_code="30006", account_code=f"0000000005{n}"))
        )
        Adhesion.objects.filter(pk=a.pk).update(
            payment_mode="direct_debit", payment_frequency="monthly"
        )
        payments.create_mandate(a, iban=iban, debtor_name=name, signed_on=D(2024, 12, 10))
    run, _ = jobs.start_run("yearly-call", {"year": 2027, "on": "2026-12-02"}, defer=False)
    framework.run(run.pk)
    report = collection.collect(D(2027, 1, 5))
    assert report.file is not None and report.file.count == 3
    by = {tx.reference.split(":")[0]: tx.end_to_end_id for tx in report.file.transactions.all()}
    return report.file, {"resident": by[martin.number], "student": by[student.number],
                         "tns": by[tns.number]}, (martin, student, tns)  # fmt: skip


def _fees() -> dict[str, int]:
    from mutuelle.journal import AccountKind
    from mutuelle.web.journal.models import JournalPosting

    rows = JournalPosting.objects.filter(
        entry__kind="fee_called", account=AccountKind.member_contributions.value
    ).values_list("adhesion", "cents")
    out: dict[str, int] = {}
    for number, cents in rows:
        out[number] = out.get(number, 0) + cents
    return out


@pytest.mark.django_db
def test_the_banks_charge_is_called_back_once_where_the_reglement_allows_it(three_ranges) -> None:
    from mutuelle.web.journal import services as journal

    record, e2e, (martin, student, _) = three_ranges
    before = journal.contribution_status(martin.number)
    rejects = {e2e["resident"]: "AM04", e2e["student"]: "AM04", e2e["tns"]: "AM04"}
    charged = {e2e["resident"]: 750, e2e["student"]: 420, e2e["tns"]: 900}
    data = bank.status_report(
        _document(record), rejects, message_id="R-FEE", created_at=dt.datetime(2027, 1, 6),
        charges=charged,
    )  # fmt: skip
    outcome = returns.import_bank_returns(data)
    assert outcome.created
    # residents and students (particuliers III-2-4): the charge to the cent; TNS: nothing
    assert _fees() == {martin.number: 750, student.number: 420}
    notes = dict(BankReturnLine.objects.values_list("end_to_end_id", "charge_note"))
    assert "7,50 € refacturés" in notes[e2e["resident"]]
    assert "ne prévoit pas" in notes[e2e["tns"]] and "9,00 €" in notes[e2e["tns"]]
    assert dict(BankReturnLine.objects.values_list("end_to_end_id", "charge_cents")) == charged
    assert reconcile().ok
    # owed apart from the contributions: the January instalment is owed again, the fee besides
    status = journal.contribution_status(martin.number)
    assert status.fees_cents == 750 and status.fees_left_cents == 750
    assert (
        status.balance_cents
        == before.balance_cents
        + record.transactions.get(end_to_end_id=e2e["resident"]).amount_cents
        + 750
    )
    # the same file again, or the same returns in another file: no second fee
    assert not returns.import_bank_returns(data).created
    again = bank.status_report(
        _document(record), rejects, message_id="R-FEE-2", created_at=dt.datetime(2027, 1, 7),
        charges=charged,
    )  # fmt: skip
    second = returns.import_bank_returns(again)
    assert second.created and second.duplicates == 3 and not second.new_lines
    assert _fees() == {martin.number: 750, student.number: 420}
    assert reconcile().ok


@pytest.mark.django_db
def test_no_charge_in_the_file_no_fee_and_a_technical_reason_no_fee(three_ranges) -> None:
    record, e2e, _ = three_ranges
    data = bank.status_report(
        _document(record), {e2e["resident"]: "AM04", e2e["student"]: "FF01"},
        message_id="R-NOFEE", created_at=dt.datetime(2027, 1, 6),
        charges={e2e["student"]: 500},
    )  # fmt: skip
    returns.import_bank_returns(data)
    assert _fees() == {}  # docs G-70: no charge said, none made up; I-242: not the member's
    notes = dict(BankReturnLine.objects.values_list("end_to_end_id", "charge_note"))
    assert "aucun frais indiqué" in notes[e2e["resident"]]
    assert "ne tient pas à l'adhérent" in notes[e2e["student"]]
    assert reconcile().ok


@pytest.mark.django_db
def test_a_return_after_settlement_calls_its_charge_and_the_fee_alone_sends_no_notice(
    three_ranges,
) -> None:
    from mutuelle.web.billing import unpaid
    from mutuelle.web.journal import services as journal

    record, e2e, (martin, _, _) = three_ranges
    data = bank.return_notification(
        _document(record),
        {e2e["resident"]: "AM04"},
        account_iban=SAME_BANK,
        booked_on=D(2027, 1, 12),
        message_id="C-FEE",
        created_at=dt.datetime(2027, 1, 12),
        charges={e2e["resident"]: 1_250},
    )
    returns.import_bank_returns(data)
    assert _fees() == {martin.number: 1_250}
    # February presents January again with February; once both are collected, only the fee is
    # owed: it is not a contribution, so no formal notice (L.221-7) and cover stays paid
    feb = collection.collect(D(2027, 2, 5))
    assert feb.file is not None
    status = journal.contribution_status(martin.number)
    assert status.fees_left_cents == 1_250 and status.owed_on(D(2027, 3, 1)) == 0
    assert status.paid_until is not None and status.paid_until >= D(2027, 2, 28)
    assert martin.number not in {a.number for a, _ in unpaid.queue(D(2027, 2, 25)).cases}
    assert reconcile().ok


# --- bad input, the other doors: camt.054, the back office, a refusal inside the handler ----


@pytest.mark.django_db
def test_a_bad_return_notification_is_refused_whole(january) -> None:
    txs = list(january.transactions.order_by("pk"))
    a, b = txs[0].end_to_end_id, txs[1].end_to_end_id
    good = bank.return_notification(
        _document(january), {a: "AM04", b: "MD06"}, account_iban=SAME_BANK,
        booked_on=D(2027, 1, 20), message_id="C-JAN", created_at=dt.datetime(2027, 1, 20),
        charges={a: 600},
    )  # fmt: skip
    amount = f">{txs[1].amount_cents / 100:.2f}<".encode()
    rum = Mandate.objects.get(pk=txs[1].mandate_id).rum.encode()
    entries = JournalEntry.objects.count()
    for bad, problem in (
        (good.replace(b.encode(), b"MC000000000000000000000000000000"), "référence inconnue"),
        (good.replace(rum, b"MC-XX999999-01"), "mandat MC-XX999999-01 inconnu"),
        (good.replace(amount, b">1.00<"), "montant 1.00 € au lieu de"),
        (good.replace(b'Ccy="EUR">6', b'Ccy="USD">6'), "frais de la banque en USD"),
        (good.replace(b"<Cd>MD06</Cd>", b""), "code motif du retour absent"),
    ):
        assert bad != good, problem
        with pytest.raises(returns.ReturnImportError) as refused:
            returns.import_bank_returns(bad)
        assert "rien n'est importé" in str(refused.value) and problem in str(refused.value)
        assert not BankReturnFile.objects.exists() and JournalEntry.objects.count() == entries
    assert returns.import_bank_returns(good).created
    assert JournalEntry.objects.count() == entries + 3  # two returns, one fee
    assert reconcile().ok


@pytest.mark.django_db
def test_the_back_office_says_why_a_file_is_refused_and_applies_nothing(
    january, client, staff
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from tests.web.conftest import login

    login(client, staff)
    txs = list(january.transactions.order_by("pk"))
    good = _report(january, {txs[0].end_to_end_id: "AM04"})
    amount = f">{txs[0].amount_cents / 100:.2f}<".encode()
    entries = JournalEntry.objects.count()
    for bad, problem in (
        (b"ceci n'est pas un fichier de la banque", "pas un fichier XML lisible"),
        (good.replace(amount, b">1.00<"), "montant 1.00 € au lieu de"),
    ):
        page = client.post(
            reverse("admin:payments_bankreturnfile_import"),
            {"file": SimpleUploadedFile("retour.xml", bad, "text/xml")},
        )
        text = page.content.decode().replace("&#x27;", "'")
        assert page.status_code == 200 and "rien n'est importé" in text and problem in text
        assert "Traceback" not in text
        _nothing_applied(entries)


@pytest.mark.django_db
def test_a_refusal_while_applying_rolls_the_whole_file_back(january, monkeypatch) -> None:
    """The returns, the rejects' entries and the fees are one transaction: a failure on the
    second line's fee leaves nothing of the first line either."""
    from mutuelle.billing import fees as core_fees

    txs = list(january.transactions.order_by("pk"))
    a, b = txs[0].end_to_end_id, txs[1].end_to_end_id
    data = bank.status_report(
        _document(january), {a: "AM04", b: "AM04"}, message_id="R-X",
        created_at=dt.datetime(2027, 1, 6), charges={a: 500, b: 500},
    )  # fmt: skip
    real = core_fees.rejection_fee
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("panne au milieu du fichier")
        return real(*args, **kwargs)

    monkeypatch.setattr(core_fees, "rejection_fee", failing)
    entries = JournalEntry.objects.count()
    with pytest.raises(RuntimeError):
        returns.import_bank_returns(data)
    _nothing_applied(entries)
    monkeypatch.setattr(core_fees, "rejection_fee", real)
    assert returns.import_bank_returns(data).created
    assert JournalEntry.objects.count() == entries + 4  # two rejects, two fees


@pytest.mark.django_db
def test_the_command_says_the_charge_and_what_was_done(three_ranges, tmp_path, capsys) -> None:
    record, e2e, (martin, _, tns) = three_ranges
    path = tmp_path / "rejets.xml"
    path.write_bytes(
        bank.status_report(
            _document(record),
            {e2e["resident"]: "AM04", e2e["tns"]: "AM04"},
            message_id="R-CLI",
            created_at=dt.datetime(2027, 1, 6),
            charges={e2e["resident"]: 750, e2e["tns"]: 750},
        )
    )
    assert cli.main(["bank-returns", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    by = {row["reference"].split(":")[0]: row for row in out["new_lines"]}
    assert by[martin.number]["charge_cents"] == 750
    assert "refacturés à l'adhérent" in by[martin.number]["charge_note"]
    assert "ne prévoit pas" in by[tns.number]["charge_note"]
    assert cli.main(["bank-returns", str(path)]) == 0
    assert "déjà importé" in capsys.readouterr().out
    assert _fees() == {martin.number: 750}


@pytest.mark.django_db
def test_the_payment_certificate_does_not_count_a_fee_as_a_contribution(three_ranges) -> None:
    from mutuelle.money import format_euros
    from mutuelle.web.billing import documents, services

    record, e2e, (martin, _, _) = three_ranges
    notice = bank.return_notification(
        _document(record),
        {e2e["resident"]: "AM04"},
        account_iban=SAME_BANK,
        booked_on=D(2027, 1, 12),
        message_id="C-ATT",
        created_at=dt.datetime(2027, 1, 12),
        charges={e2e["resident"]: 750},
    )
    returns.import_bank_returns(notice)
    collection.collect(D(2027, 2, 5))  # January again, and February
    a = Adhesion.objects.get(pk=martin.pk)
    services.record_payment(a, cents=750, on=D(2027, 2, 20), mode="transfer", reference="FRAIS")
    jan, feb = services.schedule(a.number, 2027)[:2]
    item = documents.attestation_item(a, 2027, dt.datetime(2028, 1, 5, tzinfo=dt.UTC))
    text = repr(item.document)

    assert format_euros(jan.ttc_cents + feb.ttc_cents) in text
    assert "Frais de rejet réglés" in text
    assert reconcile().ok
