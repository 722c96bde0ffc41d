"""What residents stumbled on (issue 9), through Django's test client: limits that lock people
out, the private link of a request, the words of the request form, the advice for a widower of
81. The browser journeys and the words check of every page are in tests/e2e."""

from __future__ import annotations

import io
import re
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.web.test_public_site import join_data

from mutuelle.web.members.models import Adhesion
from mutuelle.web.public import links
from mutuelle.web.public.models import RequestLink

pytestmark = pytest.mark.django_db
THIS_YEAR = timezone.localdate().year


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split()
    )


# --- limits that lock people out -----------------------------------------------------------


def test_corrections_and_added_children_never_count_only_filed_requests_do(
    client, settings
) -> None:
    settings.MUTUELLE_RATE_LIMITS = {**settings.MUTUELLE_RATE_LIMITS, "adhesion": (1, 3600)}
    cache.clear()
    url = reverse("public:join")
    for _ in range(5):  # a family correcting mistakes: refused checks, added children
        assert client.post(url, join_data(iban="FR76 1234")).status_code == 400
        assert client.post(url, {**join_data(), "action": "add_child"}).status_code == 200
    assert client.post(url, join_data()).status_code == 302  # the one request filed
    r = client.post(url, join_data(first_name="Paul"))  # a second family, same computer
    assert r.status_code == 429 and int(r["Retry-After"]) > 60
    text = " ".join(r.text.split())
    assert re.search(r"réessayer dans <strong>\d+ minutes</strong>", text)
    assert "secondes" not in text
    assert "permanence" in text and "contact@mutuelle-entrenous.fr" in text
    assert Adhesion.objects.count() == 1


def test_adding_a_child_in_the_simulator_is_not_a_calculation(client, settings) -> None:
    settings.MUTUELLE_RATE_LIMITS = {**settings.MUTUELLE_RATE_LIMITS, "compute": (1, 60)}
    cache.clear()
    for n in range(1, 5):
        r = client.post(
            reverse("public:simulator"),
            {"situation": "residents", "children": str(n - 1), "action": "add_child"},
        )
        assert r.status_code == 200
        # The page returns to the child just added.
        assert f'data-focus="id_child_{n - 1}_birth"' in r.text


def test_the_13th_child_and_200_children_state_the_limit_and_why(client) -> None:
    r = client.post(
        reverse("public:simulator"),
        {"situation": "residents", "children": "12", "action": "add_child"},
    )
    assert r.status_code == 200
    text = " ".join(r.text.split())
    assert "12 enfants au plus" in text and "ne fixent pas de maximum" in text
    assert "permanence" in text
    assert r.text.count('class="child-row"') == 12
    assert 'value="add_child"' not in r.text  # no button that would silently do nothing
    r = client.post(
        reverse("public:simulator"),
        {"situation": "residents", "member_birth": "01/01/1980", "children": "200"},
    )
    assert r.status_code == 400
    summary = re.search(r'id="erreurs".*?</div>', r.text, re.S)
    assert summary and "12 enfants au plus" in summary.group(0)
    r = client.post(reverse("public:join"), join_data(children="200"))
    assert r.status_code == 400 and "12 enfants au plus" in r.text


# --- the private link ----------------------------------------------------------------------


def test_the_private_link_opens_the_request_on_another_device_while_pending(client) -> None:
    assert client.post(reverse("public:join"), join_data()).status_code == 302
    a = Adhesion.objects.get()
    page = client.get(reverse("public:request", args=[a.number])).text
    m = re.search(r"http://testserver(/adherer/suivi/([\w-]+)/)", page)
    assert m, "le lien privé est affiché"
    path, token = m.group(1), m.group(2)
    assert len(token) >= 20
    link = RequestLink.objects.get(adhesion=a)
    assert token not in link.token_hash  # only its hash is stored
    assert m.group(0) in pdf_text(
        client.get(reverse("public:request_pdf", args=[a.number])).content
    )

    phone = Client()
    assert phone.get(reverse("public:request", args=[a.number])).status_code == 404
    r = phone.get(path, follow=True)
    assert r.status_code == 200 and a.number in r.text and "Vos justificatifs" in r.text
    assert "Attestation" in r.text or "Pièce" in r.text
    assert phone.get(reverse("public:request_pdf", args=[a.number])).status_code == 200

    # A wrong token, or a request staff have decided: nothing shown.
    r = Client().get(reverse("public:request_link", args=["pas-le-bon"]))
    assert r.status_code == 404 and "contact@mutuelle-entrenous.fr" in r.text
    Adhesion.objects.filter(pk=a.pk).update(status="active")
    assert Client().get(path).status_code == 404


def test_the_browser_does_not_keep_the_request_for_14_days(client, monkeypatch) -> None:
    client.post(reverse("public:join"), join_data())
    a = Adhesion.objects.get()
    url = reverse("public:request", args=[a.number])
    assert client.get(url).status_code == 200
    later = time.time() + links.SESSION_SECONDS + 60
    monkeypatch.setattr(links.time, "time", lambda: later)
    assert client.get(url).status_code == 404  # the next user of a shared computer
    assert client.get(reverse("public:request_pdf", args=[a.number])).status_code == 404


