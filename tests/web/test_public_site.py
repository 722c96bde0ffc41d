"""The public site through Django's test client: join (atomic, PDF), API (OpenAPI, validation,
rate limits), CSS counts (anonymous), permanences, the typical prices data."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from mutuelle.advice import OFFERED_TAGS, load_typical_prices
from mutuelle.money import apply_rate
from mutuelle.web.members.models import Adhesion, Affiliation, Event, Person
from mutuelle.web.public.models import CssOrientation, PermanencePlace, PermanenceSlot

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = (TODAY.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def join_data(**over: str) -> dict[str, object]:
    data: dict[str, object] = {
        "situation": "residents",
        "links": ["resident"],
        "formula": "Belledonne",
        "start": START.strftime("%d/%m/%Y"),
        "current_cover": "no",
        "last_name": "Durand",
        "first_name": "Josette",
        "member_birth": "04/05/1954",
        "email": "josette@example.org",
        "address": "3 place Grenette",
        "postcode": "38000",
        "city": "Grenoble",
        "amo": "on",
        "mandatory_cover": "no",
        "debt": "no",
        "payment_mode": "direct_debit",
        "payment_frequency": "monthly",
        "iban": "FR7630006000011234567890189",
        "account_holder": "Josette Durand",
        "certify": "on",
        "documents_read": "on",
        "data_consent": "on",
        "children": "1",
        "child_0_first_name": "Lou",
        "child_0_last_name": "Durand",
        "child_0_birth": "05/11/2015",
    }
    data.update(over)
    return data


def test_a_request_is_pending_in_the_back_office_and_its_pdf_holds_the_bulletin(client) -> None:
    r = client.post(reverse("public:join"), join_data())
    assert r.status_code == 302
    a = Adhesion.objects.get()
    assert a.status == "pending" and a.number.startswith("DEM")
    assert a.channel == "distance" and a.start == START
    assert a.affiliations.get().person.first_name == "Lou"
    assert Event.objects.get(adhesion=a).kind == "request"
    r = client.get(reverse("public:request_pdf", args=[a.number]))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    text = " ".join(text.split())
    for expected in (
        a.number,
        "DURAND Josette",
        "Belledonne",
        "Lou DURAND",
        "n'est pas une attestation d'adhésion",
        "FR76 •••• •••• •••• •••• •••• 189",
        "Prélèvement SEPA",
        "14 jours",
    ):
        assert expected in text, expected
    assert "3000 6000 0112" not in text  # the IBAN is masked on paper
    # Another visitor (another session) cannot see it.
    client.logout()
    client.cookies.clear()
    assert client.get(reverse("public:request_pdf", args=[a.number])).status_code == 404


def test_a_request_that_fails_halfway_writes_nothing(client, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("panne au milieu de l'écriture")

    monkeypatch.setattr(Affiliation.objects, "create", broken)
    client.raise_request_exception = False
    r = client.post(reverse("public:join"), join_data())
    assert r.status_code == 500
    assert "Un problème technique" in r.text and "Traceback" not in r.text
    assert not Adhesion.objects.exists() and not Person.objects.exists()
    assert not Event.objects.exists()


def test_errors_are_next_to_the_field_in_plain_french_and_nothing_is_lost(client) -> None:
    r = client.post(
        reverse("public:join"),
        join_data(iban="FR76 3000 6000 0112 3456 7890 180", member_birth="31/02/1954"),
    )
    assert r.status_code == 400
    assert "la clé de contrôle ne correspond pas" in r.text
    assert "Le 31/02/1954 n&#x27;existe pas : en février 1954, il y a 28 jours" in r.text
    assert 'href="#id_iban"' in r.text and 'aria-invalid="true"' in r.text
    assert 'value="3 place Grenette"' in r.text
    assert not Adhesion.objects.exists()


def test_eligibility_is_decided_by_the_core(client) -> None:
    r = client.post(reverse("public:join"), join_data(mandatory_cover="yes", links=[]))
    assert r.status_code == 400
    assert "Cochez au moins un lien avec Grenoble" in r.text
    r = client.post(reverse("public:join"), join_data(mandatory_cover="yes"))
    assert "complémentaire santé collective obligatoire" in r.text
    assert not Adhesion.objects.exists()


def tiny_pdf() -> bytes:
    """A real one-page PDF (uploads are parsed: a PDF must open as a PDF)."""
    import io

    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_uploads_are_checked_by_content_and_size(client, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.MUTUELLE_UPLOAD_MAX_BYTES = 1000
    client.post(reverse("public:join"), join_data())
    a = Adhesion.objects.get()
    url = reverse("public:request", args=[a.number])
    from django.core.files.uploadedfile import SimpleUploadedFile

    def send(name: str, content: bytes) -> str:
        f = SimpleUploadedFile(name, content, content_type="application/pdf")
        return client.post(url, {"kind": "identity:0", "file": f}).text

    assert "ni un PDF, ni une image" in send("virus.pdf", b"MZ\x90\x00 not a pdf")
    assert "la limite est de" in send("gros.pdf", b"%PDF-" + b"x" * 2000)
    assert "ne s&#x27;ouvre pas" in send("id.pdf", b"%PDF-1.4 ok")  # not a PDF inside
    assert "fichier bien reçu" in send("id.pdf", tiny_pdf())
    doc = a.documents.get()
    assert doc.kind == "identity" and doc.person == a.member
    assert doc.file.name.startswith("demandes/") and (tmp_path / doc.file.name).exists()


def test_the_api_is_documented_validated_and_counts_orientations(client) -> None:
    schema = client.get("/api/openapi.json").json()
    for p in ("/api/devis/", "/api/css/", "/api/adhesions/", "/api/remboursement/"):
        assert p in schema["paths"], p
    assert client.get("/api/docs").status_code == 200
    r = client.post(
        "/api/devis/",
        {
            "range": "residents",
            "date": "2026-01-01",
            "members": [{"role": "adherent", "birth_date": "1954-05-04"}],
        },
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["formulas"][0]["formula"] == "Bauges"
    r = client.post("/api/devis/", {"range": "mars"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["error"].startswith("entrée invalide")
    r = client.post("/api/devis/", "{pas du json", content_type="application/json")
    assert r.status_code == 400
    r = client.post(
        "/api/css/",
        {
            "date": TODAY.isoformat(),
            "members": [{"role": "adherent", "birth_date": "2004-02-11"}],
            "resources_cents": 600000,
            "housing": "tenant",
        },
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["verdict"] == "free"
    claim = {
        "range": "residents",
        "formula": "Belledonne",
        "cover_start": "2026-01-01",
        "beneficiary": {"birth_date": "1980-06-15"},
        "events": [
            {
                "id": "g1",
                "date": "2026-03-10",
                "benefit": "generaliste",
                "dptam": True,
                "billed_cents": 3000,
                "br_cents": 3000,
                "amo_cents": 2100,
                "participation_forfaitaire_cents": 200,
            }
        ],
    }
    r = client.post("/api/remboursement/", claim, content_type="application/json")
    assert r.status_code == 200 and r.json()["events"][0]["mutuelle_cents"] == 900
    r = client.post("/api/remboursement/", {"range": "x"}, content_type="application/json")
    assert r.status_code == 400 and "error" in r.json()
    assert list(CssOrientation.objects.values_list("verdict", "channel", "count")) == [
        ("free", "api", 1)
    ]


def test_the_api_adhesion_request_is_all_or_nothing(client) -> None:
    body = {
        "situation": "residents",
        "links": ["resident"],
        "formula": "Vercors",
        "start": START.isoformat(),
        "last_name": "Bernard",
        "first_name": "Paul",
        "birth_date": "1975-10-03",
        "email": "paul@example.org",
        "address": "1 rue Lesdiguières",
        "postcode": "38000",
        "city": "Grenoble",
        "amo": True,
        "payment_mode": "direct_debit",
        "payment_frequency": "monthly",
        "iban": "FR7630006000011234567890180",
        "account_holder": "Paul Bernard",
        "certify": True,
        "documents_read": True,
        "data_consent": True,
    }
    r = client.post("/api/adhesions/", body, content_type="application/json")
    assert r.status_code == 400 and "iban" in r.json()["fields"]
    assert not Adhesion.objects.exists()
    body["iban"] = "FR7630006000011234567890189"
    r = client.post("/api/adhesions/", body, content_type="application/json")
    assert r.status_code == 201, r.json()
    out = r.json()
    assert out["status"] == "pending" and out["formula"] == "Vercors"
    assert any(d["kind"] == "identity" for d in out["documents_to_provide"])


def test_public_endpoints_are_rate_limited(client, settings) -> None:
    settings.MUTUELLE_RATE_LIMITS = {**settings.MUTUELLE_RATE_LIMITS, "compute": (2, 60)}
    from django.core.cache import cache

    cache.clear()
    body = {
        "range": "students",
        "date": "2026-01-01",
        "members": [{"role": "adherent", "birth_date": "2004-01-01"}],
    }
    codes = [
        client.post("/api/devis/", body, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
    r = client.post(reverse("public:simulator"), {"situation": "residents"})
    assert r.status_code == 429 and "Trop de demandes" in r.text and int(r["Retry-After"]) > 0
    assert client.get(reverse("public:simulator")).status_code == 200  # reading stays open


def test_staff_edit_the_permanences_and_visitors_see_them(client) -> None:
    place = PermanencePlace.objects.get(name="Hôtel de Ville de Grenoble")
    assert "11 boulevard Jean Pain" in client.get(reverse("public:permanences")).text
    PermanenceSlot.objects.create(
        place=place, weekday=1, starts=dt.time(9), ends=dt.time(12), note="sans rendez-vous"
    )
    page = client.get(reverse("public:permanences")).text
    assert "Mardi" in page and "de 9h00 à 12h00" in page and "sans rendez-vous" in page
    assert "Cité des aîné-es" in page and "Lieu prévu" in page


def test_the_css_counts_hold_no_personal_data_and_add_up(client, admin_client) -> None:
    fields = {f.name for f in CssOrientation._meta.get_fields()}
    assert fields == {"id", "day", "verdict", "channel", "count"}
    for resources in ("5000", "12000", "50000"):
        client.post(
            reverse("public:css"),
            {"member_birth": "01/01/1980", "resources": resources, "housing": "tenant"},
        )
    r = admin_client.get(reverse("admin:public_cssorientation_summary"))
    assert r.status_code == 200
    assert "<strong>2</strong>" in r.text  # oriented: free + with participation


def test_unknown_pages_are_plain_french_without_debug(client) -> None:
    r = client.get("/nulle-part/")
    assert r.status_code == 404 and "Cette page n'existe pas" in r.text
    assert "Traceback" not in r.text and "DEBUG" not in r.text


def test_typical_prices_are_sourced_tagged_and_consistent() -> None:
    prices = load_typical_prices()
    assert len(prices.items) == 38
    for item in prices.items:
        assert item.tag in ("C", "S", "U", "A") and item.sources, item.id
        assert item.valid_from <= item.valid_to
        if item.br_cents and item.amo_cents is not None:
            rate = getattr(item, "amo_rate_bp", None)
            if rate:
                assert item.amo_cents == apply_rate(item.br_cents, rate), item.id
    for need in prices.needs:
        for ref in need.items:
            assert prices.item(ref).tag in OFFERED_TAGS


@pytest.mark.parametrize(("answer", "prior"), [("no", "none"), ("yes", "had")])
def test_a_request_says_whether_the_member_had_a_complementary_before(
    client, answer: str, prior: str
) -> None:
    """Convention art. 5, indicator 1: the committee counts members who had no complementary
    before joining; the online request records the visitor's answer (I-149)."""
    extra = {"current_cover_end": (START - dt.timedelta(days=1)).strftime("%d/%m/%Y")}
    data = join_data(current_cover=answer, **(extra if answer == "yes" else {}))
    assert client.post(reverse("public:join"), data).status_code == 302
    assert Adhesion.objects.get().prior_cover == prior
