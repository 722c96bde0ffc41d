"""The town's health officer prepares the quarterly steering committee (issue 13), in a real
browser: logs in, reads the latest published report (aggregates only, small figures « s »,
what is behind in red), opens another period and downloads the XLSX for the meeting. Checked
with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from tests.e2e.conftest import DESKTOP
from tests.e2e.helpers import assert_accessible, text_of

from mutuelle.offers import load_offer
from mutuelle.web.members import demo
from mutuelle.web.reporting.demo import TOWN_PASSWORD, TOWN_USER
from mutuelle.web.reporting.models import Publication

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_health_officer_reads_the_latest_report_and_downloads_it(page, tmp_path) -> None:
    demo.load_demo(load_offer("grenoble-2025"), households=200, progress=lambda s: None)
    if not Publication.objects.exists():
        pytest.skip("aucune période terminée à la date du jour : pas de rapport à publier")
    page.set_viewport_size(DESKTOP)
    page.goto("/ville/")
    assert "/ville/connexion/" in page.url
    page.get_by_label("Identifiant").fill(TOWN_USER)
    page.get_by_label("Mot de passe").fill(TOWN_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("article.report")
    assert_accessible(page, "tableau de bord de la Ville")
    title = text_of(page, "article.report h2")
    assert title.startswith("Mutuelle communale — rapport au comité de pilotage")
    assert "Nombre d'adhérent-es" in text_of(page, "#section-members")
    assert "Engagements de la convention" in text_of(page, "#section-outreach")
    assert "as encore disponible : la facturation" in text_of(page, "#section-pc")
    assert page.locator("figure.chart svg title").count() >= 1
    # Another period, from the list of published reports.
    links = page.locator("nav[aria-label='Rapports publiés'] a")
    links.nth(links.count() - 1).click()
    page.wait_for_selector("article.report")
    with page.expect_download() as dl:
        page.get_by_role("link", name="rapport à imprimer (PDF)").click()
    pdf = tmp_path / "rapport.pdf"
    dl.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    with page.expect_download() as dl:
        page.get_by_role("link", name="classeur (XLSX)").click()
    path = tmp_path / "rapport.xlsx"
    dl.value.save_as(path)
    assert path.stat().st_size > 2000
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    assert book.sheetnames[0] == "Rapport"
    assert any(name.startswith("1.") for name in book.sheetnames)
