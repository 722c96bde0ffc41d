"""``POST /api/adhesions/`` hands back the request's private link (web/public/links.py), as the
site's form does: an API client (a partner's desk, the town's portal) gives it to the visitor,
who opens the request and sends the justificatifs with it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from tests.security.test_probe_fixes import API_BODY

from mutuelle.web.public.models import RequestLink

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()  # the rate limits of the request form (a few requests per address)
    yield
    cache.clear()


def _post(client, key: str = ""):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/adhesions/", API_BODY, content_type="application/json", **extra)


def test_the_answer_carries_a_private_link_that_opens_the_request(client) -> None:
    r = _post(client)
    assert r.status_code == 201
    body = r.json()
    link = body["private_link"]
    assert link.startswith("http://testserver/adherer/suivi/")
    token = link.rsplit("/", 2)[-2]
    assert token not in str(RequestLink.objects.values_list("token_hash", flat=True))
    visitor = Client()  # another device: only the link opens the request
    opened = visitor.get(link, follow=True)
    assert opened.status_code == 200 and body["number"] in opened.content.decode()
    assert "lien privé" in body["next_steps"]


def test_a_replay_gives_a_new_link_that_replaces_the_first(client) -> None:
    a = _post(client, "cle-lien").json()
    b = _post(client, "cle-lien").json()
    assert a["number"] == b["number"] and a["private_link"] != b["private_link"]
    assert Client().get(b["private_link"], follow=True).status_code == 200
    assert Client().get(a["private_link"]).status_code == 404  # as the schema says
    assert RequestLink.objects.count() == 1


def test_the_schema_documents_the_link(client) -> None:
    schema = client.get("/api/openapi.json").json()
    out = schema["components"]["schemas"]["AdhesionOut"]
    assert "private_link" in out["required"]
    assert "lien privé" in out["properties"]["private_link"]["description"]
