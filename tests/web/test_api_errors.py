"""The API's errors, as a client of the API meets them (issue 12, probe findings 5–7): every
error is the schema's ``ErrorOut`` in French (never ``{"detail": …}`` nor an HTML page), a body
that is not JSON is refused (415: a cross-origin ``text/plain`` POST files nothing), bodies and
answers are bounded (413, at most 500 care events), JSON depth and dates are bounded. Each
assertion failed on the main branch before this change."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.cache import cache
from tests.security.test_probe_fixes import API_BODY

from mutuelle.web.members.models import Adhesion

CLAIM = {
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
        }
    ],
}
HOUSEHOLD = {
    "range": "residents",
    "date": "2026-01-01",
    "members": [{"role": "adherent", "birth_date": "1980-06-15"}],
}


@pytest.fixture(autouse=True)
def _fresh_counts(settings):
    settings.MUTUELLE_RATE_LIMIT_SCALE = 0
    cache.clear()
    yield
    cache.clear()


def conforms(r, status: int) -> dict:
    """The answer is JSON in the shape of the schema's ErrorOut, in French."""
    assert r.status_code == status, r.content[:300]
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) <= {"error", "code", "fields"} and "detail" not in body
    assert isinstance(body["error"], str) and body["error"]
    assert body.get("code") is None or isinstance(body["code"], str)
    for word in ("Cannot", "Not Found", "should", "Method not allowed", "Field required"):
        assert word not in body["error"]
    return body


def test_the_schema_declares_the_error_shape_for_every_refusal(client) -> None:
    schema = client.get("/api/openapi.json").json()
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["error"]
    for path in ("/api/devis/", "/api/css/", "/api/remboursement/", "/api/adhesions/"):
        responses = schema["paths"][path]["post"]["responses"]
        for status in ("400", "413", "415", "429"):
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut")


@pytest.mark.django_db
def test_a_cross_origin_text_plain_post_files_no_adhesion_request(client) -> None:
    # Today's main: 201, a pending adhesion filed from any site (text/plain needs no preflight).
    r = client.post(
        "/api/adhesions/",
        json.dumps(API_BODY),
        content_type="text/plain",
        HTTP_ORIGIN="https://ailleurs.example",
    )
    assert "application/json" in conforms(r, 415)["error"]
    assert not Adhesion.objects.exists()
    for ctype in ("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""):
        r = client.post("/api/devis/", "{}", content_type=ctype)
        assert conforms(r, 415)["code"] == "media_type"
    r = client.post("/api/devis/", HOUSEHOLD, content_type="application/json; charset=utf-8")
    assert r.status_code == 200


def test_unknown_addresses_and_methods_answer_json(client) -> None:
    assert "adresse inconnue" in conforms(client.get("/api/inconnu/"), 404)["error"]
    r = client.get("/api/devis/")
    assert conforms(r, 405)["code"] == "method" and "POST" in r["Allow"]


def test_unreadable_and_deeply_nested_json_are_french_errors(client) -> None:
    r = client.post("/api/devis/", "{pas du json", content_type="application/json")
    assert "JSON illisible" in conforms(r, 400)["error"]
    for deep in ("[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000):
        # Today's main: {"detail": "Cannot parse request body"} (a RecursionError inside).
        r = client.post("/api/remboursement/", deep, content_type="application/json")
        assert "trop imbriqué" in conforms(r, 400)["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body", "where"),
    [
        ("/api/remboursement/", {**CLAIM, "cover_start": "9999-12-31"}, "cover_start"),
        ("/api/remboursement/", {**CLAIM, "cover_end": "9999-12-31"}, "cover_end"),
        ("/api/devis/", {**HOUSEHOLD, "date": "9999-12-31"}, "date"),
        ("/api/adhesions/", {**API_BODY, "start": "9999-12-01"}, "start"),
        ("/api/adhesions/", {**API_BODY, "birth_date": "0001-01-01"}, "birth_date"),
    ],
)
def test_dates_out_of_range_are_refused_naming_the_field(client, path, body, where) -> None:
    r = client.post(path, body, content_type="application/json")
    assert f"{where} : date" in conforms(r, 400)["error"]
    assert "hors des années 1900-2100" in r.json()["error"]


def test_a_care_event_in_year_9999_is_refused(client) -> None:
    # Today's main: settled (a 9999 care date) or a 500 when a 24-month window runs past 9999.
    claim = copy.deepcopy(CLAIM)
    claim["events"][0]["date"] = "9999-12-31"
    r = client.post("/api/remboursement/", claim, content_type="application/json")
    assert "events[0].date : date 9999-12-31" in conforms(r, 400)["error"]


def test_the_number_of_care_events_and_the_body_are_bounded(client, settings) -> None:
    # Today's main took 19 500 events in 2.5 MB and answered 45 MB.
    claim = copy.deepcopy(CLAIM)
    claim["events"] = [dict(CLAIM["events"][0], id=i) for i in range(501)]
    r = client.post("/api/remboursement/", claim, content_type="application/json")
    assert "events : trop d'éléments (500 au plus)" in conforms(r, 400)["error"]
    claim["events"] = claim["events"][:500]
    r = client.post("/api/remboursement/", claim, content_type="application/json")
    assert r.status_code == 200 and len(r.content) < 2_000_000
    body = json.dumps({**claim, "events": claim["events"] * 20})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    r = client.post("/api/remboursement/", body, content_type="application/json")
    assert "trop volumineux" in conforms(r, 413)["error"]


@pytest.mark.django_db
def test_a_300_character_name_is_a_field_error(client) -> None:
    # Today's main: a DataError 500 on PostgreSQL (the spouse's name has no max_length).
    body = {
        **API_BODY,
        "links": ["resident"],
        "spouse": {"first_name": "x" * 300, "last_name": "Bernard", "birth_date": "1976-04-02"},
    }
    r = client.post("/api/adhesions/", body, content_type="application/json")
    assert (
        "spouse.first_name : texte trop long (100 caractères au plus)" in conforms(r, 400)["error"]
    )
    assert not Adhesion.objects.exists()


@pytest.mark.django_db
def test_over_the_rate_limit_the_error_has_its_code(client, settings) -> None:
    settings.MUTUELLE_RATE_LIMIT_SCALE = 1
    statuses = [
        client.post("/api/devis/", HOUSEHOLD, content_type="application/json") for _ in range(70)
    ]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited and conforms(limited[0], 429)["code"] == "rate_limited"
    assert int(limited[0]["Retry-After"]) > 0
