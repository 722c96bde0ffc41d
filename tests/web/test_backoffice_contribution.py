"""Issue 8: what staff see is what the member pays — each person's monthly contribution, with
a newborn's free months (Règlement particuliers III-1-3) and the agents' late-entry surcharge
in plain sight."""

import datetime as dt
import html

from django.urls import reverse
from django.utils import timezone
from tests.factories import AdhesionFactory, PersonFactory
from tests.web.conftest import login

from mutuelle.web.members import services

TODAY = timezone.localdate()


def test_the_newborns_free_months_show_in_the_contribution(client, staff, martin) -> None:
    login(client, staff)
    birth = TODAY - dt.timedelta(days=10)
    r = client.post(
        reverse("admin:members_adhesion_dependant", args=[martin.pk]),
        {
            "first_name": "Lina",
            "last_name": "Martin",
            "birth_date": birth.isoformat(),
            "role": "child",
            "received_on": TODAY.isoformat(),
            "event": "birth",
        },
        follow=True,
    )
    assert r.status_code == 200
    c = services.contribution_breakdown(martin, TODAY)
    assert c is not None
    lina = next(p for p in c.persons if p.name == "Lina")
    assert lina.this_month_cents == 0 and lina.monthly_cents > 0
    assert "mois à compter de la naissance" in lina.free
    assert c.total_cents == sum(p.this_month_cents for p in c.persons)
    page = html.unescape(r.text)
    assert "Cotisation mensuelle, personne par personne" in page
    assert lina.free in page and "III-1-3" in page
    # The total shown is the one the adhesion's list shows (one computation).
    assert c.total_cents == services.current_monthly(martin)


def test_the_agents_surcharge_is_in_its_own_column(client, staff) -> None:
    a = AdhesionFactory(
        agents=True,
        member=PersonFactory(birth_date=dt.date(1975, 3, 3)),
        agent_service_entry=dt.date(2015, 9, 1),
        agent_last_reference_cover_end=None,
    )
    c = services.contribution_breakdown(a, TODAY)
    assert c is not None and not c.refusal, c
    member = c.persons[0]
    assert member.surcharge, member
    login(client, staff)
    r = client.get(reverse("admin:members_adhesion_change", args=[a.pk]))
    assert member.surcharge in html.unescape(r.text)
