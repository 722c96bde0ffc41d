"""Issue 8: a family enrolled at the counter in one form — the same checks and messages as
online, a known person offered instead of a duplicate."""

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import PersonFactory
from tests.web.conftest import login
from tests.web.test_public_site import START, join_data

from mutuelle.web.members.models import Adhesion, Person
from mutuelle.web.payments.models import Mandate

TODAY = timezone.localdate()
URL = "admin:members_adhesion_counter"


def counter_data(**over: object) -> dict[str, object]:
    data = join_data(
        spouse_last_name="Durand",
        spouse_first_name="Marcel",
        spouse_birth="12/01/1952",
    )
    data.update(
        {
            "bulletin_signed_on": TODAY.isoformat(),
            "mandate_signed_on": TODAY.isoformat(),
            "pieces_presented": "on",
        }
    )
    data.update(over)
    return data


@pytest.fixture
def desk(client, staff):
    login(client, staff)
    return client


def test_a_family_enrolled_at_the_counter_in_one_form(desk) -> None:
    assert desk.get(reverse(URL)).status_code == 200
    r = desk.post(reverse(URL), counter_data(), follow=True)
    assert r.status_code == 200
    a = Adhesion.objects.get()
    assert a.status == "active" and a.number.startswith("GR"), r.text
    assert a.channel == "agency" and a.start == START
    assert sorted(x.person.first_name for x in a.affiliations.all()) == ["Lou", "Marcel"]
    assert a.formula_periods.get().formula == "Belledonne"
    assert Mandate.objects.get(adhesion=a).signed_on == TODAY
    assert a.documents.count() >= 5  # every piece presented, recorded as received
    assert "validée : adhésion" in r.text
    assert a.prior_cover == "none"  # Convention art. 5, indicator 1: asked at the counter too


def test_pieces_not_all_presented_leave_a_request_with_its_list(desk) -> None:
    r = desk.post(reverse(URL), counter_data(pieces_presented=""), follow=True)
    a = Adhesion.objects.get()
    assert a.status == "pending" and a.number.startswith("DEM")
    assert "pièces à recevoir" in r.text and "Attestation d&#x27;affiliation" in r.text


def test_the_same_checks_and_messages_as_online(desk) -> None:
    r = desk.post(reverse(URL), counter_data(mandatory_cover="yes"))
    assert r.status_code == 200
    assert "complémentaire santé collective obligatoire" in r.text
    r = desk.post(reverse(URL), counter_data(links=[]))
    assert "Cochez au moins un lien avec Grenoble" in r.text
    assert not Adhesion.objects.exists() and not Person.objects.exists()


def test_a_known_person_is_offered_instead_of_a_duplicate(desk) -> None:
    import datetime as dt

    known = PersonFactory(last_name="DURAND", first_name="lou", birth_date=dt.date(2015, 11, 5))
    r = desk.post(reverse(URL), counter_data())
    assert r.status_code == 200
    assert "déjà connues" in r.text and f"fiche n° {known.pk}" in r.text
    assert not Adhesion.objects.exists()
    lou_line = 2  # member, spouse, then Lou
    r = desk.post(reverse(URL), counter_data(**{f"known_{lou_line}": str(known.pk)}), follow=True)
    a = Adhesion.objects.get()
    assert a.affiliations.get(role="child").person == known
    assert Person.objects.filter(first_name__iexact="lou").count() == 1


def test_a_known_member_cannot_join_twice(desk) -> None:
    import datetime as dt

    from tests.factories import AdhesionFactory

    josette = PersonFactory(
        last_name="Durand", first_name="Josette", birth_date=dt.date(1954, 5, 4)
    )
    a = AdhesionFactory(member=josette)
    r = desk.post(reverse(URL), counter_data())
    assert f"fiche n° {josette.pk}" in r.text
    r = desk.post(reverse(URL), counter_data(known_0=str(josette.pk)))
    assert f"déjà membre participant (adhésion {a.number})" in r.text
    assert Adhesion.objects.count() == 1
