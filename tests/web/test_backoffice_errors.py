"""Issue 8: bad staff input is a form error beside its field, never a server error; and no
widget of an adhesion's page lists the population."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from tests.factories import AdhesionFactory, PersonFactory
from tests.web.conftest import login

TODAY = timezone.localdate()


def newborn(**over: str) -> dict[str, str]:
    data = {
        "first_name": "Lina",
        "last_name": "Martin",
        "birth_date": (TODAY - dt.timedelta(days=10)).isoformat(),
        "role": "child",
        "received_on": TODAY.isoformat(),
        "event": "birth",
    }
    data.update(over)
    return data


def test_a_newborn_born_tomorrow_is_a_form_error(client, staff, martin) -> None:
    login(client, staff)
    client.raise_request_exception = False
    url = reverse("admin:members_adhesion_dependant", args=[martin.pk])
    r = client.post(url, newborn(birth_date=(TODAY + dt.timedelta(days=30)).isoformat()))
    assert r.status_code == 200
    assert "Cette date de naissance est dans le futur" in r.text
    r = client.post(url, newborn(received_on=(TODAY - dt.timedelta(days=20)).isoformat()))
    assert r.status_code == 200
    assert "La demande ne peut être reçue avant la naissance" in r.text
    assert not martin.affiliations.filter(person__first_name="Lina").exists()


def test_the_same_child_twice_is_refused_in_words(client, staff, martin, caplog) -> None:
    login(client, staff)
    url = reverse("admin:members_adhesion_dependant", args=[martin.pk])
    noe = martin.affiliations.get(person__first_name="Noé").person
    r = client.post(
        url,
        newborn(
            first_name="noé",
            last_name="MARTIN",
            birth_date=noe.birth_date.isoformat(),
            event="",
        ),
    )
    assert r.status_code == 200
    assert "est déjà couvert-e par cette adhésion" in r.text
    assert martin.affiliations.filter(person__first_name__iexact="noé").count() == 1
    # The refused act is in the log (stderr and the rotating file, settings.LOGGING).
    assert any("acte refusé sur GR25-000001" in m for m in caplog.messages)


def test_a_database_refusal_is_a_message_not_a_500(client, staff, martin, monkeypatch) -> None:
    from django.db import IntegrityError

    from mutuelle.web.members import services

    def clash(*args: object, **kwargs: object) -> None:
        raise IntegrityError('violates check constraint "affiliation_end_after_start"')

    monkeypatch.setattr(services, "add_dependant", clash)
    login(client, staff)
    client.raise_request_exception = False
    r = client.post(reverse("admin:members_adhesion_dependant", args=[martin.pk]), newborn())
    assert r.status_code == 200
    assert "ces dates contredisent ce qui est déjà enregistré" in r.text


def test_a_death_in_the_future_is_a_form_error(client, staff, martin) -> None:
    login(client, staff)
    r = client.post(
        reverse("admin:members_adhesion_death", args=[martin.pk]),
        {
            "death_date": (TODAY + dt.timedelta(days=3)).isoformat(),
            "received_on": TODAY.isoformat(),
        },
    )
    assert r.status_code == 200 and "La date du décès est dans le futur" in r.text


def test_no_widget_lists_the_population(client, staff, martin) -> None:
    strangers = [
        PersonFactory(last_name="Inconnu", first_name=f"Passant{i}", birth_date=dt.date(1970, 1, 1))
        for i in range(30)
    ]
    AdhesionFactory(member=strangers[0])
    login(client, staff)
    r = client.get(reverse("admin:members_adhesion_change", args=[martin.pk]))
    assert r.status_code == 200
    assert "Passant" not in r.text and "INCONNU" not in r.text
    # The justificatif row offers the household (the member, Karim, Noé) and nobody else.
    for name in ("MARTIN Claire", "MARTIN Karim", "MARTIN Noé"):
        assert name in r.text
    # A new adhesion looks its member up (autocomplete), it does not list everyone.
    r = client.get(reverse("admin:members_adhesion_add"))
    assert r.status_code == 200
    assert "Passant" not in r.text and "admin-autocomplete" in r.text