# --- words ---------------------------------------------------------------------------------


def test_the_request_form_describes_the_tns_formulas_and_groups_them_by_range(client) -> None:
    page = client.get(reverse("public:join")).text
    assert '<optgroup label="Travailleur-euses non salarié-es (TNS Santé)">' in page
    assert re.search(r"<option value=\"AER\">AER — verre simple : 160 €", page)
    assert re.search(r"<option value=\"ASOCLR\">ASOCLR — [^<]*médecines douces : non couvert", page)
    assert "formules-par-situation" in page  # the script keeps only the situation's formulas
    r = client.post(reverse("public:join"), join_data(formula="AER"))
    assert r.status_code == 400 and "n&#x27;existe pas pour la situation choisie" in r.text


def test_impossible_dates_say_they_do_not_exist(client) -> None:
    r = client.post(
        reverse("public:simulator"), {"situation": "residents", "member_birth": "31/02/1990"}
    )
    assert "Le 31/02/1990 n&#x27;existe pas : en février 1990, il y a 28 jours" in r.text
    r = client.post(
        reverse("public:simulator"), {"situation": "residents", "member_birth": "12/13/1990"}
    )
    assert "Le mois 13 n&#x27;existe pas" in r.text
    assert "pas lisible" not in r.text


def test_advice_for_a_widower_of_81_names_the_formulas_he_can_join(client) -> None:
    born = f"04/05/{THIS_YEAR - 81}"
    start = f"01/01/{THIS_YEAR + 1}"
    client.post(
        reverse("public:advice"),
        {"situation": "residents", "member_birth": born, "start": start},
    )
    r = client.post(reverse("public:advice"), {"action": "needs", "q_0_aide_auditive": "2"})
    text = " ".join(r.text.split())
    assert r.status_code == 200, text[:2000]
    top = text.index("formules-fermees")
    assert top < text.index("Cotisation + reste à charge")
    assert "Beaufortain et Vanoise : vous ne pouvez pas y adhérer" in text
    assert "Vous pouvez adhérer à : <strong>Bauges, Vercors et Belledonne</strong>" in text
    assert "Formule Vanoise (adhésion impossible) : ce qu'elle rembourserait" in text
    assert "la grille publiée ne donne pas ce tarif" in text


def test_the_agents_late_entry_surcharge_is_in_the_headline_and_the_confirmation(client) -> None:
    agent = {
        "situation": "agents",
        "member_birth": "10/03/1975",
        "start": f"01/01/{THIS_YEAR + 1}",
        "agent_entry": "01/09/2019",  # entered at 44: late
        "agent_last_cover_end": "",
    }
    r = client.post(reverse("public:simulator"), agent)
    text = " ".join(r.text.split())
    assert r.status_code == 200, text[:3000]
    m = re.search(r"Vos cotisations comprennent une majoration de (\d+) %", text)
    assert m and int(m.group(1)) > 0
    assert text.index("majoration de") < text.index("Les formules côte à côte")
    assert f"(majoration de {m.group(1)} % comprise)" in text
    r = client.post(
        reverse("public:join"),
        join_data(
            situation="agents",
            links=["agent"],
            member_birth="10/03/1975",
            agent_entry="01/09/2019",
            start=agent["start"],
        ),
    )
    assert r.status_code == 302, " ".join(r.text.split())[:3000]
    page = " ".join(client.get(r["Location"]).text.split())
    assert f"majoration de {m.group(1)} % comprise" in page


def test_childrens_glasses_are_priced_on_the_child_reference(client) -> None:
    from mutuelle.advice import load_typical_prices

    prices = load_typical_prices()
    need = prices.need("lunettes_simples")
    assert need.items_for(10) == ("optique_equipement_classe_b_unifocal_enfant",)
    assert need.items_for(40) == ("optique_equipement_classe_b_unifocal_adulte",)
    child = prices.item("optique_equipement_classe_b_unifocal_enfant")
    assert child.tag in ("A", "S", "C") and child.sources
    assert sum(p.billed_cents or 0 for p in child.settle_as) == child.billed_cents
    client.post(
        reverse("public:advice"),
        {
            "situation": "residents",
            "member_birth": "15/06/1985",
            "children": "2",
            "child_0_birth": f"01/02/{THIS_YEAR - 9}",
            "child_1_birth": f"01/02/{THIS_YEAR - 6}",
            "start": f"01/01/{THIS_YEAR + 1}",
        },
    )
    r = client.post(
        reverse("public:advice"),
        {"action": "needs", "q_1_lunettes_simples": "1", "q_2_lunettes_simples": "1"},
    )
    text = " ".join(r.text.split())
    assert "Lunettes enfant à tarif libre" in text  # the reference used, with its sources
    assert "Lunettes adulte à tarif libre (classe B) : monture + 2 verres simples" not in text
    # Children in their order in every detail table.
    first = text.index("Enfant n° 1")
    assert first < text.index("Enfant n° 2")
    assert "/work/" not in text and ".md" not in text


