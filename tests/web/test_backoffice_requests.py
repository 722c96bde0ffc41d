"""Issue 8: staff turn an online request into an adhesion — or ask for the missing pieces, or
refuse it — and the visitor's page shows each. The request is made through the public form,
as a visitor would; staff act through the back office's pages."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from tests.web.conftest import login
from tests.web.test_public_site import join_data, tiny_pdf

from mutuelle.web.members.enums import EventKind
from mutuelle.web.members.models import Adhesion, Document, Event
from mutuelle.web.payments.models import Mandate

TODAY = timezone.localdate()
START = (TODAY.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
FIRST_OF_NEXT_MONTH = (TODAY.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


@pytest.fixture
def visitor(db, client, settings, tmp_path):
    """A visitor who sent a request for herself and her son Lou (direct debit)."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path
    r = client.post(reverse("public:join"), join_data())
    assert r.status_code == 302
    yield client
    cache.clear()  # the public site's rate limits count per client, in the cache


@pytest.fixture
def request_adhesion(visitor) -> Adhesion:
    return Adhesion.objects.get()


@pytest.fixture
def desk(staff, django_user_model):
    from django.test import Client

    c = Client()
    login(c, staff)
    return c


def validation_data(**over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "links": ["resident"],
        "amo_affiliated": "on",
        "bulletin_signed_on": TODAY.isoformat(),
        "bulletin_received_on": TODAY.isoformat(),
        "consents": "on",
        "mandate_signed_on": TODAY.isoformat(),
    }
    data.update(over)
    return data


def paper(adhesion: Adhesion, kind: str, person=None) -> None:
    Document.objects.create(
        adhesion=adhesion, kind=kind, person=person, received_on=TODAY, note="reçu au guichet"
    )


def test_a_pending_request_claims_nothing_it_does_not_have(desk, request_adhesion) -> None:
    r = desk.get(reverse("admin:members_adhesion_change", args=[request_adhesion.pk]))
    assert r.status_code == 200
    assert "Bulletin signé le" not in r.text and "Dossier complet envoyé" not in r.text
    assert "pas encore reçu" in r.text
    # member: identity, AMO, RIB, SEPA mandate; Lou: AMO → five pieces missing
    assert "non : 5 pièces manquantes" in r.text
    assert "Valider la demande" in r.text and "Ajouter un ayant droit" not in r.text


def test_the_visitor_and_staff_read_the_same_list_of_pieces(
    visitor, desk, request_adhesion
) -> None:
    page = visitor.get(reverse("public:request", args=[request_adhesion.number])).text
    staff = desk.get(reverse("admin:members_adhesion_change", args=[request_adhesion.pk])).text

    visitor_rows = re.findall(
        r"<tr><td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td><td[^>]*>à envoyer", page
    )
    staff_rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td><strong>manquante", staff)
    assert len(visitor_rows) == len(staff_rows) == 5
    assert sorted((label, who) for label, who in visitor_rows) == sorted(
        (label, who) for who, label in staff_rows
    )


