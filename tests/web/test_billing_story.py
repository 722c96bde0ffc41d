"""A year of one member, end to end: called, collected, a debit rejected and re-presented, a
death, the call regularised, the refund paid by transfer; the invariant holds at every step and
a rerun produces nothing new."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from tests.web.test_payments import SAME_BANK, _document

from mutuelle.journal import EntryKind
from mutuelle.money import format_euros
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


@pytest.mark.django_db
def test_a_staff_member_runs_january_handles_the_rejects_sends_the_notices_and_reinstates(
    client, martin, django_user_model
) -> None:
    """Tried as a new user would (issue 10), in the back office only, as a member of
    comptabilité: the year called and January collected as batch runs, the collection file
    downloaded, the bank's reject imported (its charge called back, III-2-4), the formal notice
    sent and its letter printed, the suspension, a payment recorded at the desk, and the member
    reinstated at noon the day after paying."""
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from tests.security.conftest import close_download
    from tests.web.conftest import login

    from mutuelle.web.jobs.models import BatchRun
    from mutuelle.web.members.models import Suspension
    from mutuelle.web.payments.models import SepaFile

    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="direct_debit", payment_frequency="monthly"
    )
    payments.create_mandate(
        martin, iban=SAME_BANK, debtor_name="Claire Martin", signed_on=D(2024, 12, 10)
    )
    user = django_user_model.objects.create_user("agent.compta", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Comptabilité"))
    login(client, user)

    def start(kind: str, parameters: str) -> BatchRun:
        r = client.post(
            "/gestion/jobs/batchrun/lancer/", {"kind": kind, "parameters": parameters, "key": ""}
        )
        assert r.status_code == 302, r.content.decode()[:500]
        run = BatchRun.objects.filter(kind=kind, started_by=user).latest("pk")
        jobs.run_pending_once()  # what `mutuelle serve` (or the worker) does
        page = client.get(f"/gestion/jobs/batchrun/{run.pk}/change/").content.decode()
        assert "Terminé" in page, page[:500]
        return run

    start("yearly-call", "year=2027\non=2026-12-02")
    start("sepa-collect", "on=2027-01-05")
    jan = SepaFile.objects.get(date=D(2027, 1, 5))
    xml = client.get(reverse("admin:payments_sepafile_download", args=[jan.pk]))
    assert xml.status_code == 200
    close_download(xml)
    _ok()
    # the bank refuses the debit (MS02, the debtor's refusal: not presented again) and charges
    e2e = jan.transactions.get().end_to_end_id
    data = bank.status_report(
        _document(jan), {e2e: "MS02"}, message_id="R-JAN", created_at=dt.datetime(2027, 1, 7),
        charges={e2e: 750},
    )  # fmt: skip
    imported = client.post(
        reverse("admin:payments_bankreturnfile_import"),
        {"file": SimpleUploadedFile("rejets-janvier.xml", data, "text/xml")},
        follow=True,
    )
    text = imported.content.decode()
    assert "1 rejet(s) ou retour(s) enregistré(s)" in text
    assert "7,50 €" in text and "refacturés à l&#x27;adhérent" in text
    account = client.get(f"/gestion/cotisations/adhesion/{martin.number}/?year=2027")
    text = account.content.decode()
    assert "Paiement rejeté" in text and "Frais de rejet" in text and "MS02" in text
    _ok()
    # the formal notice on the 11th day after the due date, and its letter to print
    queue = client.get("/gestion/cotisations/impayes/?on=2027-01-12").content.decode()
    assert martin.number in queue and "Mise en demeure à envoyer" in queue
    done = client.post("/gestion/cotisations/impayes/?on=2027-01-12", follow=True)
    text = done.content.decode()
    assert "1 mise(s) en demeure" in text and "Lettres du jour" in text
    [pdf_url] = re.findall(r'href="([^"]+)">Mise en demeure \(PDF\)', text)
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    close_download(pdf)
    # 30 days later, still unpaid: cover suspended
    client.post("/gestion/cotisations/impayes/?on=2027-02-11")
    assert Suspension.objects.filter(adhesion=martin, ends_at__isnull=True).exists()
    # Claire pays what fell due at the desk on 15 February (not the fee: owed apart)
    owed = journal.contribution_status(martin.number).owed_on(D(2027, 2, 16))
    amount = f"{owed // 100},{owed % 100:02d}"
    paid = client.post(
        f"/gestion/cotisations/adhesion/{martin.number}/",
        {"amount": amount, "mode": "transfer", "received_on": "2027-02-15", "reference": "V1"},
        follow=True,
    )
    assert f"Paiement de {amount}" in paid.content.decode().replace("\u202f", " ")
    queue = client.get("/gestion/cotisations/impayes/?on=2027-02-16").content.decode()
    assert "Garanties à remettre en vigueur" in queue
    client.post("/gestion/cotisations/impayes/?on=2027-02-16")
    s = Suspension.objects.get(adhesion=martin)
    assert timezone.localtime(s.ends_at) == timezone.make_aware(dt.datetime(2027, 2, 16, 12))
    status = journal.contribution_status(martin.number)
    assert status.owed_on(D(2027, 2, 16)) == 0 and status.fees_left_cents == 750
    # then the fee, at the desk: it pays the fee, not a later month
    client.post(
        f"/gestion/cotisations/adhesion/{martin.number}/",
        {"amount": "7,50", "mode": "cash", "received_on": "2027-02-17", "reference": "FRAIS-1"},
    )
    page = client.get(f"/gestion/cotisations/adhesion/{martin.number}/?year=2027")
    fees_row = f"{format_euros(750)} ({format_euros(0)})"
    assert fees_row in page.content.decode()
    assert journal.contribution_status(martin.number).owed_on(D(2027, 2, 18)) == 0
    _ok()
