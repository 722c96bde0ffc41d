"""The claims' back office as staff use it: a member's settlements with their explanation, the
rejection queue (fix a line and resubmit it), a claim keyed by staff, the payment batches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from tests.factories import AdhesionFactory, PersonFactory
from tests.web.conftest import login
from tests.web.test_claims_ingest import _row, _write

from mutuelle.cli import main
from mutuelle.web.claims.models import ClaimLine, Rejection, Settlement
from mutuelle.web.security.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(django_user_model):
    from mutuelle.web.security import roles

    roles.sync_roles()
    user = django_user_model.objects.create_user(
        "agent.prestations", password="x" * 20, is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.group_name("prestations")))
    TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    c = Client()
    login(c, user)
    return c


def test_staff_read_a_member_s_claims_fix_a_rejected_line_and_key_a_claim(agent, capsys, tmp_path):
    a = AdhesionFactory(formula="Vercors", member=PersonFactory(birth_date=dt.date(1980, 6, 15)))
    rows = [
        _row(a.number, "R1", "2025-03-02", code="G", pf=200),
        _row(a.number, "R2", "2025-03-03", code="ZZZ"),
    ]
    assert main(["ingest", str(_write(tmp_path / "f.csv", rows)), "--json"]) == 0
    capsys.readouterr()
    page = agent.get(f"/gestion/prestations/adhesion/{a.number}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert ("generaliste" in text and "ZZZ" in text) or "inconnu" in text
    assert AccessLog.objects.filter(adhesion_number=a.number).exists()
    # the queue, then the fix: the right code, resubmitted through the same path
    queue = agent.get("/gestion/prestations/rejets/")
    assert queue.status_code == 200 and "R2" in queue.content.decode()
    rej = Rejection.objects.get(line_id="R2")
    form = agent.get(f"/gestion/prestations/rejets/{rej.pk}/")
    assert form.status_code == 200 and "ZZZ" in form.content.decode()
    data = {k: ("" if v is None else str(v)) for k, v in rej.record.items()}
    data["act_code"] = "CS"
    done = agent.post(f"/gestion/prestations/rejets/{rej.pk}/", data)
    assert done.status_code == 302
    rej.refresh_from_db()
    assert rej.resolved_at is not None
    assert Settlement.objects.filter(line__line_id="R2", mutuelle_cents__gt=0).exists()
    # a bad fix says why, on the page
    data["act_code"] = "ZZZ"
    data["line_id"] = "R2b"
    again = agent.post(f"/gestion/prestations/rejets/{rej.pk}/", data)
    assert again.status_code == 200 and "inconnu" in again.content.decode()
    # a claim keyed by staff: an osteopath's invoice
    page = agent.get(f"/gestion/prestations/adhesion/{a.number}/saisie/")
    assert page.status_code == 200
    keyed = {
        "line_id": "S-1", "source": "manual", "emitter": "agent.prestations",
        "adhesion_no": a.number, "beneficiary_birth_date": "1980-06-15",
        "beneficiary_rank": "1", "care_date": "2025-03-10", "benefit": "medecines_douces",
        "billed_cents": "5000", "br_cents": "0", "amo_cents": "0", "label": "Ostéopathe",
    }  # fmt: skip
    saved = agent.post(f"/gestion/prestations/adhesion/{a.number}/saisie/", keyed)
    assert saved.status_code == 302
    line = ClaimLine.objects.get(line_id="S-1")
    assert line.entered_by == "agent.prestations"
    assert line.settlements.get().mutuelle_cents == 5000
    assert agent.get("/gestion/prestations/virements/").status_code == 200


def test_a_role_without_claims_permissions_is_refused(client, django_user_model, capsys):
    from mutuelle.web.security import roles

    roles.sync_roles()
    user = django_user_model.objects.create_user("agent.accueil2", password="x" * 20, is_staff=True)
    user.groups.add(Group.objects.get(name=roles.group_name("accueil")))
    login(client, user)
    a = AdhesionFactory()
    assert client.get(f"/gestion/prestations/adhesion/{a.number}/").status_code == 403
    assert client.get("/gestion/prestations/rejets/").status_code == 403


def test_the_claims_page_names_each_guarantee_in_the_table_s_words_not_by_its_code(
    agent, capsys, tmp_path
):
    """Staff read « Médecins généralistes non adhérents à un DPTAM… », the line of the
    guarantee table that settled the act, and why in French — not the engine's codes
    (« generaliste », « medecines_douces »); the décompte says the same (docs I-251)."""
    a = AdhesionFactory(formula="Vercors", member=PersonFactory(birth_date=dt.date(1980, 6, 15)))
    rows = [
        _row(a.number, "L1", "2025-03-02", code="G", pf=200),
        _row(a.number, "L2", "2025-03-04", benefit="medecines_douces", billed=6000, br=0, amo=0),
    ]
    assert main(["ingest", str(_write(tmp_path / "f.csv", rows)), "--json"]) == 0
    capsys.readouterr()
    page = agent.get(f"/gestion/prestations/adhesion/{a.number}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Médecins généralistes non adhérents à un DPTAM" in text
    assert "Praticiens reconnus par les annuaires professionnels" in text
    assert "Soins courants – Honoraires médicaux" in text
    assert "acte G" in text  # the AMO's act code, for staff, beside the label
    for code in ("generaliste", "medecines_douces", "« G »"):
        assert code not in text, code
    from mutuelle.web.claims import statements

    doc = statements.decompte(a, statements.month("2025-03"))
    labels = [r[1] for r in doc.sections[0].blocks[0].rows]
    assert labels[0].startswith("Médecins généralistes non adhérents")
    assert labels[1].startswith("Praticiens reconnus")
