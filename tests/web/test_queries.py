"""Query counts of the back office's main screens stay flat with the data (no N+1): the
changelist of 100 adhesions and an adhesion's page cost a bounded number of SQL queries."""

import datetime as dt

from django.urls import reverse
from tests.web.conftest import login

from mutuelle.offers import load_offer
from mutuelle.web.members import demo


def test_changelist_and_change_page_do_not_grow_with_rows(
    client, staff, django_assert_max_num_queries
) -> None:
    demo.load_demo(
        load_offer("grenoble-2025"),
        households=150,
        today=dt.date(2026, 11, 23),
        progress=lambda s: None,
    )
    login(client, staff)
    with django_assert_max_num_queries(12):
        r = client.get(reverse("admin:members_adhesion_changelist"))
    assert r.status_code == 200 and "150 adhésions" in r.text
    from mutuelle.web.members.models import Adhesion

    a = Adhesion.objects.get(number="GR25-000001")
    with django_assert_max_num_queries(25):
        r = client.get(reverse("admin:members_adhesion_change", args=[a.pk]))
    assert r.status_code == 200
