"""An unpaid member through notice, suspension and reinstatement at noon the day after paying."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mutuelle.documents import DocumentKind
from mutuelle.web.billing import services, unpaid
from mutuelle.web.billing.models import FormalNotice
from mutuelle.web.documents.models import ProducedDocument
from mutuelle.web.jobs import framework
from mutuelle.web.jobs import services as jobs
from mutuelle.web.members import services as members
from mutuelle.web.members.models import Adhesion, Suspension

D = dt.date


@pytest.fixture
def called(martin):
    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="transfer", payment_frequency="monthly"
    )
    run, _ = jobs.start_run("yearly-call", {"year": 2027, "on": "2026-12-02"}, defer=False)
    framework.run(run.pk)
    return Adhesion.objects.get(pk=martin.pk)


@pytest.mark.django_db
def test_notice_suspension_and_reinstatement(called) -> None:
    jan = services.schedule(called.number, 2027)[0]
    assert unpaid.apply(D(2027, 1, 11)).cases == []  # within the 10 days
    q = unpaid.apply(D(2027, 1, 12))
    assert [c.action for _, c in q.cases] == ["notice"] and q.done["notices"] == 1
    notice = FormalNotice.objects.get(adhesion=called)
    assert (notice.due_on, notice.sent_on, notice.owed_cents) == (
        D(2027, 1, 1),
        D(2027, 1, 12),
        jan.ttc_cents,
    )
    assert (
        ProducedDocument.objects.filter(adhesion=called, kind=DocumentKind.mise_en_demeure).count()
        == 1
    )
    # the same day again: nothing new
    again = unpaid.apply(D(2027, 1, 12))
    assert again.done["notices"] == 0 and FormalNotice.objects.count() == 1
    # 30 days after the notice: suspended (claims read this)
    q = unpaid.apply(D(2027, 2, 11))
    assert q.done["suspensions"] == 1
    s = Suspension.objects.get(adhesion=called)
    assert timezone.localtime(s.starts_at).date() == D(2027, 2, 11) and s.ends_at is None
    # 10 days after the suspension: the termination is due (docs I-170)
    assert [c.action for _, c in unpaid.queue(D(2027, 2, 21)).cases] == ["terminate"]
    # the member pays January and February on 21 February
    feb = services.schedule(called.number, 2027)[1]
    services.record_payment(
        called, cents=jan.ttc_cents + feb.ttc_cents, on=D(2027, 2, 21), mode="transfer",
        reference="VIR 2102",
    )  # fmt: skip
    q = unpaid.apply(D(2027, 2, 22))
    assert q.done["reinstatements"] == 1
    s.refresh_from_db()
    assert s.ends_at is not None
    assert timezone.localtime(s.ends_at).replace(tzinfo=None) == dt.datetime(2027, 2, 22, 12, 0)
    periods = members.suspension_periods([called.pk])[called.pk]
    assert len(periods) == 1
    notice.refresh_from_db()
    assert notice.resolved_on == D(2027, 2, 22)
    assert unpaid.apply(D(2027, 2, 23)).cases == []


@pytest.mark.django_db
def test_paid_before_the_suspension_closes_the_notice(called) -> None:
    jan = services.schedule(called.number, 2027)[0]
    unpaid.apply(D(2027, 1, 12))
    services.record_payment(called, cents=jan.ttc_cents, on=D(2027, 1, 20), mode="cheque",
                            reference="CHQ 1")  # fmt: skip
    q = unpaid.apply(D(2027, 1, 25))
    assert q.done["closed"] == 1 and not Suspension.objects.exists()


@pytest.mark.django_db
def test_a_staff_payment_is_recorded_once_and_refuses_bad_input(called) -> None:
    _, created = services.record_payment(
        called, cents=1000, on=D(2027, 1, 3), mode="cash", reference="R1"
    )
    _, again = services.record_payment(
        called, cents=1000, on=D(2027, 1, 3), mode="cash", reference="R1"
    )
    assert created and not again
    with pytest.raises(services.PaymentRefused, match="positif"):
        services.record_payment(called, cents=0, on=D(2027, 1, 3), mode="cash", reference="R2")
    with pytest.raises(services.PaymentRefused, match="inconnu"):
        services.record_payment(called, cents=10, on=D(2027, 1, 3), mode="bitcoin", reference="R3")


@pytest.mark.django_db
def test_still_unpaid_ten_days_after_the_suspension_the_adhesion_is_terminated(called) -> None:
    from mutuelle.journal import AccountKind
    from mutuelle.web.billing.reconcile import reconcile
    from mutuelle.web.journal import services as journal
    from mutuelle.web.members.enums import EndReason

    before = sum(line.ttc_cents for line in services.schedule(called.number, 2027))
    full_february = services.schedule(called.number, 2027)[1].ttc_cents
    unpaid.apply(D(2027, 1, 12))  # notice
    unpaid.apply(D(2027, 2, 11))  # suspension
    assert unpaid.apply(D(2027, 2, 20)).done["terminations"] == 0  # 9 days after: not yet
    q = unpaid.apply(D(2027, 2, 21))
    assert q.done["terminations"] == 1
    a = Adhesion.objects.get(pk=called.pk)
    assert (a.end, a.end_reason) == (D(2027, 2, 20), EndReason.UNPAID)
    assert all(x.end == D(2027, 2, 20) for x in a.affiliations.all())
    event = a.events.filter(kind="terminated").get()
    assert "non-paiement" in event.summary and "III-2-3" in str(event.data)
    # the calls after the last covered day are brought down (regularisation, never rewritten)
    lines = services.schedule(called.number, 2027)
    assert [x.start for x in lines] == [D(2027, 1, 1), D(2027, 2, 1)]
    assert lines[1].ttc_cents < full_february  # 20 days of February (docs I-01)
    assert sum(x.ttc_cents for x in lines) < before
    # what fell due stays owed; the identity holds
    owed = journal.balance_of(journal.Account(AccountKind.member_contributions, a.number))
    assert owed == sum(x.ttc_cents for x in lines) > 0
    assert reconcile().ok
    notice = FormalNotice.objects.get(adhesion=a)
    assert notice.resolved_on == D(2027, 2, 21)
    # the same day again, and the next: nothing new
    assert unpaid.apply(D(2027, 2, 21)).done["terminations"] == 0
    assert unpaid.apply(D(2027, 2, 22)).cases == []
    assert a.events.filter(kind="terminated").count() == 1


@pytest.mark.django_db
def test_a_day_not_run_suspends_then_terminates(called) -> None:
    unpaid.apply(D(2027, 1, 12))
    q = unpaid.apply(D(2027, 3, 1))  # nobody ran the process on 11 February
    assert (q.done["suspensions"], q.done["terminations"]) == (1, 1)
    assert Adhesion.objects.get(pk=called.pk).end == D(2027, 2, 20)


@pytest.mark.django_db
def test_paying_before_the_termination_date_cancels_it(called) -> None:
    jan, feb = services.schedule(called.number, 2027)[:2]
    unpaid.apply(D(2027, 1, 12))
    unpaid.apply(D(2027, 2, 11))
    services.record_payment(called, cents=jan.ttc_cents + feb.ttc_cents, on=D(2027, 2, 19),
                            mode="transfer", reference="VIR 1902")  # fmt: skip
    q = unpaid.apply(D(2027, 2, 21))
    assert q.done["terminations"] == 0 and q.done["reinstatements"] == 1
    assert Adhesion.objects.get(pk=called.pk).end is None


@pytest.mark.django_db
def test_staff_start_the_day_and_the_collection_as_batch_runs(called, client, staff) -> None:
    from tests.web.conftest import login

    from mutuelle.web.jobs.models import BatchRun

    run, _ = jobs.start_run("unpaid-day", {"on": "2027-01-12"}, defer=False)
    done = framework.run(run.pk)
    assert done.result["notices"] == 1 and FormalNotice.objects.count() == 1
    again, _ = jobs.start_run("unpaid-day", {"on": "2027-01-12"}, idempotency_key="x", defer=False)
    assert framework.run(again.pk).result.get("notices", 0) == 0
    with pytest.raises(framework.ParameterError, match="date"):
        jobs.start_run("unpaid-day", {"on": "12/01/2027"}, defer=False)
    # the collection of a day: nothing is due by debit for a transfer payer, said as such
    run, _ = jobs.start_run("sepa-collect", {"on": "2027-01-05"}, defer=False)
    done = framework.run(run.pk)
    assert done.result.get("debits", 0) == 0 and done.done == 1
    assert BatchRun.objects.filter(kind="sepa-collect").count() == 1
    # from the back office: started by a staff member, watched until done
    login(client, staff)
    page = client.get("/gestion/jobs/batchrun/lancer/").content.decode()
    assert "unpaid-day" in page and "sepa-collect" in page
    posted = client.post(
        "/gestion/jobs/batchrun/lancer/",
        {"kind": "unpaid-day", "parameters": "on=2027-02-11", "key": ""},
    )
    run = BatchRun.objects.get(kind="unpaid-day", started_by=staff)
    assert posted.status_code == 302 and run.status == "queued"
    jobs.run_pending_once()
    detail = client.get(f"/gestion/jobs/batchrun/{run.pk}/change/").content.decode()
    assert "Terminé" in detail and Suspension.objects.filter(adhesion=called).exists()
