"""The back-office pages of billing, as staff use them: the unpaid queue, a member's account,
a payment recorded; clear errors for bad input."""

from __future__ import annotations

import pytest
from tests.web.conftest import login

from mutuelle.web.jobs import framework
from mutuelle.web.jobs import services as jobs
from mutuelle.web.members.models import Adhesion


@pytest.fixture
def called(martin):
    Adhesion.objects.filter(pk=martin.pk).update(
        payment_mode="transfer", payment_frequency="monthly"
    )
    run, _ = jobs.start_run("yearly-call", {"year": 2027, "on": "2026-12-02"}, defer=False)
    framework.run(run.pk)
    return martin


@pytest.mark.django_db
def test_staff_sends_the_notices_and_records_a_payment(client, staff, called) -> None:
    login(client, staff)
    page = client.get("/gestion/cotisations/impayes/?on=2027-01-12")
    assert page.status_code == 200
    html = page.content.decode()
    assert called.number in html and "Mise en demeure à envoyer" in html
    done = client.post("/gestion/cotisations/impayes/?on=2027-01-12", follow=True)
    assert "1 mise(s) en demeure" in done.content.decode()
    account = client.get(f"/gestion/cotisations/adhesion/{called.number}/?year=2027")
    text = account.content.decode()
    assert "Appel de cotisation" in text and "Échéancier" in text
    bad = client.post(
        f"/gestion/cotisations/adhesion/{called.number}/",
        {"amount": "douze", "mode": "cheque", "received_on": "2027-01-20", "reference": "C1"},
    )
    assert bad.status_code == 200 and "montant illisible" in bad.content.decode()
    ok = client.post(
        f"/gestion/cotisations/adhesion/{called.number}/",
        {"amount": "150,00", "mode": "cheque", "received_on": "2027-01-20", "reference": "C1"},
        follow=True,
    )
    assert "Paiement de 150,00" in ok.content.decode()
    # a bad date in the queue's address is said, not a 500
    odd = client.get("/gestion/cotisations/impayes/?on=demain")
    assert odd.status_code == 200 and "date illisible" in odd.content.decode()
    # the adhesion page links to the account
    change = client.get(f"/gestion/members/adhesion/{called.pk}/change/")
    assert f"/gestion/cotisations/adhesion/{called.number}/" in change.content.decode()


@pytest.mark.django_db
def test_pages_need_a_staff_login(client, called) -> None:
    page = client.get(f"/gestion/cotisations/adhesion/{called.number}/")
    assert page.status_code == 302 and "/gestion/login/" in page["Location"]