def test_missing_pieces_asked_uploaded_then_validated(visitor, desk, request_adhesion) -> None:
    a = request_adhesion
    number = a.number
    paper(a, "identity", a.member)
    paper(a, "rib", a.member)
    paper(a, "sepa_mandate", a.member)
    paper(a, "amo_attestation", a.member)

    # Validation is refused while a piece is missing, and says which.
    r = desk.post(reverse("admin:members_adhesion_validate", args=[a.pk]), validation_data())
    assert r.status_code == 200
    assert "dossier incomplet, pièces manquantes" in r.text and "(Lou)" in r.text
    assert Adhesion.objects.get(pk=a.pk).status == "pending"
    assert Event.objects.filter(adhesion=a, kind=EventKind.VALIDATION_REFUSED).exists()

    # Staff ask for it; the visitor's page says so and takes the upload.
    r = desk.post(
        reverse("admin:members_adhesion_pieces", args=[a.pk]),
        {"note": "Il manque l'attestation de Lou."},
        follow=True,
    )
    assert "Pièces demandées au demandeur" in r.text
    page = visitor.get(reverse("public:request", args=[number])).text
    assert "attend encore 1 pièce" in page and "Il manque l&#x27;attestation de Lou." in page
    kind = re.search(r'<option value="(amo_attestation:1)"', page)
    assert kind is not None
    f = SimpleUploadedFile("lou.pdf", tiny_pdf(), content_type="application/pdf")
    r = visitor.post(reverse("public:request", args=[number]), {"kind": kind[1], "file": f})
    assert "fichier bien reçu" in r.text and "Toutes les pièces ont été reçues" in r.text

    # Now staff validate: effect on the wished date (complete within 15 days, Règlement I-4).
    r = desk.post(
        reverse("admin:members_adhesion_validate", args=[a.pk]), validation_data(), follow=True
    )
    a = Adhesion.objects.get(pk=a.pk)
    assert a.status == "active" and a.number.startswith(f"GR{START.year % 100:02d}-")
    assert a.start == START and a.signed_on == TODAY and a.file_sent_on == TODAY
    assert a.formula_periods.get().start == START
    assert a.affiliations.get().start == START
    mandate = Mandate.objects.get(adhesion=a)
    assert mandate.rum.startswith("MC-") and a.number in mandate.rum
    assert mandate.signed_on == TODAY
    event = Event.objects.get(adhesion=a, kind=EventKind.VALIDATED)
    assert event.data["request"] == number and event.data["rules"]
    assert f"validée : adhésion {a.number}" in r.text

    # The visitor's page (same session, the request's number) shows the adhesion.
    page = visitor.get(reverse("public:request", args=[number])).text
    assert "Votre adhésion est validée" in page and a.number in page


def test_a_late_file_takes_effect_on_the_first_of_the_next_month(desk, request_adhesion) -> None:
    a = request_adhesion
    Adhesion.objects.filter(pk=a.pk).update(wished_start=TODAY - dt.timedelta(days=40))
    for kind in ("identity", "rib", "sepa_mandate"):
        paper(a, kind, a.member)
    paper(a, "amo_attestation")  # one attestation for the household
    r = desk.post(
        reverse("admin:members_adhesion_validate", args=[a.pk]), validation_data(), follow=True
    )
    a = Adhesion.objects.get(pk=a.pk)
    assert a.status == "active", r.text
    assert a.start == FIRST_OF_NEXT_MONTH  # more than 15 days after the wished date


def test_eligibility_is_checked_again_by_the_core(desk, request_adhesion) -> None:
    a = request_adhesion
    for kind in ("identity", "rib", "sepa_mandate", "amo_attestation"):
        paper(a, kind)
    r = desk.post(
        reverse("admin:members_adhesion_validate", args=[a.pk]),
        validation_data(links=["agent"], amo_affiliated=""),
    )
    assert r.status_code == 200 and "Refusé" in r.text
    assert Adhesion.objects.get(pk=a.pk).status == "pending"
    r = desk.post(
        reverse("admin:members_adhesion_validate", args=[a.pk]),
        validation_data(mandate_signed_on="", consents=""),
    )
    assert "indiquez la date de signature du mandat SEPA" in r.text
    assert "Sans les consentements" in r.text


def test_a_refusal_the_visitor_sees(visitor, desk, request_adhesion) -> None:
    a = request_adhesion
    r = desk.post(
        reverse("admin:members_adhesion_refuse", args=[a.pk]),
        {"reason": "Vous ne résidez pas à Grenoble (justificatif de domicile à Échirolles)."},
        follow=True,
    )
    assert "refusée" in r.text
    assert Adhesion.objects.get(pk=a.pk).status == "refused"
    page = visitor.get(reverse("public:request", args=[a.number])).text
    assert "Votre demande n'a pas été acceptée" in page
    assert "justificatif de domicile à Échirolles" in page
    assert "Envoyer ce fichier" not in page
    # Refused once is final: no validation afterwards.
    r = desk.post(reverse("admin:members_adhesion_validate", args=[a.pk]), validation_data())
    assert "n&#x27;est plus à instruire" in r.text
