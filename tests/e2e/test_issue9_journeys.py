"""The five visitors of issue 9, in a real browser at phone width (390 px): what got in their way
is gone. Each page they reach is checked with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from tests.e2e.helpers import assert_accessible, focused_id, text_of

from mutuelle.web.members.models import Adhesion

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = timezone.localdate().year
NEXT_JAN = f"01/01/{YEAR + 1}"


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"la page déborde sur le côté ({width} px)"


def in_view(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    return bool(
        page.evaluate(
            "s => { const r = document.querySelector(s).getBoundingClientRect();"
            " return r.bottom > 0 && r.top < window.innerHeight; }",
            selector,
        )
    )


def add_child(page, birth: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="Ajouter un enfant").click()
    n = page.locator(".child-row").count()
    field = page.get_by_label(f"Date de naissance de l'enfant n° {n}")
    # The page returns to the child just added (focused, on screen), not to the top.
    focused = focused_id(page, f"id_child_{n - 1}_birth")
    assert focused in (f"id_child_{n - 1}_birth", f"id_child_{n - 1}_first_name"), focused
    assert in_view(page, f"#{focused}")
    field.fill(birth)


def test_a_single_parent_with_three_children_and_a_small_income(page) -> None:
    page.goto("/simulateur/")
    page.get_by_label("Votre date de naissance").fill("12/04/1988")
    for birth in ("03/09/2013", "21/01/2016", "30/06/2019"):
        add_child(page, birth)
    page.get_by_label("À partir de quand").fill(NEXT_JAN)
    page.get_by_label("Ressources de votre foyer").fill("14 000")
    page.get_by_role("button", name="Voir les cotisations").click()
    page.wait_for_selector("#resultats")
    assert "Complémentaire santé solidaire" in text_of(page, ".verdict")
    # The price table fits the phone: one card per formula, every amount visible.
    no_sideways_scroll(page)
    card = page.locator("table.stack tbody tr").first
    labels = card.locator("td").evaluate_all(
        "tds => tds.map(td => getComputedStyle(td, '::before').content)"
    )
    assert '"Par mois" " : "' in labels[0] or "Par mois" in labels[0], labels
    assert any("À payer jusqu'au" in x for x in labels), labels
    box = card.locator("td").nth(2).bounding_box()
    assert box and box["x"] + box["width"] <= 390
    # The « Demander » link of a formula keeps it.
    page.get_by_role("link", name="Demander mon adhésion en formule Vercors").click()
    page.wait_for_selector("#id_iban")
    assert page.get_by_label("Formule choisie").input_value() == "Vercors"
    assert page.locator(".child-row").count() == 3
    assert_accessible(page, "demande d'adhésion (parent seul, trois enfants)")


def test_a_widower_of_81_is_told_at_the_top_and_still_sees_vanoise_for_his_hearing_aids(
    page,
) -> None:
    page.goto("/simulateur/")
    page.get_by_label("Votre date de naissance").fill(f"02/02/{YEAR - 80}")
    page.get_by_label("À partir de quand").fill(NEXT_JAN)
    page.get_by_role("button", name="Voir les cotisations").click()
    page.wait_for_selector("#resultats")
    top = text_of(page, "#formules-fermees")
    assert "Beaufortain et Vanoise : pas de tarif publié" in top
    assert "Bauges, Vercors et Belledonne" in top
    assert_accessible(page, "simulateur (81 ans)")
    page.get_by_role("link", name="Comparer selon mes soins").click()
    page.wait_for_selector("#besoins")
    page.get_by_label("Aides auditives à tarif libre (une par oreille)").fill("2")
    page.get_by_role("button", name="Comparer le coût total").click()
    page.wait_for_selector("#resultats")
    assert "vous ne pouvez pas y adhérer" in text_of(page, "#formules-fermees")
    closed = text_of(page, "table:has(caption:text('Formule Vanoise (adhésion impossible)'))")
    assert "Aides auditives" in closed and "€" in closed
    no_sideways_scroll(page)
    assert_accessible(page, "conseil (81 ans, aides auditives)")


def test_a_student_with_a_partner_who_is_not_a_student(page) -> None:
    page.goto("/simulateur/")
    page.get_by_label("Étudiant-e dans l'enseignement supérieur").check()
    page.get_by_label("Votre date de naissance").fill(f"11/02/{YEAR - 22}")
    page.get_by_label("Date de naissance de votre conjoint-e").fill(f"05/07/{YEAR - 25}")
    page.get_by_role("button", name="Voir les cotisations").click()
    assert focused_id(page, "erreurs") == "erreurs"
    summary = text_of(page, "#erreurs")
    assert "réservé à l'étudiant-e qui adhère seul-e" in summary and "« Particulier »" in summary
    assert_accessible(page, "simulateur (étudiante et conjoint)")
    page.get_by_label("Particulier : j'habite à Grenoble").check()
    page.get_by_role("button", name="Voir les cotisations").click()
    page.wait_for_selector("#resultats")
    assert "Votre conjoint-e" in text_of(page, "section.result")


def test_a_municipal_agent_who_entered_late_sees_the_surcharge_and_opens_her_request_elsewhere(
    page, browser, live_server
) -> None:
    page.goto("/simulateur/")
    page.get_by_label("Agent-e de la Ville de Grenoble ou du CCAS").check()
    page.get_by_label("Votre date de naissance").fill("10/03/1975")
    page.get_by_label("À partir de quand").fill(NEXT_JAN)
    page.get_by_label("Date d'entrée dans la fonction publique").fill("01/09/2019")
    page.get_by_role("button", name="Voir les cotisations").click()
    page.wait_for_selector("#resultats")
    rate = re.search(r"majoration de (\d+ %)", text_of(page, "#majoration"))
    assert rate, "la majoration est dite en tête"
    assert f"majoration de {rate.group(1)} comprise" in text_of(page, "#prix-caption")
    assert_accessible(page, "simulateur (agente, majoration)")
    page.locator("a.button", has_text="Demander mon adhésion en formule").click()
    page.wait_for_selector("#id_iban")
    page.get_by_role("checkbox", name="Je suis agent-e de la Ville de Grenoble ou du CCAS").check()
    page.get_by_label("Nom", exact=True).fill("Roux")
    page.get_by_label("Prénom", exact=True).fill("Nadia")
    page.get_by_label("Date de naissance", exact=True).fill("10/03/1975")
    page.get_by_label("Adresse électronique").fill("nadia.roux@example.org")
    page.get_by_label("Adresse", exact=True).fill("4 rue Lesdiguières")
    page.get_by_label("Code postal").fill("38000")
    page.get_by_label("Commune").fill("Grenoble")
    page.get_by_label("IBAN de votre compte").fill("FR76 3000 6000 0112 3456 7890 189")
    page.get_by_label("Titulaire du compte").fill("Nadia Roux")
    for label in ("Je certifie", "Je sais que le règlement", "J'accepte que la Mutuelle"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_selector("text=Votre demande est enregistrée")
    assert f"majoration de {rate.group(1)} comprise" in text_of(page, "[role=status]")
    link = text_of(page, ".private-link")
    assert "/adherer/suivi/" in link
    assert_accessible(page, "demande enregistrée (agente)")
    # On her phone (another browser): the private link opens the request.
    other = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    phone = other.new_page()
    phone.goto(link)
    assert "Votre demande est enregistrée" in phone.locator("main").inner_text()
    assert Adhesion.objects.get().number in phone.locator("main").inner_text()
    other.close()


def test_a_self_employed_plumbers_family_sees_only_tns_formulas_described(page) -> None:
    page.goto("/adherer/")
    page.get_by_label("Travailleur-euse non salarié-e à Grenoble").check()
    options = page.locator("select[name=formula] option:not([hidden])")
    texts = [options.nth(i).inner_text() for i in range(options.count())]
    assert texts[0] == "— choisir —" and len(texts) == 8, texts
    assert all(" — verre simple : " in t for t in texts[1:])  # described, not bare codes
    assert not any(t.startswith("Bauges") for t in texts)
    # The select cuts the text on a phone: the levels are also listed in full below it.
    page.get_by_text("Ce que rembourse chaque formule TNS").click()
    levels = text_of(page, "details.only-tns")
    assert "AER : verre simple : 160 €" in levels and "annexe 8" in levels
    page.get_by_label("Particulier : j'habite à Grenoble").check()
    options = page.locator("select[name=formula] option:not([hidden])")
    assert options.count() == 6 and "ASOCLR" not in options.nth(1).inner_text()
    assert_accessible(page, "demande d'adhésion (TNS)")


def test_an_upload_error_is_focused_and_on_screen(page) -> None:
    from tests.web.test_public_site import join_data

    data = join_data()
    page.goto("/adherer/")
    # Filed through the page's own form (the quickest: the browser posts the same fields).
    page.evaluate(
        """data => { const f = document.querySelector('form[action="/adherer/"]');
        for (const [k, v] of Object.entries(data)) {
          for (const one of [].concat(v)) {
            const i = document.createElement('input'); i.type = 'hidden'; i.name = k;
            i.value = one; f.appendChild(i);
          }
        }
        f.querySelectorAll('input:not([type=hidden]), select').forEach(e => e.disabled = true);
        f.submit(); }""",
        data,
    )
    page.wait_for_selector("text=Votre demande est enregistrée")
    page.get_by_label("Pièce", exact=True).select_option(index=1)
    page.set_input_files(
        "#id_file", files=[{"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"hello"}]
    )
    page.get_by_role("button", name="Envoyer ce fichier").click()
    assert focused_id(page, "erreurs") == "erreurs"
    assert in_view(page, "#erreurs")
    assert "ni un PDF, ni une image" in text_of(page, "#erreurs")
    no_sideways_scroll(page)
    assert_accessible(page, "erreur d'envoi de justificatif")


def test_the_limit_and_the_gone_link_pages_are_plain_and_accessible(page, settings) -> None:
    page.goto("/adherer/suivi/ce-lien-n-existe-pas/")
    assert "Ce lien n'ouvre plus de demande" in text_of(page, "main")
    assert_accessible(page, "lien privé inconnu")
    settings.MUTUELLE_RATE_LIMITS = {**settings.MUTUELLE_RATE_LIMITS, "compute": (1, 60)}
    settings.MUTUELLE_RATE_LIMIT_SCALE = 1
    from django.core.cache import cache

    cache.clear()
    page.goto("/simulateur/")
    for _ in range(2):
        page.get_by_role("button", name="Voir les cotisations").click()
    main = text_of(page, "main")
    assert re.search(r"Vous pourrez réessayer dans \d+ minutes?\.", main), main
    assert "permanence" in main and "secondes" not in main
    assert_accessible(page, "trop de demandes")
