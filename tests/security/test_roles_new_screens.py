"""The role table of issue 12 over the screens merged after the first pass: the payments admin
(mandates, SEPA files, bank returns), billing's contribution account and unpaid queue, the back
office's decision on an online request and the counter enrolment, the committee's reports.
Each role reaches exactly its screens; the readers (direction, auditeur) act on none; the town
reaches none of them; the IBAN is in clear to comptabilité and administrateur only, each clear
display in the access log."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from tests.factories import ProducedDocumentFactory
from tests.security.conftest import close_download

from mutuelle.web.jobs.models import BatchRun
from mutuelle.web.payments import services as payments
from mutuelle.web.security import roles
from mutuelle.web.security.models import AccessLog

IBAN = "FR7630006000011234567890189"
CLEAR = "FR76 3000 6000 0112 3456 7890 189"
MASKED = "FR76 •••• •••• •••• •••• •••• 189"

SCREENS = (
    "mandates",  # the payments admin: list of mandates
    "mandate",  # one mandate's page
    "iban_clear",  # its IBAN in clear (else masked)
    "sepa_xml",  # download of a SEPA file (every IBAN in clear)
    "returns_import",  # import the bank's returns (an act on money)
    "account",  # a member's contribution account (billing)
    "pay",  # record a payment received at the desk
    "unpaid",  # the unpaid queue (billing)
    "decide",  # validate / refuse an online request (back office)
    "counter",  # enrolment at the counter
    "committee",  # the committee's reports (preview, exports)
    "publish",  # publish a report for the town (an act)
    "journal",  # the money journal's entries
    "letter",  # a member's produced letter (PDF: a call, a notice, a certificate)
    "batch",  # start a batch run (calls, collections, letters: an act)
)
Y, N = True, False
TABLE = {
    #               mnds mnd iban xml imp acct pay unp dec ctr com pub jrn pdf bat
    "accueil":        (N, N, N, N, N, Y, N, N, Y, Y, N, N, N, N, N),
    "prestations":    (N, N, N, N, N, Y, N, N, N, N, N, N, N, N, N),
    "comptabilite":   (Y, Y, Y, Y, Y, Y, Y, Y, N, N, N, N, Y, Y, Y),
    "reclamations":   (N, N, N, N, N, Y, N, N, N, N, N, N, N, N, N),
    "direction":      (Y, Y, N, N, N, Y, N, Y, N, N, Y, N, Y, Y, N),
    "auditeur":       (Y, Y, N, N, N, Y, N, Y, N, N, Y, N, Y, Y, N),
    "ville":          (N, N, N, N, N, N, N, N, N, N, N, N, N, N, N),
    "administrateur": (Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y),
}  # fmt: skip


def test_the_table_covers_every_role() -> None:
    assert set(TABLE) == set(roles.ROLES)


@pytest.fixture
def collected(martin, settings, tmp_path):
    settings.MUTUELLE_SEPA_DIR = tmp_path / "sepa"
    mandate = payments.create_mandate(
        martin, iban=IBAN, debtor_name="Claire Martin", signed_on=dt.date(2024, 12, 10)
    )
    record, _ = payments.produce_debit_file(
        dt.date(2025, 1, 6),
        [payments.DebitInstruction(mandate.pk, 9_811, "echeance:1", "Cotisation 01/2025")],
        idempotency_key="debit:roles",
    )
    settings.MUTUELLE_DOCUMENTS_DIR = str(tmp_path / "documents")
    letter = ProducedDocumentFactory(adhesion=martin)
    return martin, mandate, record, letter


def reach(client, screen: str, adhesion, mandate, record, letter=None) -> bool:
    mandate_url = reverse("admin:payments_mandate_change", args=[mandate.pk])
    account_url = reverse("billing:account", args=[adhesion.number])
    if screen == "mandates":
        return client.get(reverse("admin:payments_mandate_changelist")).status_code == 200
    if screen == "mandate":
        return client.get(mandate_url).status_code == 200
    if screen == "iban_clear":
        r = client.get(mandate_url)
        if r.status_code != 200:
            return False
        text = r.content.decode()
        assert (CLEAR in text) != (MASKED in text), "the IBAN is shown once, clear or masked"
        assert IBAN not in text or CLEAR in text
        return CLEAR in text
    if screen == "sepa_xml":
        r = client.get(reverse("admin:payments_sepafile_download", args=[record.pk]))
        return r.status_code == 200 and IBAN.encode() in r.content
    if screen == "returns_import":
        return client.get(reverse("admin:payments_bankreturnfile_import")).status_code == 200
    if screen == "account":
        return client.get(account_url).status_code == 200
    if screen == "pay":
        data = {"amount": "10,00", "mode": "cheque", "received_on": "2026-11-02",
                "reference": f"chèque {id(client)}"}  # fmt: skip
        r = client.post(account_url, data)
        return r.status_code == 302 and r["Location"] == account_url
    if screen == "unpaid":
        return client.get(reverse("billing:unpaid")).status_code == 200
    if screen == "decide":
        url = reverse("admin:members_adhesion_refuse", args=[adhesion.pk])
        return client.get(url).status_code == 200
    if screen == "counter":
        return client.get(reverse("admin:members_adhesion_counter")).status_code == 200
    if screen == "committee":
        return client.get(reverse("admin:reporting_committee")).status_code == 200
    if screen == "publish":
        r = client.post(reverse("admin:reporting_preview", args=["2025-Q1"]))
        return r.status_code == 302  # published, or told why not; a reader gets 403
    if screen == "journal":
        return client.get(reverse("admin:journal_journalentry_changelist")).status_code == 200
    if screen == "letter":
        r = client.get(reverse("admin:documents_produceddocument_pdf", args=[letter.pk]))
        if r.status_code == 200:
            close_download(r)
        return r.status_code == 200
    if screen == "batch":
        r = client.post(reverse("admin:jobs_batchrun_start"), {})  # an empty form: no run
        return r.status_code == 200 and not BatchRun.objects.exists()
    raise AssertionError(screen)


@pytest.mark.parametrize("role", list(TABLE))
def test_each_role_reaches_exactly_the_new_screens(role, as_role, collected) -> None:
    adhesion, mandate, record, letter = collected
    client, user = as_role(role)
    got = {s: reach(client, s, adhesion, mandate, record, letter) for s in SCREENS}
    assert got == dict(zip(SCREENS, TABLE[role], strict=True))
    clear_logged = AccessLog.objects.filter(
        username=user.username, subject_type="payments.mandate", what__contains="IBAN en clair"
    )
    # Every clear display of the IBAN (page or SEPA file) left its row; a masked one none.
    assert clear_logged.exists() == TABLE[role][SCREENS.index("iban_clear")]
    if TABLE[role][SCREENS.index("account")]:
        assert AccessLog.objects.filter(
            username=user.username, adhesion_number=adhesion.number, what="compte cotisations"
        ).exists()
    if TABLE[role][SCREENS.index("letter")]:  # the letter's opening is logged
        assert AccessLog.objects.filter(
            username=user.username, subject_type="documents.produceddocument", action="download"
        ).exists()


def test_an_account_change_shows_both_accounts_as_the_role_may(as_role, collected) -> None:
    _, mandate, _, _ = collected
    other = "FR1420041010050500013M02606"
    payments.change_account(mandate, iban=other, on=dt.date(2025, 1, 20))
    url = reverse("admin:payments_mandate_change", args=[mandate.pk])
    client, user = as_role("comptabilite")
    page = client.get(url).content.decode()
    assert "FR14 2004 1010 0505 0001 3M02 606" in page and CLEAR in page
    logged = set(AccessLog.objects.filter(username=user.username).values_list("what", flat=True))
    assert any("compte précédent" in w for w in logged)
    assert any("nouveau compte" in w for w in logged)
    client.logout()
    client, _ = as_role("direction")
    page = client.get(url).content.decode()
    assert other not in page and "FR14 2004 1010 0505 0001 3M02 606" not in page
    assert "FR14 •••• •••• •••• •••• •••• 606" in page and MASKED in page


@pytest.mark.parametrize("role", ["direction", "auditeur"])
def test_the_readers_send_no_formal_notice(role, as_role, collected) -> None:
    client, _ = as_role(role)
    r = client.post(reverse("billing:unpaid"), follow=True)
    assert "pas le droit d'envoyer les mises en demeure" in html.unescape(r.content.decode())
