"""A staff member's month, as a new user tries it (issue 11, second pass): the demonstration
population, a month's file written by ``mutuelle demo-claims``, ingested; the rejection report
read, a line fixed in the back office, the file received again (nothing paid twice), the
benefits paid, a member's page and décompte opened."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.web.conftest import login

from mutuelle.cli import main
from mutuelle.offers import load_offer
from mutuelle.web.claims.models import Rejection, Settlement
from mutuelle.web.members import demo
from mutuelle.web.members.models import Adhesion

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _sepa_dir(settings, tmp_path):
    settings.MUTUELLE_SEPA_DIR = tmp_path / "sepa"


@pytest.fixture
def agent(django_user_model):
    from mutuelle.web.security import roles

    roles.sync_roles()
    user = django_user_model.objects.create_user("agent.mois", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.group_name("prestations")))
    TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    c = Client()
    login(c, user)
    return c


def _cli(capsys, *args: str) -> dict:
    code = main([*args, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out
    return out


def test_a_month_of_claims_from_the_file_to_the_decompte(agent, capsys, tmp_path) -> None:
    demo.load_demo(load_offer("grenoble-2025"), households=60, today=TODAY, progress=print)
    capsys.readouterr()
    path = tmp_path / "octobre.csv"
    # 1. the month's file for the demonstration population
    wrote = _cli(capsys, "demo-claims", "--month", "2026-10", "--out", str(path))
    assert wrote["lines"] > 50 and wrote["to_fix"] == 4
    # the same month twice: the same file (the same line ids)
    first = path.read_bytes()
    _cli(capsys, "demo-claims", "--month", "2026-10", "--out", str(path))
    assert path.read_bytes() == first
    # 2. ingested: good lines settled, the four others in the report with field and reason
    got = _cli(capsys, "ingest", str(path))
    assert got["rejected"] == 4 and got["settled"] >= wrote["lines"] - 4 - got["duplicates"]
    assert got["to_pay_cents"] > 0
    with path.with_suffix(".rejets.csv").open(encoding="utf-8") as f:
        report = {r["line_id"]: r for r in csv.DictReader(f, delimiter=";")}
    assert set(report) == {"D202610-X1", "D202610-X2", "D202610-X3", "D202610-X4"}
    assert report["D202610-X1"]["field"] == "act_code"
    assert "inconnu" in report["D202610-X1"]["reason"]
    # 3. the queue in the back office; the line fixed (the right code) and settled
    queue = agent.get("/gestion/prestations/rejets/")
    assert queue.status_code == 200
    text = queue.content.decode()
    assert "D202610-X1" in text and "Corriger et renvoyer" in text
    rej = Rejection.objects.get(line_id="D202610-X1")
    form = agent.get(f"/gestion/prestations/rejets/{rej.pk}/")
    page = form.content.decode()
    assert form.status_code == 200 and "Code de l&#x27;acte" in page  # French labels
    assert "variable inconnue" not in page
    data = {k: ("" if v is None else str(v)) for k, v in rej.record.items()}
    data["act_code"] = "G"
    assert agent.post(f"/gestion/prestations/rejets/{rej.pk}/", data).status_code == 302
    assert Settlement.objects.filter(line__line_id="D202610-X1", mutuelle_cents__gt=0).exists()
    queue = agent.get("/gestion/prestations/rejets/").content.decode()
    assert "Ligne D202610-X1 réglée" in queue  # the message after the redirect
    assert f"/rejets/{rej.pk}/" not in queue and "D202610-X2" in queue
    # 4. the same file again: nothing new, nothing paid twice
    again = _cli(capsys, "ingest", str(path))
    assert again["already_done"]
    # 5. paid: the demonstration households gave their (fictitious) IBANs, one credit
    # transfer file pays them.
    assert all("DEMO" in a.iban for a in Adhesion.objects.all())
    paid = _cli(capsys, "pay", "--date", "2026-11-05", "--out", str(tmp_path / "virements.xml"))
    assert paid["transfers"] > 0 and paid["due_cents"] == 0
    assert paid["paid_cents"] == paid["settled_cents"]
    assert b"pain.001.001.09" in (tmp_path / "virements.xml").read_bytes()
    # 6. a member's page and décompte, in the back office and from the command line
    number = rej.adhesion_no
    member = agent.get(f"/gestion/prestations/adhesion/{number}/")
    html = member.content.decode()
    assert member.status_code == 200 and "Règlements" in html
    assert "Décompte d’octobre 2026" in html and "variable inconnue" not in html
    pdf = agent.get(f"/gestion/prestations/adhesion/{number}/decompte/2026-10/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    out = _cli(capsys, "decompte", number, "--period", "2026-10", "--out", str(tmp_path / "d.pdf"))
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF") and out["sha256"]
    # a month without care: the page says so, no error
    empty = agent.get(f"/gestion/prestations/adhesion/{number}/decompte/2024-01/")
    assert empty.status_code in (200, 404)
    bad = agent.get(f"/gestion/prestations/adhesion/{number}/decompte/2026-13/")
    assert bad.status_code == 404


def test_demo_claims_says_what_is_wrong_in_french(capsys, tmp_path) -> None:
    assert main(["demo-claims", "--month", "2026-13", "--out", str(tmp_path / "f.csv")]) == 2
    assert "mois invalide" in capsys.readouterr().err
    assert main(["demo-claims", "--month", "2026-10", "--out", "/nope/f.csv", "--json"]) == 2
    assert "dossier introuvable" in capsys.readouterr().out
    # an empty database: load the demonstration population first
    assert main(["demo-claims", "--month", "2026-10", "--out", str(tmp_path / "f.csv")]) == 2
    assert "mutuelle demo-data" in capsys.readouterr().err
    assert not (tmp_path / "f.csv").exists()


def test_a_month_of_a_town_of_more_than_a_thousand_households_is_ingested_on_either_database(
    capsys, tmp_path
) -> None:
    # A chunk of 5 000 lines spans more than a thousand households: SQLite refused the
    # prefetch of their persons in one query (« Expression tree is too large »), so the
    # README's « mutuelle ingest » crashed on the embedded default at the demo's size.
    demo.load_demo(load_offer("grenoble-2025"), households=1400, today=TODAY, progress=print)
    capsys.readouterr()
    path = tmp_path / "octobre.csv"
    wrote = _cli(capsys, "demo-claims", "--month", "2026-10", "--out", str(path))
    got = _cli(capsys, "ingest", str(path))
    assert Settlement.objects.values("adhesion").distinct().count() > 1000
    assert got["rejected"] == wrote["to_fix"] == 4
    assert got["settled"] == wrote["lines"] - 4
