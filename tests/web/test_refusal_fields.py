"""Refusals of the cores appear beside the field they concern, routed by their code (never by
the words of a message), on the request form and in the API's ``fields``; the API's schemas are
typed with the cores' vocabulary."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.web.test_public_site import START, join_data

from mutuelle.web.members.models import Adhesion

pytestmark = pytest.mark.django_db


def test_payment_rules_of_the_core_beside_their_fields(client) -> None:
    r = client.post(
        reverse("public:join"), join_data(payment_mode="cheque", payment_frequency="monthly")
    )
    assert r.status_code == 400 and not Adhesion.objects.exists()
    form = r.context["form"]
    assert "une fois par an" in form.errors["payment_frequency"][0]
    assert "Règlement mutualiste, art. III-2-2" in form.errors["payment_frequency"][0]
    r = client.post(reverse("public:join"), join_data(payment_mode="payroll"))
    assert "payment_mode" in r.context["form"].errors
    r = client.post(
        reverse("public:join"), join_data(situation="tns", formula="AAR", payment_mode="transfer")
    )
    assert "prélèvement sepa" in r.context["form"].errors["payment_mode"][0]


def test_eligibility_failures_beside_their_fields(client) -> None:
    r = client.post(reverse("public:join"), join_data(mandatory_cover="yes", debt="yes"))
    errors = r.context["form"].errors
    assert "collective obligatoire" in errors["mandatory_cover"][0]
    assert "dette" in errors["debt"][0].lower()


def test_the_api_routes_refusals_by_code(client) -> None:
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
        "payment_mode": "cheque",
        "payment_frequency": "monthly",
        "iban": "FR7630006000011234567890180",
        "account_holder": "Paul Bernard",
        "certify": True,
        "documents_read": True,
        "data_consent": True,
    }
    r = client.post("/api/adhesions/", body, content_type="application/json")
    assert r.status_code == 400 and "payment_frequency" in r.json()["fields"]
    r = client.post(
        "/api/devis/",
        {
            "range": "residents",
            "date": "2026-01-01",
            "members": [{"role": "adherent", "birth_date": "2015-01-01"}],
        },
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "member_age"


def test_the_reimbursement_endpoint_is_typed(client) -> None:
    schema = client.get("/api/openapi.json").json()
    claim = schema["components"]["schemas"]["ClaimIn"]
    assert set(claim["required"]) >= {"range", "formula", "cover_start", "beneficiary", "events"}
    event = schema["components"]["schemas"]["CareEventIn"]["properties"]
    assert "basket" in event and "billed_cents" in event
    out = schema["components"]["schemas"]["SettlementOut"]["properties"]
    assert {"mutuelle_cents", "explanation", "ceilings"} <= set(out)
    claim_body = {
        "range": "residents",
        "formula": "Belledonne",
        "cover_start": "2026-01-01",
        "beneficiary": {"birth_date": "1980-06-15"},
        "events": [
            {"id": "o1", "date": "2026-03-10", "benefit": "optique_monture", "basket": "or"}
        ],
    }
    r = client.post("/api/remboursement/", claim_body, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "input" and "basket" in r.json()["error"]
    claim_body["events"][0].update(basket="libre", billed_cents=15000, br_cents=5, amo_cents=3)
    r = client.post("/api/remboursement/", claim_body, content_type="application/json")
    assert r.status_code == 200
    (event_out,) = r.json()["events"]
    assert event_out["mutuelle_cents"] > 0 and event_out["ceilings"][0]["unit"] == "montures"
