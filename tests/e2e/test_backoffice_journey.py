"""Issue 8, tried as a new user would, in two browsers: a visitor files a request on the public
site with one piece missing; an agent of the « Accueil » role logs in (password + TOTP code),
finds the request in the home page's work queue, asks for the missing piece; the visitor opens
her private link on another device and uploads it; the agent validates with the SEPA mandate;
the visitor's page says the adhesion is validated. Each page is checked with axe-core (WCAG 2.1
AA), the staff pages too."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from tests.e2e.conftest import DESKTOP
from tests.e2e.helpers import WCAG_AA, assert_accessible, text_of
from tests.web.conftest import totp_code
from tests.web.test_public_site import join_data, tiny_pdf

from mutuelle.web.members.models import Adhesion
from mutuelle.web.payments.models import Mandate

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = timezone.localdate().isoformat()  # an <input type=date> takes ISO dates


def assert_staff_page_accessible(page, what: str) -> None:  # type: ignore[no-untyped-def]
    """axe-core (WCAG 2.1 AA) on the page's content: what this project writes. Django admin's
    own header and breadcrumbs (links told apart by colour only) are left out."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context="#content", options=WCAG_AA)
    violations = results.response["violations"]
    detail = "; ".join(
        f"{v['id']}: {v['help']} — " + ", ".join(str(n["target"]) for n in v["nodes"][:3])
        for v in violations
    )
    assert not violations, f"{what} : {len(violations)} violation(s) WCAG 2.1 AA — {detail}"


def file_request(page) -> str:  # type: ignore[no-untyped-def]
    """Josette Durand and her son Lou ask to join (direct debit), through the page's own form."""
    page.goto("/adherer/")
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
        join_data(),
    )
    page.wait_for_selector("text=Votre demande est enregistrée")
    return re.search(r"DEM\d{2}-\d{6}", text_of(page, "main")).group(0)


def upload(page, label: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Pièce", exact=True).select_option(label=label)
    page.set_input_files(
        "#id_file",
        files=[{"name": "piece.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}],
    )
    page.get_by_role("button", name="Envoyer ce fichier").click()
    page.wait_for_selector("text=fichier bien reçu")


def options(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        o.strip()
        for o in page.locator("#id_kind option").all_inner_texts()
        if o.strip() and not o.strip().startswith("—")
    ]


def test_a_request_with_a_missing_piece_asked_uploaded_and_validated(
    page, browser, live_server, django_user_model, settings, tmp_path
) -> None:
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mutuelle.web.security import roles

    settings.MEDIA_ROOT = tmp_path
    # The visitor, on her phone: the request, then every piece but the last one.
    number = file_request(page)
    link = text_of(page, ".private-link")
    assert link.startswith("http") and "/adherer/suivi/" in link
    pieces = options(page)
    assert len(pieces) == 5, pieces
    (last,) = [p for p in pieces if p.endswith("Lou")]  # Lou's attestation stays at home
    for label in pieces:
        if label != last:
            upload(page, label)
    assert options(page) == [last]

    # The agent, at her desk: logs in with password and TOTP code.
    roles.sync_roles()
    agent = django_user_model.objects.create_user(
        "agent.lundi", password="mot-de-passe-solide-2025", is_staff=True
    )
    agent.groups.add(Group.objects.get(name=roles.group_name("accueil")))
    TOTPDevice.objects.create(user=agent, name="téléphone", confirmed=True)
    desk_context = browser.new_context(viewport=DESKTOP, locale="fr-FR", base_url=live_server.url)
    desk_context.set_default_timeout(15_000)
    desk = desk_context.new_page()
    desk_errors: list[str] = []
    desk.on("pageerror", lambda exc: desk_errors.append(str(exc)))
    desk.goto("/gestion/")
    desk.get_by_label("Nom d’utilisateur").fill("agent.lundi")
    desk.get_by_label("Mot de passe").fill("mot-de-passe-solide-2025")
    desk.get_by_label("Code de double authentification").fill(totp_code(agent))
    desk.get_by_role("button", name="Connexion").click()

    # The home page's queues: the request is waiting, one piece missing.
    queue = desk.locator("#queue-to_validate")
    queue.wait_for()
    assert number in queue.inner_text() and "1 pièce manquante" in queue.inner_text()
    assert_staff_page_accessible(desk, "accueil du back-office avec ses files")
    queue.get_by_role("link", name=number).click()
    desk.wait_for_selector("text=Valider la demande")
    body = text_of(desk, "#content")
    assert "non : 1 pièce manquante" in body, body[:2000]
    assert "Bulletin signé le" not in body
    assert_staff_page_accessible(desk, "demande en ligne à instruire")

    # Asks for the missing piece.
    desk.get_by_role("link", name="Demander les pièces manquantes").click()
    assert "manquante" in text_of(desk, "#content-main table")
    desk.get_by_label("Message au demandeur (facultatif)").fill(
        "Il manque l'attestation de Lou ; merci !"
    )
    assert_staff_page_accessible(desk, "demander les pièces")
    desk.get_by_role("button", name="Envoyer la demande de pièces").click()
    desk.wait_for_selector("text=Pièces demandées au demandeur")

    # The visitor, on another device, opens her private link and sends the last piece.
    other = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    visitor = other.new_page()
    visitor.goto(link)
    assert "attend encore 1 pièce" in text_of(visitor, "main")
    assert "Il manque l'attestation de Lou ; merci !" in text_of(visitor, "main")
    assert_accessible(visitor, "demande avec pièce demandée")
    upload(visitor, last)
    assert "Toutes les pièces ont été reçues" in text_of(visitor, "main")

    # The agent validates: the bulletin, the consents and the SEPA mandate.
    desk.reload()
    assert "dossier complet" in text_of(desk, "#content").lower() or "oui" in text_of(
        desk, "#content"
    )
    desk.get_by_role("link", name="Valider la demande").click()
    # What the justificatifs show: she lives in Grenoble and has the Assurance Maladie.
    desk.get_by_label("habite Grenoble").check()
    desk.get_by_label("Assuré-e d'un régime obligatoire", exact=False).check()
    desk.get_by_label("Bulletin d'adhésion signé le").fill(TODAY)
    desk.get_by_label("Bulletin signé reçu le").fill(TODAY)
    desk.get_by_label("Consentements recueillis", exact=False).check()
    desk.get_by_label("Mandat de prélèvement SEPA signé le").fill(TODAY)
    assert_staff_page_accessible(desk, "valider la demande")
    desk.get_by_role("button", name="Valider la demande").click()
    desk.wait_for_selector("text=validée : adhésion")
    a = Adhesion.objects.get(member__last_name="Durand")
    assert a.status == "active" and a.number in text_of(desk, "#content")
    assert Mandate.objects.get(adhesion=a).rum.startswith("MC-")
    assert_staff_page_accessible(desk, "adhésion validée")

    # The visitor's page says so.
    visitor.reload()
    assert "Votre adhésion est validée" in text_of(visitor, "main")
    assert a.number in text_of(visitor, "main")
    assert_accessible(visitor, "adhésion validée côté demandeur")
    other.close()
    desk_context.close()
    assert not desk_errors, f"erreurs JavaScript : {desk_errors}"
