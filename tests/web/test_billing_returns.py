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