def test_permanences_without_hours_say_how_to_reach_the_mutuelle(client) -> None:
    text = " ".join(client.get(reverse("public:permanences")).text.split())
    assert "ne sont pas encore publiés" in text
    assert "contact@mutuelle-entrenous.fr" in text and "73000 Chambéry" in text
    assert "Règlement mutualiste, art. I-7-3-2" in text  # the addresses' source, for residents
    assert ".txt" not in text and "l. 19" not in text  # the places' sources without seed lines


def test_the_fourth_child_line_says_what_it_is(client) -> None:
    kids = {f"child_{i}_birth": f"01/02/{THIS_YEAR - 4 - 2 * i}" for i in range(3)}
    r = client.post(
        reverse("public:simulator"),
        {
            "situation": "residents",
            "member_birth": "15/06/1990",
            "start": f"01/01/{THIS_YEAR + 1}",
            "children": "3",
            **kids,
        },
    )
    text = " ".join(r.text.split())
    assert "Un 4e enfant serait couvert sans cotisation" in text
    assert "que vous n&#x27;auriez pas à payer pour lui" in text
    assert "économie de" not in text


@pytest.mark.parametrize(
    "household",
    [
        {"situation": "residents", "member_birth": f"02/02/{THIS_YEAR - 80}"},
        {
            "situation": "agents",
            "member_birth": "10/03/1975",
            "agent_entry": "01/09/2019",
        },
        {"situation": "tns", "member_birth": "03/10/1975", "spouse_birth": "17/02/1977"},
    ],
)
def test_results_of_other_visitors_hold_no_internal_words(client, household) -> None:
    from tests.e2e.test_public_words import leaks

    data = {"start": f"01/01/{THIS_YEAR + 1}", "resources": "20000", **household}
    r = client.post(reverse("public:simulator"), data)
    assert r.status_code == 200
    text = re.sub(r"<[^>]+>", " ", r.text)
    text = re.sub(r"<script.*?</script>", " ", text, flags=re.S)
    assert not leaks(" ".join(text.split()))


def test_children_are_listed_in_the_order_they_were_typed(client) -> None:
    births = {"child_0_birth": "01/01/2020", "child_1_birth": "01/01/2010"}
    r = client.post(
        reverse("public:simulator"),
        {
            "situation": "residents",
            "member_birth": "15/06/1985",
            "start": f"01/01/{THIS_YEAR + 1}",
            "children": "2",
            **births,
        },
    )
    text = " ".join(re.sub(r"<[^>]+>", " ", r.text).split())
    rows = re.findall(r"(Enfant n° \d) \(\d+ ans", text)
    assert rows == ["Enfant n° 1", "Enfant n° 2"]


@pytest.mark.parametrize("page", ["public:advice", "public:css", "public:join"])
def test_adding_a_child_returns_to_it_on_every_form(client, page) -> None:
    data = {"situation": "residents", "children": "1", "action": "add_child"}
    r = client.post(reverse(page), data)
    assert r.status_code == 200
    assert re.search(r'data-focus="id_child_1_(birth|first_name)"', r.text)
    assert 'id="id_child_1_birth"' in r.text


def test_a_choice_outside_the_list_is_said_in_plain_words(client) -> None:
    r = client.post(reverse("public:simulator"), {"situation": "nulle-part"})
    assert "Choisissez une des réponses proposées." in r.text
    assert "lectionnez" not in r.text
    client.post(reverse("public:join"), join_data())
    a = Adhesion.objects.get()
    r = client.post(reverse("public:request", args=[a.number]), {"kind": "autre:9"})
    assert "Choisissez une des pièces de la liste." in r.text and "lectionnez" not in r.text


def test_the_request_form_at_12_children_says_the_limit_too(client) -> None:
    data = {**join_data(), "children": "12", "action": "add_child"}
    r = client.post(reverse("public:join"), data)
    assert r.status_code == 200 and "12 enfants au plus" in r.text
    assert 'value="add_child"' not in r.text
    assert 'data-focus="ajouter-enfant"' in r.text


def test_the_request_page_is_never_cached(client) -> None:
    client.post(reverse("public:join"), join_data())
    a = Adhesion.objects.get()
    r = client.get(reverse("public:request", args=[a.number]))
    assert r["Cache-Control"] == "no-store" and r["Referrer-Policy"] == "same-origin"


def test_no_error_box_is_ever_empty(client) -> None:
    r = client.post(
        reverse("public:simulator"),
        {"situation": "residents", "member_birth": "01/01/1980", "children": "-3"},
    )
    assert r.status_code == 400
    summary = re.search(r'id="erreurs".*?</ul>', r.text, re.S)
    assert summary and "ne peut pas être négatif" in summary.group(0)


def test_a_telephone_staff_enter_for_a_place_is_shown(client) -> None:
    from mutuelle.web.public.models import PermanencePlace

    place = PermanencePlace.objects.get(name="Hôtel de Ville de Grenoble")
    place.phone = "04 76 00 00 00"
    place.save()
    page = client.get(reverse("public:permanences")).text
    assert 'href="tel:0476000000"' in page and "04 76 00 00 00" in page
