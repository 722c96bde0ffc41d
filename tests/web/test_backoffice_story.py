"""The staff user story of issue 4, through the admin as a person would use it: log in, find a
family, add a newborn, ask for a downgrade too early and be told why, record a termination
and see the refund date. Dates worked out by hand from the règlement (comments)."""

import datetime as dt

from django.urls import reverse
from tests.web.conftest import login, totp_code

from mutuelle.web.members.enums import EventKind
from mutuelle.web.members.models import Adhesion, Event

D = dt.date


def test_staff_story_through_the_admin(client, staff, martin) -> None:
    # Log in with the real login form.
    r = client.post(
        reverse("admin:login"),
        {
            "username": "agent.accueil",
            "password": "mot-de-passe-solide-2025",
            "otp_token": totp_code(staff),
            "next": "/gestion/",
        },
    )
    assert r.status_code == 302 and r["Location"] == "/gestion/"

    # Find the family by a dependant's first name or the family name.
    r = client.get(reverse("admin:members_adhesion_changelist"), {"q": "martin"})
    assert r.status_code == 200
    assert "GR25-000001" in r.text and "MARTIN Claire" in r.text
    r = client.get(reverse("admin:members_adhesion_changelist"), {"q": "Noé"})
    assert "GR25-000001" in r.text

    # The household, the formula history and the dates computed by the core.
    page = reverse("admin:members_adhesion_change", args=[martin.pk])
    r = client.get(page)
    assert r.status_code == 200
    for text in (
        "Karim",
        "Noé",
        "Belledonne",
        "Vanoise",
        "Prochain renouvellement",
        "Changement de formule à la baisse",
        "Justificatifs manquants",
        "Pièce d&#x27;identité; Attestation d&#x27;affiliation",
        "Résiliation demandée aujourd",
        "l. 2290",
    ):
        assert text in r.text, text

    # A newborn: born 15 Oct 2026, request received 2 Nov 2026, within two months → covered
    # from birth (Règlement particuliers I-7-2); a dependant until 31 Dec of the year before
    # the 1 January when Lina is 21: 2047.
    r = client.post(
        reverse("admin:members_adhesion_dependant", args=[martin.pk]),
        {
            "first_name": "Lina",
            "last_name": "Martin",
            "birth_date": "2026-10-15",
            "role": "child",
            "received_on": "2026-11-02",
            "event": "birth",
        },
        follow=True,
    )
    assert r.status_code == 200
    assert (
        "Lina Martin affilié-e : couvert-e à partir du 15/10/2026 jusqu&#x27;au 31/12/2047"
        in r.text
    )
    lina = martin.affiliations.get(person__first_name="Lina")
    assert (lina.start, lina.end) == (D(2026, 10, 15), D(2047, 12, 31))

    # A downgrade asked on 5 Nov 2026: Vanoise since 1 Jan 2026 after a first change → 24
    # months → 1 Jan 2028 at the earliest, to be asked by 1 Dec 2027 (I-9-2-1).
    r = client.post(
        reverse("admin:members_adhesion_formula", args=[martin.pk]),
        {"new": "Vercors", "requested_on": "2026-11-05"},
    )
    assert r.status_code == 200  # the form again, with the refusal
    assert "Refusé : changement de formule à la baisse (Vanoise → Vercors)" in r.text
    assert "24 mois" in r.text and "01/01/2028" in r.text and "01/12/2027" in r.text
    assert "l. 2519" in r.text  # the sentence of the règlement, findable in one search
    assert "refusé à cette date : après un premier changement" in r.text
    assert martin.formula_periods.count() == 2

    # Termination received 5 Nov 2026: more than a year after 1 Jan 2025 → effect one month
    # after reception, 5 Dec 2026; refund of 6–31 Dec within 30 days, by 4 Jan 2027.
    r = client.post(
        reverse("admin:members_adhesion_termination", args=[martin.pk]),
        {"kind": "member", "received_on": "2026-11-05"},
        follow=True,
    )
    assert r.status_code == 200
    a = Adhesion.objects.get(pk=martin.pk)
    assert a.end == D(2026, 12, 5) and a.end_reason == "infra_annual"
    assert a.refund_by == D(2027, 1, 4)
    expected = round(a.monthly_cents * 26 / 31)  # 26 of December's 31 days, half up
    assert abs(a.refund_cents - expected) <= 1
    assert "au plus tard le 04/01/2027" in r.text
    assert "dernier jour couvert le 05/12/2026" in r.text
    assert all(x.end <= a.end for x in a.affiliations.all())

    # Everything is in the history, with who did it.
    kinds = list(Event.objects.filter(adhesion=martin, actor=staff).values_list("kind", flat=True))
    assert kinds == [EventKind.DEPENDANT_ADDED, EventKind.FORMULA_REFUSED, EventKind.TERMINATED]


