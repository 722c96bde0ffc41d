"""Collecting the schedule: pain.008 of what is due, bank rejects, re-presentation."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree
from tests.web.test_payments import SAME_BANK, _document

from mutuelle.journal import EntryKind
from mutuelle.sepa import bank
from mutuelle.web.billing import collection, services
from mutuelle.web.jobs import framework
from mutuelle.web.jobs import services as jobs
from mutuelle.web.journal import services as journal
from mutuelle.web.members.models import Adhesion
from mutuelle.web.payments import returns
from mutuelle.web.payments import services as payments

D = dt.date


@pytest.fixture(autouse=True)
def _sepa_dir(settings, tmp_path):
    settings.MUTUELLE_SEPA_DIR = tmp_path / "sepa"
    # tests/web/test_payments.py pops the « contribution » handler after its own tests
    returns.register_return_handler(collection.PURPOSE, collection.on_returns)


@pytest.fixture
def called(martin):
    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="direct_debit", payment_frequency="monthly"
    )
    payments.create_mandate(
        martin, iban=SAME_BANK, debtor_name="Claire Martin", signed_on=D(2024, 12, 10)
    )
    run, _ = jobs.start_run("yearly-call", {"year": 2027, "on": "2026-12-02"}, defer=False)
    framework.run(run.pk)
    return martin


def _amounts(record) -> list[int]:
    tree = etree.fromstring(payments.file_bytes(record))
    return [
        round(float(e.text) * 100)
        for e in tree.iter("{*}InstdAmt")  # the amount of each debit
    ]


@pytest.mark.django_db
def test_january_collection_equals_the_schedule_and_is_made_once(called) -> None:
    report = collection.collect(D(2027, 1, 5))
    jan = services.schedule(called.number, 2027)[0]
    assert report.created and report.file.schema.startswith("pain.008.001.08")
    assert _amounts(report.file) == [jan.ttc_cents]
    assert b"<SeqTp>FRST</SeqTp>" in payments.file_bytes(report.file)
    status = journal.contribution_status(called.number)
    assert status.owed_on(D(2027, 1, 6)) == 0  # January received
    again = collection.collect(D(2027, 1, 5))
    assert not again.created and again.file.pk == report.file.pk
    assert (
        len([e for e in journal.entries_of(called.number) if e.kind is EntryKind.payment_received])
        == 1
    )
    # February is RCUR and only February (January is not presented twice)
    feb = collection.collect(D(2027, 2, 5))
    assert _amounts(feb.file) == [services.schedule(called.number, 2027)[1].ttc_cents]
    assert b"<SeqTp>RCUR</SeqTp>" in payments.file_bytes(feb.file)


@pytest.mark.django_db
def test_a_rejected_debit_is_owed_again_then_represented_once(called) -> None:
    report = collection.collect(D(2027, 1, 5))
    e2e = report.file.transactions.get().end_to_end_id
    data = bank.status_report(
        _document(report.file), {e2e: "AM04"}, message_id="B1", created_at=dt.datetime(2027, 1, 6)
    )
    returns.import_bank_returns(data, name="rejets.xml")
    rejected = [
        e for e in journal.entries_of(called.number) if e.kind is EntryKind.payment_rejected
    ]
    assert len(rejected) == 1 and "AM04" in rejected[0].memo
    jan = services.schedule(called.number, 2027)[0]
    assert journal.contribution_status(called.number).owed_on(D(2027, 1, 7)) == jan.ttc_cents
    # the same file again adds nothing
    returns.import_bank_returns(data, name="rejets.xml")
    assert (
        len([e for e in journal.entries_of(called.number) if e.kind is EntryKind.payment_rejected])
        == 1
    )
    # February's collection presents January again (insufficient funds may be re-presented)
    feb = collection.collect(D(2027, 2, 5))
    refs = sorted(t.reference for t in feb.file.transactions.all())
    assert refs == [
        f"{called.number}:2027-01-01:2027-01-31:p2",
        f"{called.number}:2027-02-01:2027-02-28:p1",
    ]
    e2e2 = feb.file.transactions.get(reference__endswith="01-31:p2").end_to_end_id
    returns.import_bank_returns(
        bank.status_report(
            _document(feb.file), {e2e2: "AM04"}, message_id="B2", created_at=dt.datetime(2027, 2, 6)
        ),
        name="rejets2.xml",
    )
    # twice rejected: not presented a third time, it is the unpaid process's
    march = collection.collect(D(2027, 3, 5))
    assert [t.reference for t in march.file.transactions.all()] == [
        f"{called.number}:2027-03-01:2027-03-31:p1"
    ]


@pytest.mark.django_db
def test_later_collections_find_every_instalment_still_open_and_only_those(martin) -> None:
    """The collection reads only the instalments the bank has not been paid for (issue 10):
    still found, months later, an instalment never presented (no mandate until March), one
    rejected for a reason that allows a new presentation; never again one rejected for good
    (closed account: the unpaid process's) or one already paid by debit."""
    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="direct_debit", payment_frequency="monthly"
    )
    run, _ = jobs.start_run("yearly-call", {"year": 2027, "on": "2026-12-02"}, defer=False)
    framework.run(run.pk)
    n = martin.number
    assert collection.collect(D(2027, 1, 5)).file is None  # no mandate yet: nothing presented
    payments.create_mandate(
        martin, iban=SAME_BANK, debtor_name="Claire Martin", signed_on=D(2027, 3, 1)
    )
    march = collection.collect(D(2027, 3, 5))
    assert sorted(t.reference for t in march.file.transactions.all()) == [
        f"{n}:2027-01-01:2027-01-31:p1",
        f"{n}:2027-02-01:2027-02-28:p1",
        f"{n}:2027-03-01:2027-03-31:p1",
    ]
    by_ref = {t.reference: t.end_to_end_id for t in march.file.transactions.all()}
    returns.import_bank_returns(
        bank.status_report(
            _document(march.file),
            {
                by_ref[f"{n}:2027-01-01:2027-01-31:p1"]: "AM04",  # may be presented again
                by_ref[f"{n}:2027-02-01:2027-02-28:p1"]: "AC04",  # account closed: for good
            },
            message_id="B3",
            created_at=dt.datetime(2027, 3, 6),
        ),
        name="rejets-mars.xml",
    )
    april = collection.collect(D(2027, 4, 5))
    assert sorted(t.reference for t in april.file.transactions.all()) == [
        f"{n}:2027-01-01:2027-01-31:p2",
        f"{n}:2027-04-01:2027-04-30:p1",
    ]
    may = collection.collect(D(2027, 5, 5))
    assert [t.reference for t in may.file.transactions.all()] == [f"{n}:2027-05-01:2027-05-31:p1"]


