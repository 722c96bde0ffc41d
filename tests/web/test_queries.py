"""Query counts of the back office's main screens, snapshotted (issue 8): an N+1 shows in
review as a changed number. Each screen is asked on a population, then on a larger one: the
count must not move with the number of rows."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from tests.factories import AdhesionFactory
from tests.web.conftest import login

from mutuelle.offers import load_offer
from mutuelle.web.members import demo
from mutuelle.web.members.models import Adhesion, Person

# screen → SQL queries of one request (session, user and 2FA included)
SNAPSHOT = {
    "list": 12,
    "search": 15,  # the persons, then their adhesions by each index
    "adhesion": 24,  # the persons of the affiliations and justificatifs joined, not one a row
    "request": 24,  # a demo request with its pieces (issue 8, second pass)
    "person": 9,
    "history": 9,
    "home": 22,  # the requests queues say which can be validated now (their pieces, prefetched)
}


def _count(client, url: str) -> int:
    n = [0]

    def counting(execute, sql, params, many, context):
        n[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        r = client.get(url)
    assert r.status_code == 200, url
    return n[0]


def _screens() -> dict[str, str]:
    martin = Adhesion.objects.get(number="GR25-000001")
    pending = Adhesion.objects.filter(status="pending").first() or AdhesionFactory(pending=True)
    changelist = reverse("admin:members_adhesion_changelist")
    return {
        "list": changelist,
        "search": changelist + "?q=martin",
        "adhesion": reverse("admin:members_adhesion_change", args=[martin.pk]),
        "request": reverse("admin:members_adhesion_change", args=[pending.pk]),
        "person": reverse("admin:members_person_change", args=[martin.member_id]),
        "history": reverse("admin:members_event_changelist"),
        "home": reverse("admin:index"),
    }


@pytest.mark.parametrize("households", [60, 150])
def test_main_screens_cost_a_fixed_number_of_queries(client, staff, households) -> None:
    demo.load_demo(
        load_offer("grenoble-2025"),
        households=households,
        today=dt.date(2026, 11, 23),
        progress=lambda s: None,
    )
    assert Person.objects.count() > households
    login(client, staff)
    counts = {name: _count(client, url) for name, url in _screens().items()}
    assert counts == SNAPSHOT
