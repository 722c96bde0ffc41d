"""A double submit files one request (issue 12, probe finding 4: on today's main a double click
made two pending adhesions, and 10 identical API requests made 10): the request form's hidden
key and ``POST /api/adhesions/``'s ``Idempotency-Key`` header."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from tests.security.test_probe_fixes import API_BODY
from tests.web.test_public_site import join_data

from mutuelle.web.members.models import Adhesion


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.MUTUELLE_RATE_LIMIT_SCALE = 0
    cache.clear()
    yield
    cache.clear()


def form_key(client) -> str:
    page = client.get(reverse("public:join")).content.decode()
    m = re.search(r'name="request_key" value="([0-9a-f]{32})"', page)
    assert m, "the request form carries its hidden key"
    return m.group(1)


@pytest.mark.django_db
def test_a_double_click_on_the_request_form_files_one_request(client) -> None:
    key = form_key(client)
    first = client.post(reverse("public:join"), join_data(request_key=key))
    second = client.post(reverse("public:join"), join_data(request_key=key))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]  # both land on the same request's page
    assert Adhesion.objects.count() == 1
    # Another page load is another key: a second request is a second request.
    client.post(reverse("public:join"), join_data(request_key=form_key(client)))
    assert Adhesion.objects.count() == 2


@pytest.mark.django_db
def test_the_same_form_key_with_a_changed_answer_is_a_new_request(client) -> None:
    key = form_key(client)
    client.post(reverse("public:join"), join_data(request_key=key))
    client.post(reverse("public:join"), join_data(request_key=key, first_name="Josiane"))
    assert sorted(Adhesion.objects.values_list("member__first_name", flat=True)) == [
        "Josette",
        "Josiane",
    ]


@pytest.mark.django_db
def test_the_api_idempotency_key_answers_the_first_request_again(client) -> None:
    def post(body, key):
        return client.post(
            "/api/adhesions/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
        )

    first, again = post(API_BODY, "cle-1"), post(API_BODY, "cle-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Adhesion.objects.count() == 1
    r = post({**API_BODY, "first_name": "Pierre"}, "cle-1")
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in r.json()["error"] and Adhesion.objects.count() == 1
    assert post(API_BODY, "cle-2").status_code == 201 and Adhesion.objects.count() == 2
    # Without a key, each request is a request (as documented).
    client.post("/api/adhesions/", API_BODY, content_type="application/json")
    assert Adhesion.objects.count() == 3


def test_the_schema_documents_the_header(client) -> None:
    op = client.get("/api/openapi.json").json()["paths"]["/api/adhesions/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in op["parameters"])
    assert "422" in op["responses"]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="requêtes simultanées sur un vrai serveur : PostgreSQL (DATABASE_URL) ; la base "
    "SQLite en mémoire des tests n'est pas partagée entre les fils du serveur de test",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_repeats_of_one_key_file_one_request(live_server) -> None:
    clients = 10
    barrier = threading.Barrier(clients)
    answers: list[tuple[int, str]] = []

    def post() -> None:
        req = urllib.request.Request(
            live_server.url + "/api/adhesions/",
            data=json.dumps(API_BODY).encode(),
            headers={"Content-Type": "application/json", "Idempotency-Key": "meme-cle"},
        )
        barrier.wait()
        for _ in range(5):
            try:
                with urllib.request.urlopen(req, timeout=120) as r:
                    answers.append((r.status, json.loads(r.read())["number"]))
            except urllib.error.HTTPError as e:
                answers.append((e.code, ""))
            except (ConnectionError, urllib.error.URLError):
                continue
            return

    threads = [threading.Thread(target=post) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [s for s, _ in answers] == [201] * clients, answers
    assert len({n for _, n in answers}) == 1
    assert Adhesion.objects.count() == 1


@pytest.mark.django_db
def test_erasing_a_request_removes_its_key_and_the_key_then_files_anew(client) -> None:
    from django.utils import timezone

    from mutuelle.web.security.models import IdempotencyKey
    from mutuelle.web.security.rights import erase_person

    def post():
        return client.post(
            "/api/adhesions/", API_BODY, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
        )

    assert post().status_code == 201
    erase_person(Adhesion.objects.get().member, timezone.localdate())  # never validated: deleted
    assert not Adhesion.objects.exists() and not IdempotencyKey.objects.exists()
    assert post().status_code == 201 and Adhesion.objects.count() == 1
