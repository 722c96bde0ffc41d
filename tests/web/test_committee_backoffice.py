"""The Mutuelle's side (issue 13): staff record what the convention asks, the complaints register
computes its deadlines and shows what is late on the home page, and the committee page previews,
exports and publishes a period's report. Bad input never gives an error page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from tests.web.conftest import login

from mutuelle.cli import main
from mutuelle.web.public.models import PermanencePlace
from mutuelle.web.reporting import models as m
from mutuelle.web.reporting import services

D = dt.date


def test_a_late_complaint_shows_on_the_home_page_with_its_deadlines(client, staff, martin) -> None:
    login(client, staff)
    received = dt.date.today() - dt.timedelta(days=30)
    r = client.post(
        reverse("admin:reporting_complaint_add"),
        {
            "received_on": received.isoformat(),
            "channel": "written",
            "adhesion": martin.pk,
            "subject": "benefits",
            "summary": "Remboursement d'orthodontie attendu depuis trois mois.",
            "court": "",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    c = m.Complaint.objects.get()
    assert c.number == f"REC{received.year % 100:02d}-00001" and c.range == "residents"
    page = client.get(reverse("admin:reporting_complaint_change", args=[c.pk])).content.decode()
    assert "jours ouvrables" in page and "l. 2614" in page and "Médiateur de la Mutualité" in page
    home = client.get(reverse("admin:index")).content.decode()
    assert "Réclamations en retard (1)" in home and c.number in home
    assert "accusé de réception dû le" in home
    assert (
        c.number
        in client.get(
            reverse("admin:reporting_complaint_changelist"), {"delais": "retard"}
        ).content.decode()
    )
    # Answered: no longer late.
    data = {
        "received_on": received.isoformat(),
        "channel": "written",
        "adhesion": martin.pk,
        "subject": "benefits",
        "summary": c.summary,
        "acknowledged_on": (received + dt.timedelta(days=2)).isoformat(),
        "answered_on": dt.date.today().isoformat(),
        "answer": "Remboursement effectué.",
    }
    r = client.post(reverse("admin:reporting_complaint_change", args=[c.pk]), data)
    assert r.status_code == 302
    assert "Aucune réclamation en retard" in client.get(reverse("admin:index")).content.decode()


def test_the_register_refuses_impossible_dates_with_a_message(client, staff) -> None:
    login(client, staff)
    r = client.post(
        reverse("admin:reporting_complaint_add"),
        {
            "received_on": "2026-03-10",
            "channel": "oral",
            "written_on": "2026-03-01",
            "subject": "reception",
            "summary": "x",
            "answered_on": "2026-03-12",
        },
    )
    assert r.status_code == 200
    text = r.content.decode()
    assert "antérieure à la réception" in text
    assert "choisir la gamme" in text
    assert "résumer la réponse" in text
    assert not m.Complaint.objects.exists()


@pytest.mark.parametrize(
    ("model", "data"),
    [
        ("permanencesession", {"day": "31/02/2026", "moment": "noon", "participants": "-3"}),
        ("outreachevent", {"day": "hier", "title": ""}),
        ("preventionaction", {"day": "2026-13-01", "audience": "everybody", "participants": "x"}),
        ("meeting", {"day": "", "kind": "party", "participants": "1e9"}),
        ("workshoptheme", {"proposed_on": "0000-00-00"}),
        ("regulatorychange", {"title": "", "effective_on": "demain"}),
        ("communicationspend", {"day": "2026-01-01", "label": "x", "amount": "-12"}),
        ("loadingsrate", {"valid_from": "2026-01-01", "rate": "150", "source": ""}),
        ("complaint", {"received_on": "2026-02-30", "channel": "fax", "subject": "?"}),
    ],
)
def test_bad_input_is_answered_in_the_form(client, staff, model: str, data: dict) -> None:
    login(client, staff)
    r = client.post(reverse(f"admin:reporting_{model}_add"), data)
    assert r.status_code == 200
    assert "errornote" in r.content.decode() or "errorlist" in r.content.decode()


def test_a_permanence_twice_at_the_same_place_and_moment_is_refused(client, staff) -> None:
    login(client, staff)
    place = PermanencePlace.objects.get(name="Hôtel de Ville de Grenoble")
    data = {
        "place": place.pk,
        "day": "2026-03-02",
        "moment": "morning",
        "participants": "8",
        "contacts": "3",
        "css_orientations": "1",
        "aid_orientations": "0",
    }
    assert client.post(reverse("admin:reporting_permanencesession_add"), data).status_code == 302
    r = client.post(reverse("admin:reporting_permanencesession_add"), data)
    assert r.status_code == 200 and "existe déjà" in r.content.decode()
    data = {
        **data,
        "day": "2026-03-03",
        "participants": "1",
        "contacts": "0",
        "css_orientations": "4",
    }
    r = client.post(reverse("admin:reporting_permanencesession_add"), data)
    assert r.status_code == 200  # more orientations than people met


def test_amounts_and_rates_are_typed_as_people_write_them(client, staff) -> None:
    login(client, staff)
    r = client.post(
        reverse("admin:reporting_communicationspend_add"),
        {"day": "2026-02-01", "label": "Affiches", "amount": "1500,50"},
    )
    assert r.status_code == 302
    assert m.CommunicationSpend.objects.get().cents == 150050
    r = client.post(
        reverse("admin:reporting_loadingsrate_add"),
        {"valid_from": "2025-01-01", "rate": "15,5", "source": "note technique 2025"},
    )
    assert r.status_code == 302
    rate = m.LoadingsRate.objects.get()
    assert rate.rate_bp == 1550 and rate.recorded_by == staff
    # Entered, never edited: a correction is a new entry.
    r = client.post(reverse("admin:reporting_loadingsrate_change", args=[rate.pk]), {"rate": "1"})
    assert m.LoadingsRate.objects.get().rate_bp == 1550


def test_the_committee_page_previews_exports_and_publishes_once(client, staff, martin) -> None:
    login(client, staff)
    r = client.get(reverse("admin:reporting_committee"))
    assert r.status_code == 200 and "1er trimestre 2025" in r.content.decode()
    r = client.get(reverse("admin:reporting_preview", args=["2025-Q1"]))
    text = r.content.decode()
    assert r.status_code == 200 and "Aperçu" in text and "Adhésions en cours au 31/03/2025" in text
    # One member only: every figure about her household is secret.
    assert ">s<" in text
    r = client.get(reverse("admin:reporting_preview_export", args=["2025-Q1", "csv"]))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    r = client.get(reverse("admin:reporting_preview_export", args=["2025-Q1", "pdf"]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert "Martin" not in pdf_text(r.content)  # her household's figures are secret there too
    r = client.post(reverse("admin:reporting_preview", args=["2025-Q1"]))
    assert r.status_code == 302 and m.Publication.objects.filter(period="2025-Q1").exists()
    r = client.post(reverse("admin:reporting_preview", args=["2025-Q1"]), follow=True)
    assert "déjà publié" in r.content.decode()
    future = dt.date.today().year + 1
    r = client.get(reverse("admin:reporting_preview", args=[f"{future}-Q1"]), follow=True)
    assert (
        "n&#x27;est pas terminé" in r.content.decode() or "n'est pas terminé" in r.content.decode()
    )
    r = client.get(reverse("admin:reporting_preview", args=["2025-Q9"]), follow=True)
    assert r.status_code == 200 and "ériode illisible" in r.content.decode()


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)


def test_the_prior_cover_question_is_recorded_on_the_adhesion(client, staff, martin) -> None:
    login(client, staff)
    page = client.get(reverse("admin:members_adhesion_change", args=[martin.pk])).content.decode()
    assert 'for="id_prior_cover"' in page and "avant l&#x27;adhésion" in page
    martin.prior_cover = "none"
    martin.save()
    facts = services.adhesion_facts()
    assert [f.prior_cover.value for f in facts] == ["none"]


def test_the_report_command(db, martin, tmp_path, capsys) -> None:
    code = main(
        [
            "report",
            "--period",
            "2025-Q2",
            "--json",
            "--csv",
            str(tmp_path / "r.csv"),
            "--xlsx",
            str(tmp_path / "r.xlsx"),
            "--pdf",
            str(tmp_path / "r.pdf"),
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["period"]["key"] == "2025-Q2" and out["published_on"] is None
    assert [s["number"] for s in out["sections"]][:10] == list(range(1, 11))
    assert (tmp_path / "r.csv").read_text(encoding="utf-8").startswith("\ufeffpériode;")
    assert (tmp_path / "r.xlsx").stat().st_size > 1000
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert main(["report", "--period", "2025-Q2", "--publish"]) == 0
    text = capsys.readouterr().out
    assert "publié le" in text and "Nombre d'adhérent-es" in text
    assert main(["report", "--period", "2031-Q1", "--json"]) == 2
    assert "n'est pas terminé" in json.loads(capsys.readouterr().out)["error"]
    missing = str(tmp_path / "absent" / "r.pdf")
    assert main(["report", "--period", "2025-Q2", "--pdf", missing, "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error == f"rapport PDF : impossible d'écrire {missing} (dossier introuvable)"


def test_without_the_journal_the_money_figures_say_they_do_not_exist_yet(db) -> None:
    from mutuelle.reporting.facts import UNAVAILABLE_MONEY, Unavailable
    from mutuelle.web.reporting.money import money_facts

    got = money_facts()
    assert isinstance(got, Unavailable) and got.message == UNAVAILABLE_MONEY