def test_anonymous_is_sent_to_login(client, martin) -> None:
    r = client.get(reverse("admin:members_adhesion_change", args=[martin.pk]))
    assert r.status_code == 302 and "/gestion/login/" in r["Location"]


def test_dependant_refused_in_plain_words(client, staff, martin) -> None:
    login(client, staff)
    r = client.post(
        reverse("admin:members_adhesion_dependant", args=[martin.pk]),
        {
            "first_name": "Paul",
            "last_name": "Martin",
            "birth_date": "2003-05-01",
            "role": "child",
            "received_on": "2026-11-02",
        },
    )
    assert "Refusé : enfant de 22 ans au 1er janvier 2026" in r.text
    assert "qu&#x27;avec un justificatif" in r.text
    assert not martin.affiliations.filter(person__first_name="Paul").exists()
    assert Event.objects.filter(adhesion=martin, kind=EventKind.DEPENDANT_REFUSED).exists()


def test_death_refunds_from_the_day_after(client, staff, martin) -> None:
    login(client, staff)
    r = client.post(
        reverse("admin:members_adhesion_death", args=[martin.pk]),
        {"death_date": "2026-09-10", "received_on": "2026-09-20"},
        follow=True,
    )
    assert r.status_code == 200
    a = Adhesion.objects.get(pk=martin.pk)
    assert a.end == D(2026, 9, 10) and a.end_reason == "death"
    # 20 days of September (30) + October, November, December.
    assert (
        a.refund_cents == round(a.monthly_cents * 20 / 30) + 3 * a.monthly_cents
        or abs(a.refund_cents - (a.monthly_cents * 20 / 30 + 3 * a.monthly_cents)) <= 1
    )
    again = client.post(
        reverse("admin:members_adhesion_termination", args=[martin.pk]),
        {"kind": "member", "received_on": "2026-09-25"},
    )
    assert "l&#x27;adhésion a déjà cessé le 10/09/2026" in again.text


def test_new_adhesion_dates_are_computed_not_typed(client, staff, db) -> None:
    from mutuelle.web.members.models import Person

    login(client, staff)
    p = Person.objects.create(last_name="Durand", first_name="Inès", birth_date=D(1985, 2, 2))
    r = client.post(
        reverse("admin:members_adhesion_add"),
        {
            "member": p.pk,
            "range": "residents",
            "channel": "agency",
            "links": ["resident"],
            "amo_affiliated": "on",
            "signed_on": "2026-03-02",
            "file_sent_on": "2026-03-20",
            "wished_start": "2026-03-01",
            "formula": "Vercors",
        },
    )
    assert r.status_code == 302, r.text[:3000]
    a = Adhesion.objects.get(member=p)
    # Sent 20 March, more than 15 days after the wished 1 March → 1 April (I-4).
    assert a.start == D(2026, 4, 1)
    assert a.number == "GR26-000001"
    assert a.monthly_cents and a.monthly_cents > 0
    assert a.formula_periods.get().formula == "Vercors"
    assert Event.objects.get(adhesion=a).kind == EventKind.ADHESION


def test_editing_payment_facts_is_recorded_in_the_history(client, staff, martin) -> None:
    login(client, staff)
    page = reverse("admin:members_adhesion_change", args=[martin.pk])
    r = client.get(page)
    form = r.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update({"paid_until": "2026-06-30", "up_to_date": ""})
    for inline in r.context["inline_admin_formsets"]:
        mgmt = inline.formset.management_form
        for name in mgmt.fields:
            data[f"{inline.formset.prefix}-{name}"] = mgmt[name].value()
    r = client.post(page, data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    e = Event.objects.get(adhesion=martin, kind=EventKind.CHANGE)
    assert "Cotisations payées jusqu" in e.summary and "jour de ses cotisations" in e.summary
    assert e.actor == staff and e.data["paid_until"] == "2026-06-30"


def test_new_adhesion_refused_with_every_reason(client, staff, db) -> None:
    from mutuelle.web.members.models import Person

    login(client, staff)
    p = Person.objects.create(last_name="Petit", first_name="Jade", birth_date=D(2011, 5, 5))
    r = client.post(
        reverse("admin:members_adhesion_add"),
        {
            "member": p.pk,
            "range": "agents",
            "channel": "agency",
            "links": ["resident"],
            "amo_affiliated": "on",
            "mandatory_collective_cover": "on",
            "signed_on": "2026-03-02",
            "file_sent_on": "2026-03-05",
            "wished_start": "2026-03-01",
            "formula": "Vercors",
        },
    )
    assert r.status_code == 200
    assert "Adhésion impossible : Âge : 14 ans le 01/03/2026" in r.text
    assert "agent-e (titulaire ou contractuel-le" in r.text
    assert "collective obligatoire" in r.text
    assert not Adhesion.objects.filter(member=p).exists()
