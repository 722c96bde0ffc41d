"""Issue 12, « every read of a member's data adds a log row », over the screens merged after
the first pass: the decision on an online request (and every act's page, which shows the
file), the persons already known offered at the counter, the contribution account."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from tests.factories import PersonFactory
from tests.web.conftest import login
from tests.web.test_backoffice_counter import counter_data

from mutuelle.web.security.models import AccessAction, AccessLog


def test_the_pages_of_a_decision_log_the_file_they_show(client, staff, martin) -> None:
    login(client, staff)
    for name in ("validate", "pieces", "refuse", "dependant"):
        before = AccessLog.objects.count()
        r = client.get(reverse(f"admin:members_adhesion_{name}", args=[martin.pk]))
        assert r.status_code == 200, name
        row = AccessLog.objects.order_by("-id").first()
        assert AccessLog.objects.count() == before + 1, name
        assert (row.username, row.adhesion_number, row.person_id) == (
            staff.username,
            martin.number,
            martin.member_id,
        )
        assert row.action == AccessAction.READ


def test_a_known_person_offered_at_the_counter_is_logged(client, staff) -> None:
    known = PersonFactory(last_name="DURAND", first_name="lou", birth_date=dt.date(2015, 11, 5))
    login(client, staff)
    r = client.post(reverse("admin:members_adhesion_counter"), counter_data())
    assert f"fiche n° {known.pk}" in r.text
    row = AccessLog.objects.get(person_id=known.pk)
    assert row.action == AccessAction.SEARCH and row.username == staff.username
    assert "guichet" in row.what


def test_nothing_is_logged_on_an_empty_counter_form(client, staff) -> None:
    login(client, staff)
    assert client.get(reverse("admin:members_adhesion_counter")).status_code == 200
    assert not AccessLog.objects.exists()


def test_the_contribution_account_logs_its_reading(client, staff, martin) -> None:
    login(client, staff)
    assert client.get(reverse("billing:account", args=[martin.number])).status_code == 200
    row = AccessLog.objects.get()
    assert (row.adhesion_number, row.what) == (martin.number, "compte cotisations")
