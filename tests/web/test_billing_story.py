"""A year of one member, end to end: called, collected, a debit rejected and re-presented, a
death, the call regularised, the refund paid by transfer; the invariant holds at every step and
a rerun produces nothing new."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.web.test_payments import SAME_BANK, _document

from mutuelle.journal import EntryKind
from mutuelle.sepa import bank
from mutuelle.web.billing import collection, refunds, services
from mutuelle.web.billing.reconcile import reconcile
from mutuelle.web.jobs import framework
from mutuelle.web.jobs import services as jobs
from mutuelle.web.journal import services as journal
from mutuelle.web.members import services as members
from mutuelle.web.members.models import Adhesion
from mutuelle.web.payments import returns
from mutuelle.web.payments import services as payments

D = dt.date


@pytest.fixture(autouse=True)
def _sepa_dir(settings, tmp_path):
    settings.MUTUELLE_SEPA_DIR = tmp_path / "sepa"
    # tests/web/test_payments.py pops the « contribution » handler after its own tests
    returns.register_return_handler(collection.PURPOSE, collection.on_returns)


def _ok() -> dict:
    r = reconcile()
    assert r.ok, r.failures
    return r.total


@pytest.mark.django_db
def test_a_year_called_collected_rejected_ended_and_refunded(martin) -> None:
    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="direct_debit", payment_frequency="monthly"
    )
    payments.create_mandate(
        martin, iban=SAME_BANK, debtor_name="Claire Martin", signed_on=D(2024, 12, 10)
    )
    _ok()
    run, _ = jobs.start_run("yearly-call", {"year": 2027, "on": "2026-12-02"}, defer=False)
    framework.run(run.pk)
    _ok()
    jan = collection.collect(D(2027, 1, 5))
    e2e = jan.file.transactions.get().end_to_end_id
    returns.import_bank_returns(
        bank.status_report(
            _document(jan.file), {e2e: "AM04"}, message_id="R1", created_at=dt.datetime(2027, 1, 6)
        )
    )
    _ok()
    feb = collection.collect(D(2027, 2, 5))  # January re-presented with February
    assert feb.file.count == 2
    sepa_xml = payments.file_bytes(feb.file)
    assert b"pain.008.001.08" in sepa_xml
    _ok()
    # Claire dies on 10 February; the call is regularised, the money beyond refunded.
    members.terminate(
        Adhesion.objects.get(pk=martin.pk),
        kind="death",
        received_on=D(2027, 2, 15),
        event_date=D(2027, 2, 10),
    )
    a = Adhesion.objects.get(pk=martin.pk)
    call = services.call_adhesion(a, 2027, D(2027, 2, 16))
    assert {e.kind for e in call.entries} == {EntryKind.contribution_regularisation}
    total = _ok()
    credit = -journal.contribution_status(a.number).balance_cents
    assert credit > 0
    done = refunds.pay_refunds(D(2027, 2, 20))
    assert done.created and done.refunds == [(a.number, credit)]
    assert b"pain.001.001.09" in payments.file_bytes(done.file)
    after = _ok()
    assert after["refunded"] == total["refunded"] + credit
    assert journal.contribution_status(a.number).balance_cents == 0
    # the same runs again: nothing new
    assert not refunds.pay_refunds(D(2027, 2, 20)).created
    assert refunds.pay_refunds(D(2027, 2, 21)).file is None
    assert services.call_adhesion(a, 2027, D(2027, 2, 22)).entries == ()
    assert _ok() == after


@pytest.mark.django_db
def test_reconcile_command_exits_non_zero_when_the_identity_fails(martin, capsys) -> None:
    import json

    from mutuelle import cli
    from mutuelle.journal import Account, AccountKind, Entry, Posting

    assert cli.main(["reconcile", "--json"]) == 0
    # an entry of a kind billing does not know lands on the member's account
    journal.post(
        Entry(
            key="odd",
            kind=EntryKind.benefit_paid,
            date=D(2027, 1, 1),
            period_start=D(2027, 1, 1),
            period_end=D(2027, 1, 1),
            postings=(
                Posting(Account(AccountKind.member_contributions, martin.number), 100),
                Posting(Account(AccountKind.bank), -100),
            ),
            source="essai",
            memo="essai",
        )
    )
    capsys.readouterr()
    assert cli.main(["reconcile", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert not out["ok"] and "Prestation payée" in out["failures"][0]