@pytest.mark.django_db
def test_no_mandate_is_reported_not_collected(martin) -> None:
    Adhesion.objects.filter(pk=martin.pk).update(payment_mode="direct_debit")
    run, _ = jobs.start_run("yearly-call", {"year": 2027, "on": "2026-12-02"}, defer=False)
    framework.run(run.pk)
    report = collection.collect(D(2027, 1, 5))
    assert report.file is None
    assert report.skipped == [(martin.number, "aucun mandat SEPA actif signé au 05/01/2027")]


@pytest.mark.django_db
def test_collect_command(called, tmp_path, capsys) -> None:
    import json

    from mutuelle import cli

    out = tmp_path / "janvier.xml"
    assert cli.main(["collect", "--date", "2027-01-05", "--out", str(out), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["count"] == 1 and out.read_bytes().startswith(b"<?xml")
    assert cli.main(["collect", "--date", "5/1/2027", "--out", str(out)]) != 0
    assert "date illisible" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_collection_pauses_the_cyclic_collector_and_puts_it_back(
    called, monkeypatch, settings
) -> None:
    import gc

    seen: list[bool] = []
    produce = payments.produce_debit_file

    def watched(*args, **kwargs):
        seen.append(gc.isenabled())
        return produce(*args, **kwargs)

    monkeypatch.setattr(payments, "produce_debit_file", watched)
    report = collection.collect(D(2027, 1, 5))
    assert report.created and seen == [False] and gc.isenabled()
    # a refused collection (no creditor configured) puts it back as well, and writes nothing
    settings.MUTUELLE_CREDITOR = {}
    with pytest.raises(payments.CreditorNotConfigured):
        collection.collect(D(2027, 2, 5))
    assert seen == [False, False] and gc.isenabled()
    assert not type(report.file).objects.filter(date=D(2027, 2, 5)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("failing", ["file", "entries"])
def test_a_collection_refused_while_its_entries_are_written_leaves_nothing(
    called, monkeypatch, tmp_path, failing
) -> None:
    """The entries are posted while the pain.008 is built in another thread: should the file
    be refused (here: not conforming to its XSD) or the entries fail, nothing is kept — no
    file, no entry, no mandate marked as collected — and the next try collects as usual."""
    from mutuelle import sepa
    from mutuelle.web.payments.models import Mandate, SepaFile

    def refused(*args, **kwargs):
        raise sepa.SepaError(sepa.SepaErrorCode.XSD_INVALID, "fichier non conforme (essai)")

    def broken(*args, **kwargs):
        raise RuntimeError("écritures en échec (essai)")

    if failing == "file":
        monkeypatch.setattr(sepa, "build_debit_file", refused)
    else:
        monkeypatch.setattr(journal, "post_new", broken)
    with pytest.raises((sepa.SepaError, RuntimeError)):
        collection.collect(D(2027, 1, 5))
    assert not SepaFile.objects.exists()
    assert not [
        e for e in journal.entries_of(called.number) if e.kind is EntryKind.payment_received
    ]
    assert Mandate.objects.get(adhesion=called).first_collected_on is None
    assert not list((tmp_path / "sepa").rglob("*.xml"))
    monkeypatch.undo()
    report = collection.collect(D(2027, 1, 5))
    assert report.created and report.file.count == 1
    assert Mandate.objects.get(adhesion=called).first_collected_on == D(2027, 1, 5)
