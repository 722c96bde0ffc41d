"""The four visitors of issue 5, in a real browser at phone width, and the story a person
follows from the simulator to the back office. Each page a visitor reaches is checked with
axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from tests.e2e.helpers import assert_accessible, focused_id, text_of
from tests.web.conftest import totp_code
from tests.web.test_public_site import tiny_pdf

from mutuelle.web.members.models import Adhesion
from mutuelle.web.public.models import CssOrientation

pytestmark = pytest.mark.django_db(transaction=True)

THIS_YEAR = timezone.localdate().year


def simulate(page, fill) -> None:  # type: ignore[no-untyped-def]
    page.goto("/")
    page.get_by_role("link", name="Simuler ma cotisation").first.click()
    fill(page)
    page.get_by_role("button", name="Voir les cotisations").click()
    page.wait_for_selector("#resultats")


def test_a_72_year_old_alone_sees_every_formula_and_the_css_ceilings_first(page) -> None:
    born = f"04/05/{THIS_YEAR - 72}"

    def fill(p):  # type: ignore[no-untyped-def]
        p.get_by_label("Votre date de naissance").fill(born)
        p.get_by_label("À partir de quand").fill(f"01/01/{THIS_YEAR + 1}")

    simulate(page, fill)
    result = text_of(page, "section.result")
    # CSS first: the ceilings for one person come before any formula.
    assert result.index("Complémentaire santé solidaire") < result.index("côte à côte")
    assert "Pour un foyer de 1 personne" in result
    rows = page.locator("table:has(caption:text('Cotisation du foyer par formule')) tbody tr")
    assert rows.count() == 5
    names = [rows.nth(i).locator("th").inner_text() for i in range(5)]
    assert [n.split()[0] for n in names] == [
        "Bauges",
        "Vercors",
        "Belledonne",
        "Beaufortain",
        "Vanoise",
    ]
    assert "la moins chère" in names[0]
    assert re.search(r"Vous \(73 ans en \d{4}\)", result)  # tariff age: year − birth year
    assert "Un bébé à venir" not in result
    # The focus moved to the result (announced to screen readers).
    assert focused_id(page, "resultats") == "resultats"
    assert_accessible(page, "résultat du simulateur (72 ans)")


def test_a_student_is_told_she_probably_gets_the_free_css_and_it_is_counted(page) -> None:
    def fill(p):  # type: ignore[no-untyped-def]
        p.get_by_label("Étudiant-e dans l'enseignement supérieur").check()
        p.get_by_label("Votre date de naissance").fill(f"11/02/{THIS_YEAR - 21}")
        p.get_by_label("Ressources de votre foyer").fill("6 000")

    simulate(page, fill)
    verdict = text_of(page, ".verdict")
    assert verdict == (
        "Votre foyer a probablement droit à la Complémentaire santé solidaire gratuite."
    )
    block = text_of(page, "section.notice")
    assert "Plafond CSS gratuite 10 339,00 €" in block  # the figures used
    assert "Où faire la demande" in block and "ameli.fr" in block
    # Student tariff, every formula, still shown after the CSS advice.
    assert "gamme « Étudiant-es »" in text_of(page, "section.result")
    # Counted once, anonymously; a second display the same day is not counted again.
    page.get_by_role("button", name="Voir les cotisations").click()
    page.wait_for_selector("#resultats")
    rows = list(CssOrientation.objects.values("verdict", "channel", "count"))
    assert rows == [{"verdict": "free", "channel": "web", "count": 1}]
    assert_accessible(page, "résultat CSS (étudiante)")


def test_a_self_employed_baker_gets_the_tns_offer_and_its_family_rate(page) -> None:
    def fill(p):  # type: ignore[no-untyped-def]
        p.get_by_label("Travailleur-euse non salarié-e à Grenoble").check()
        p.get_by_label("Votre date de naissance").fill("03/10/1975")
        p.get_by_label("Date de naissance de votre conjoint-e").fill("17/02/1977")
        for birth in ("30/05/2010", "01/12/2013"):
            p.get_by_role("button", name="Ajouter un enfant").click()
            n = p.locator(".child-row").count()
            p.get_by_label(f"Date de naissance de l'enfant n° {n}").fill(birth)
        p.get_by_label("À partir de quand").fill(f"01/01/{THIS_YEAR + 1}")

    simulate(page, fill)
    result = text_of(page, "section.result")
    assert "Travailleur-euses non salarié-es (TNS Santé)" in result
    rows = page.locator("table:has(caption:text('Cotisation du foyer par formule')) tbody tr")
    assert rows.count() == 7  # ASOCLR … AER
    assert "taux unique familial" in result
    detail = text_of(page, "table:has(caption:text('Cotisation mensuelle de chaque personne'))")
    assert "compris" in detail  # spouse and children inside the family rate
    assert "Mode de calcul : taux unique familial (toute la famille pour un seul prix)" in result
    assert_accessible(page, "résultat TNS (boulanger)")


def test_a_family_of_five_simulates_compares_is_oriented_then_asks_to_join(page) -> None:
    baby = timezone.localdate() - dt.timedelta(days=40)

    def fill(p):  # type: ignore[no-untyped-def]
        p.get_by_label("Votre date de naissance").fill("15/06/1985")
        p.get_by_label("Date de naissance de votre conjoint-e").fill("10/09/1986")
        for birth in ("02/03/2012", "20/11/2016", baby.strftime("%d/%m/%Y")):
            p.get_by_role("button", name="Ajouter un enfant").click()
            n = p.locator(".child-row").count()
            p.get_by_label(f"Date de naissance de l'enfant n° {n}").fill(birth)
        p.get_by_label("À partir de quand").fill(timezone.localdate().strftime("01/%m/%Y"))
        p.get_by_label("Ressources de votre foyer").fill("30000")

    simulate(page, fill)
    # Oriented: 5 persons, 30 000 € is between the two ceilings of the 2025 table.
    verdict = text_of(page, ".verdict")
    assert "avec une participation de" in verdict
    assert "Personnes comptées dans le foyer 5" in text_of(page, "section.notice")
    detail = text_of(page, "table:has(caption:text('Cotisation mensuelle de chaque personne'))")
    assert "gratuit jusqu'au" in detail  # the newborn's free months
    assert_accessible(page, "résultat famille de cinq")

    # Compare by needs: the household comes from the simulator.
    page.get_by_role("link", name="Comparer selon mes soins").click()
    page.wait_for_selector("#besoins")
    assert "Votre foyer : particulier" in text_of(page, "main")
    page.get_by_role("group", name=re.compile("Pour vous")).get_by_label(
        "Nouvelles lunettes à verres progressifs"
    ).fill("1")
    page.get_by_role("group", name=re.compile("Pour l.enfant n° 1")).get_by_label(
        "Semestres d'orthodontie"
    ).fill("2")
    page.get_by_role("group", name=re.compile("Pour votre conjoint-e")).get_by_label(
        "Séances d'ostéopathe"
    ).fill("4")
    page.get_by_role("button", name="Comparer le coût total").click()
    page.wait_for_selector("#resultats")
    table = page.locator("table:has(caption:text('Cotisation + reste à charge'))")
    best = table.locator("tr.is-best-col")
    assert best.count() == 1 and "coût total le plus bas" in best.inner_text()
    assert page.locator("svg[role=img] title").first.text_content().startswith("Coût total")
    assert "prix typiques de 2025" in text_of(page, "main")
    assert_accessible(page, "conseil selon les soins")
    best_formula = best.locator("th").inner_text().split()[0]

    # Ask to join with that formula.
    page.get_by_role("link", name=f"Demander mon adhésion en formule {best_formula}").click()
    page.wait_for_selector("#id_iban")
    assert page.get_by_label("Formule choisie").input_value() == best_formula
    page.get_by_role("checkbox", name="J'habite à Grenoble").check()
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Prénom", exact=True).fill("Claire")
    page.get_by_label("Date de naissance", exact=True).fill("15/06/1985")
    page.get_by_label("Adresse électronique").fill("claire.martin@example.org")
    page.get_by_label("Adresse", exact=True).fill("12 rue des Alpes")
    page.get_by_label("Code postal").fill("38000")
    page.get_by_label("Commune").fill("Grenoble")
    # The household typed in the simulator is already there: only the names are missing.
    assert page.get_by_label("Date de naissance du ou de la conjoint-e").input_value()
    page.get_by_label("Nom du ou de la conjoint-e (facultatif)", exact=True).fill("Martin")
    page.get_by_label("Prénom du ou de la conjoint-e (facultatif)", exact=True).fill("Karim")
    for n, first in ((1, "Inès"), (2, "Noé"), (3, "Lou")):
        page.get_by_label(f"Prénom de l'enfant n° {n}", exact=True).fill(first)
        page.get_by_label(f"Nom de l'enfant n° {n}", exact=True).fill("Martin")
    page.get_by_label("IBAN de votre compte").fill("FR76 3000 6000 0112 3456 7890 180")  # bad key
    page.get_by_label("Titulaire du compte").fill("Claire Martin")
    for label in ("Je certifie", "Je sais que le règlement", "J'accepte que la Mutuelle"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    # Errors in plain French, next to the field and in the summary; nothing typed is lost.
    summary = page.locator("#erreurs")
    assert focused_id(page, "erreurs") == "erreurs"
    assert "clé de contrôle" in summary.inner_text()
    assert summary.get_by_role("link").count() == 1
    assert page.get_by_label("Commune").input_value() == "Grenoble"
    assert page.locator("#id_iban").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "demande d'adhésion avec erreurs")
    summary.get_by_role("link").first.click()
    assert focused_id(page, "id_iban") == "id_iban"
    page.get_by_label("IBAN de votre compte").fill("FR76 3000 6000 0112 3456 7890 189")
    page.get_by_role("button", name="Envoyer ma demande").click()

    page.wait_for_selector("text=Votre demande est enregistrée")
    number = re.search(r"DEM\d{2}-\d{6}", text_of(page, "main")).group(0)
    assert Adhesion.objects.filter(number=number, status="pending").exists()
    a = Adhesion.objects.get(number=number)
    assert a.affiliations.count() == 4 and a.iban == "FR7630006000011234567890189"
    assert_accessible(page, "demande enregistrée")

    # A justificatif: a PDF goes in; a text file renamed .pdf is refused.
    page.get_by_label("Pièce", exact=True).select_option(index=1)
    page.set_input_files(
        "#id_file",
        files=[{"name": "carte.pdf", "mimeType": "application/pdf", "buffer": b"hello"}],
    )
    page.get_by_role("button", name="Envoyer ce fichier").click()
    assert "ni un PDF, ni une image" in text_of(page, "#erreurs")
    page.get_by_label("Pièce", exact=True).select_option(index=1)
    page.set_input_files(
        "#id_file",
        files=[{"name": "id.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}],
    )
    page.get_by_role("button", name="Envoyer ce fichier").click()
    assert "fichier bien reçu" in text_of(page, "main")

    # The PDF summary is offered (its content is checked in tests/web/test_public_join.py).
    link = page.get_by_role("link", name=re.compile("récapitulatif de ma demande"))
    assert link.get_attribute("href").endswith(f"/{number}/recapitulatif.pdf")

    # Staff see the pending request in the back office.
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    agent = get_user_model().objects.create_superuser("agent", "a@example.org", "mot-de-passe-2025")
    TOTPDevice.objects.create(user=agent, name="téléphone", confirmed=True)
    page.goto("/gestion/")
    page.get_by_label("Nom d’utilisateur").fill("agent")
    page.get_by_label("Mot de passe").fill("mot-de-passe-2025")
    page.get_by_label("Code de double authentification").fill(totp_code(agent))
    page.get_by_role("button", name="Connexion").click()
    page.goto("/gestion/members/adhesion/?status__exact=pending")
    listing = text_of(page, "#result_list")
    assert number in listing and "MARTIN Claire" in listing
    page.get_by_role("link", name=number).click()
    page.wait_for_selector("text=Numéro d'adhérent")
    body = text_of(page, "#content")
    assert "Demande en ligne à instruire" in body and "Demande d'adhésion en ligne" in body
