"""A year of a small demonstration population (150 households): called, collected every month,
debits rejected and re-presented, members unpaid through notice, suspension and termination, one
reinstated after paying, refunds after a termination and a death; the invariant of
``reconcile`` at every step, every file produced valid against its XSD, and the same runs again
produce nothing new. Runs on both backends (PostgreSQL with ``DATABASE_URL``)."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree
from schwifty import IBAN
from tests.web.test_payments import _document

from mutuelle.journal import AccountKind
from mutuelle.offers import load_offer
from mutuelle.sepa import bank, xsd
from mutuelle.web.billing import collection, refunds, services, unpaid
from mutuelle.web.billing.models import FormalNotice
from mutuelle.web.billing.reconcile import reconcile
from mutuelle.web.jobs import framework
from mutuelle.web.jobs import services as jobs
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.models import JournalEntry
from mutuelle.web.members import demo
from mutuelle.web.members import services as members
from mutuelle.web.members.enums import EndReason
from mutuelle.web.members.models import Adhesion, Suspension
from mutuelle.web.payments import returns
from mutuelle.web.payments import services as payments
from mutuelle.web.payments.models import SepaFile

D = dt.date


@pytest.fixture(autouse=True)
def _sepa_dir(settings, tmp_path):
    settings.MUTUELLE_SEPA_DIR = tmp_path / "sepa"
    returns.register_return_handler(collection.PURPOSE, collection.on_returns)


def _ok() -> dict:
    r = reconcile()
    assert r.ok, r.failures[:5]
    assert sum(journal.totals().values()) == 0  # the journal balances
    return r.total


def _valid(record: SepaFile) -> None:
    tree = etree.ElementTree(etree.fromstring(payments.file_bytes(record)))
    xsd.validate(tree, record.schema)  # raises on the first error


def _bill(year: int, on: dt.date) -> dict:
    run, _ = jobs.start_run("yearly-call", {"year": year, "on": on.isoformat()}, defer=False)
    return framework.run(run.pk).result


def _days() -> list[dt.date]:
    return [D(2027, m, d) for m in range(1, 13) for d in (5, 12, 22)]


@pytest.mark.django_db
def test_a_year_of_the_demonstration_population() -> None:
    demo.load_demo(
        load_offer("grenoble-2025"), households=150, today=D(2026, 11, 23), progress=lambda s: None
    )
    _ok()
    ads = list(Adhesion.objects.filter(end__isnull=True).order_by("pk"))
    old = [a for a in ads if a.start <= D(2025, 6, 1)]  # members for more than a year
    late, payer, dead = old[1], old[2], old[-1]
    # everyone pays monthly by direct debit with a signed mandate, except two who pay by
    # transfer and do not pay: « late » never, « payer » after the suspension (its mandate
    # only gives the account a refund is paid to)
    for i, a in enumerate(ads):
        mode = "transfer" if a in (late, payer) else "direct_debit"
        Adhesion.objects.filter(pk=a.pk).update(payment_mode=mode, payment_frequency="monthly")
        if a == late or payments.active_mandate(a) is not None:
            continue  # the demonstration's mandates (demo.demo_iban) are kept
        iban = IBAN.generate("FR", bank_code="30006", account_code=f"{i:011d}")
        payments.create_mandate(
            a, iban=str(iban), debtor_name=f"Membre {i}", signed_on=D(2026, 1, 2)
        )
    first = _bill(2027, D(2026, 12, 2))
    assert first["entries_posted"] > 12 * 100
    _ok()
    assert _bill(2027, D(2026, 12, 3))["entries_posted"] == 0

    files: list[SepaFile] = []
    rejected: list[str] = []
    for day in _days():
        if day.day == 5:
            report = collection.collect(day)
            assert report.file is not None and report.created
            _valid(report.file)
            files.append(report.file)
            _ok()
            if day.month == 1:  # two debits of January rejected: one re-presented, one not
                txs = list(report.file.transactions.order_by("pk")[:2])
                rejected = [t.reference.split(":")[0] for t in txs]
                codes = {txs[0].end_to_end_id: "AM04", txs[1].end_to_end_id: "MS02"}
                data = bank.status_report(
                    _document(report.file),
                    codes,
                    message_id="REJ-JAN",
                    created_at=dt.datetime(2027, 1, 7),
                )
                assert returns.import_bank_returns(data).created
                _ok()
            if day.month == 2:  # January's AM04 re-presented with February, once
                refs = set(report.file.transactions.values_list("reference", flat=True))
                assert f"{rejected[0]}:2027-01-01:2027-01-31:p2" in refs
                assert not any(r.startswith(f"{rejected[1]}:2027-01-01") for r in refs)
        if day == D(2027, 2, 22):  # « dead » died on 10 February
            members.terminate(
                Adhesion.objects.get(pk=dead.pk),
                kind="death",
                received_on=D(2027, 2, 15),
                event_date=D(2027, 2, 10),
            )
            services.call_adhesion(Adhesion.objects.get(pk=dead.pk), 2027, day)
            _ok()
        if day == D(2027, 6, 22):  # « payer » leaves: one month after reception
            members.terminate(Adhesion.objects.get(pk=payer.pk), kind="member", received_on=day)
            services.call_adhesion(Adhesion.objects.get(pk=payer.pk), 2027, day)
            _ok()
        unpaid.apply(day)
        _ok()
        if day == D(2027, 2, 12):  # suspended yesterday, « payer » pays the whole year
            total = sum(x.ttc_cents for x in services.schedule(payer.number, 2027))
            services.record_payment(payer, cents=total, on=day, mode="transfer",
                                    reference="VIR ANNUEL")  # fmt: skip
            _ok()
        if day.day == 22:
            paid = refunds.pay_refunds(day)
            if paid.file is not None:
                _valid(paid.file)
                files.append(paid.file)
            _ok()

    late = Adhesion.objects.get(pk=late.pk)
    assert (late.end, late.end_reason) == (D(2027, 2, 20), EndReason.UNPAID)
    assert journal.contribution_status(late.number).balance_cents > 0  # the arrears stay owed
    assert FormalNotice.objects.filter(adhesion=late).count() == 1
    payer = Adhesion.objects.get(pk=payer.pk)
    s = Suspension.objects.get(adhesion=payer)
    assert s.ends_at is not None  # reinstated at noon the day after paying, not terminated
    assert payer.end_reason != EndReason.UNPAID and payer.end == D(2027, 7, 22)
    # the MS02 reject went to the unpaid process: notice, suspension, termination
    no_second = Adhesion.objects.get(number=rejected[1])
    assert no_second.end_reason == EndReason.UNPAID
    assert Adhesion.objects.filter(end_reason=EndReason.UNPAID).count() >= 2
    # the dead member and the one who left got back what was paid beyond their end
    refunded = {
        a for f in files if f.kind == "transfer" for a in
        f.transactions.values_list("reference", flat=True)
    }  # fmt: skip
    assert any(dead.number in r for r in refunded) and any(payer.number in r for r in refunded)
    for a in (dead, payer):
        assert journal.contribution_status(a.number).balance_cents == 0
    assert sum(1 for f in files if f.kind == "debit") == 12
    final = _ok()
    assert final["refunded"] > 0 and final["received"] > 0

    # the same year again: nothing new anywhere
    entries = JournalEntry.objects.count()
    notices, suspensions = FormalNotice.objects.count(), Suspension.objects.count()
    assert _bill(2027, D(2027, 12, 23))["entries_posted"] == 0
    for day in _days():
        if day.day == 5:
            assert not collection.collect(day).created
    q = unpaid.apply(D(2027, 12, 22))
    assert not any(q.done.values()), q.done
    assert not refunds.pay_refunds(D(2027, 12, 22)).created
    assert JournalEntry.objects.count() == entries
    assert (FormalNotice.objects.count(), Suspension.objects.count()) == (notices, suspensions)
    assert _ok() == final
    assert (
        journal.balance_of(journal.Account(AccountKind.bank))
        == final["received"] - final["refunded"]
    )
