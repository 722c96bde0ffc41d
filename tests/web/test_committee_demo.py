"""The demonstration with its money (issue 13's last « done when »), tried as a new user would:
the town's health officer prepares the steering committee on the demonstration population,
after its contributions were called and collected (a few debits rejected, members unpaid,
suspended, one reinstated) and its care settled and paid, month by month, up to today."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html import unescape

import pytest
from tests.web.test_town_view import pdf_text, personal_strings, xlsx_text

from mutuelle.journal import AccountKind
from mutuelle.offers import load_offer
from mutuelle.reporting.disclosure import SECRET_MARK
from mutuelle.web.billing.models import FormalNotice
from mutuelle.web.billing.reconcile import reconcile
from mutuelle.web.claims.models import PaymentBatch
from mutuelle.web.journal import services as journal
from mutuelle.web.members import demo
from mutuelle.web.members.models import Suspension
from mutuelle.web.payments.models import BankReturnLine, SepaFile
from mutuelle.web.reporting import services
from mutuelle.web.reporting.demo import TOWN_PASSWORD, TOWN_USER
from mutuelle.web.reporting.demo_money import DEMO_LOADINGS_SOURCE

TODAY = dt.date(2026, 11, 23)
QUARTER = "2026-Q3"  # the last closed quarter on TODAY


@pytest.fixture(autouse=True)
def _sepa_dir(settings, tmp_path):
    settings.MUTUELLE_SEPA_DIR = tmp_path / "sepa"


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.django_db
def test_the_towns_health_officer_prepares_the_meeting_on_a_demo_with_money(client) -> None:
    counts = demo.load_demo(
        load_offer("grenoble-2025"), households=200, today=TODAY, progress=lambda s: None,
        money=True,
    )  # fmt: skip
    # The year happened through billing's and claims' own services.
    assert counts["call_entries"] > 200 * 10 and counts["debits"] > 1000
    assert SepaFile.objects.filter(kind="debit").count() >= 20
    assert BankReturnLine.objects.exists()  # debits rejected by a pain.002
    assert FormalNotice.objects.exists() and Suspension.objects.exists()
    assert Suspension.objects.filter(ends_at__isnull=False).count() == 1  # one reinstated
    assert counts["claim_lines_settled"] > 1000 and PaymentBatch.objects.exists()
    r = reconcile()
    assert r.ok, r.failures[:5]
    assert sum(journal.totals().values()) == 0
    assert journal.balance_of(journal.Account(AccountKind.contributions)) < 0

    # 1. The town's account logs in and finds the last closed quarter.
    r = client.post(
        "/ville/connexion/", {"username": TOWN_USER, "password": TOWN_PASSWORD}, follow=True
    )
    assert r.status_code == 200 and "3e trimestre 2026" in r.text
    page = client.get(f"/ville/rapport/{QUARTER}/")
    assert page.status_code == 200
    html = unescape(page.text)
    assert "pas encore disponible" not in html
    assert "ne sont pas encore enregistrées" not in html
    # 2. The money is there: contributions net of taxes, spending by care category, the P/C
    # with the demonstration's loadings rate said to be one.
    report = services.published(QUARTER)
    pc = report.section("pc")
    assert not pc.unavailable
    spending = report.section("spending")
    assert not spending.unavailable and spending.tables
    assert DEMO_LOADINGS_SOURCE in html

    csv_text = client.get(f"/ville/rapport/{QUARTER}.csv").content.decode("utf-8-sig")
    rows = _cells(csv_text)
    head = rows[0]
    section, number, value = head.index("section"), head.index("indicateur"), head.index("valeur")
    secret = head.index("texte")
    money = [r for r in rows[1:] if len(r) > value and "P/C" in r[section] and r[value]]
    assert money, "the P/C's terms are in the export"
    care = [r for r in rows[1:] if len(r) > value and r[number] == "5"]
    shown = [r for r in care if r[value] not in ("", "0")]
    assert shown, "some spending by care category is shown"
    for row in rows[1:]:
        if len(row) > secret and row[secret] == SECRET_MARK:
            assert row[value] == ""  # a suppressed cell never carries its value

    xlsx = client.get(f"/ville/rapport/{QUARTER}.xlsx")
    assert xlsx.status_code == 200
    book = xlsx_text(xlsx.content)
    pdf = client.get(f"/ville/rapport/{QUARTER}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    flat = " ".join(text.split())
    assert "Rapport P/C" in flat and "taux de démonstration" in flat
    assert "pas encore disponible" not in flat
    # 3. Never one person's data, anywhere the town looks.
    for s in personal_strings():
        for where, got in (("page", html), ("csv", csv_text), ("xlsx", book), ("pdf", text)):
            assert s not in got, (where, s)
