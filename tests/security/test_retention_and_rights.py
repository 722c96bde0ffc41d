"""Retention and the rights of the persons (issue 12): periods from the texts, enforced by
``mutuelle purge``; a person's data exported as a file (GDPR art. 15, 20); an erasure request
handled as an insurer may (art. 17)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from mutuelle.web.members.enums import AdhesionStatus, EndReason
from mutuelle.web.members.models import Adhesion, Document, Event, Person
from mutuelle.web.security import retention, rights
from mutuelle.web.security.models import AccessLog

D = dt.date
TODAY = D(2033, 3, 1)


def test_each_period_comes_from_its_text(seed_lines) -> None:
    for r in retention.rules():
        assert r.source and r.years > 0, r.key
    for line, years in ((2706, "six (6) années"), (3993, "six (6) années"), (5225, "dix (10)")):
        assert "durée de conservation" in seed_lines[line - 1] and years in seed_lines[line - 1]
    assert "cinq (5) années" in seed_lines[2041 - 1]  # the convention's art. 8
    assert retention.rule("adhesion_ended").years == 6
    assert retention.rule("adhesion_ended_tns").years == 10
    assert not retention.rule("convention_partners").enforced


@pytest.fixture
def ended(martin, settings, tmp_path):
    """Martin's adhesion ended on 31 Dec 2026, with a justificatif file."""
    settings.MEDIA_ROOT = tmp_path
    martin.affiliations.update(end=D(2026, 12, 31))
    martin.formula_periods.filter(end__isnull=True).update(end=D(2026, 12, 31))
    martin.end, martin.end_reason = D(2026, 12, 31), EndReason.ANNUAL
    martin.save()
    doc = Document(adhesion=martin, person=martin.member, kind="identity", received_on=martin.start)
    doc.file.save("id.pdf", ContentFile(b"%PDF-1.4"), save=False)
    doc.save()
    Event.objects.create(adhesion=martin, kind="change", summary="test")
    return martin, doc


def test_a_purge_dry_run_lists_what_it_would_delete_and_deletes_nothing(ended) -> None:
    adhesion, doc = ended
    out = io.StringIO()
    call_command("purge", dry_run=True, today="2032-12-31", stdout=out)
    assert "aucun dossier échu" in out.getvalue()  # 6 years after 31/12/2026 not yet passed
    out = io.StringIO()
    call_command("purge", dry_run=True, today=TODAY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "GR25-000001 serait supprimé" in text and "6 ans après le 31/12/2026" in text
    assert "seed 003, l. 2706" in text  # its source
    assert Adhesion.objects.filter(pk=adhesion.pk).exists()
    assert doc.file.storage.exists(doc.file.name)


def test_the_purge_deletes_the_whole_file_and_keeps_what_is_still_held(
    ended, tmp_path, django_capture_on_commit_callbacks
) -> None:
    adhesion, doc = ended
    other = Person.objects.create(last_name="Reste", first_name="Ici", birth_date=D(1970, 1, 1))
    karim = adhesion.affiliations.get(person__first_name="Karim").person
    # Karim is also the member of an adhesion still running: his person row must stay.
    kept = Adhesion.objects.create(
        number="GR27-000001",
        offer="grenoble-2025",
        range="residents",
        member=karim,
        signed_on=D(2027, 1, 2),
        file_sent_on=D(2027, 1, 2),
        start=D(2027, 2, 1),
    )
    file_name = doc.file.name
    with connection.cursor() as c:  # rows read in 2026 and in 2030 (auto_now_add cannot date)
        for who, year in (("ancien", 2026), ("recent", 2030)):
            c.execute(
                "INSERT INTO security_accesslog (at, username, action, subject_type, subject_id, "
                "adhesion_number, what, path) VALUES (%s, %s, 'read', 't', '1', '', 'w', '/')",
                [dt.datetime(year, 1, 1, 9, tzinfo=dt.UTC), who],
            )
    with pytest.raises(DatabaseError), transaction.atomic():  # refused outside a purge
        Event.objects.filter(adhesion=adhesion).delete()
    with django_capture_on_commit_callbacks(execute=True):  # the files go once committed
        todo, counts = retention.purge(TODAY)
    assert [i.number for i in todo.adhesions] == ["GR25-000001"]
    assert not Adhesion.objects.filter(number="GR25-000001").exists()
    assert not Event.objects.filter(adhesion_id=adhesion.pk).exists()
    assert not Person.objects.filter(first_name__in=["Claire", "Noé"]).exists()
    assert (
        Person.objects.filter(pk=karim.pk).exists() and Person.objects.filter(pk=other.pk).exists()
    )
    assert Adhesion.objects.filter(pk=kept.pk).exists()
    assert not (tmp_path / file_name).exists()
    assert counts["files"] == 1 and counts["persons"] == 2
    # The access log: 6 years (I-131) — on 1 March 2033 the 2026 row goes, the 2030 one stays.
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["recent"]


def test_a_pending_request_never_validated_goes_after_three_years(db) -> None:
    p = Person.objects.create(last_name="Prospect", first_name="Paul", birth_date=D(1980, 1, 1))
    a = Adhesion.objects.create(
        number="DEM26-000001", offer="grenoble-2025", range="residents", member=p,
        signed_on=D(2026, 1, 5), file_sent_on=D(2026, 1, 5), start=D(2026, 2, 1),
        status=AdhesionStatus.PENDING,
    )  # fmt: skip
    Adhesion.objects.filter(pk=a.pk).update(created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    assert retention.plan(D(2029, 1, 5)).adhesions == []
    assert [i.number for i in retention.plan(D(2029, 1, 6)).adhesions] == ["DEM26-000001"]


def test_a_person_gets_their_data_as_a_file(martin, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    martin.iban = "FR7630006000011234567890189"
    martin.save()
    doc = Document(adhesion=martin, person=martin.member, kind="identity", received_on=martin.start)
    doc.file.save("id.pdf", ContentFile(b"%PDF-1.4 claire"), save=False)
    doc.save()
    out = tmp_path / "claire.zip"
    call_command("person_rights", adhesion="GR25-000001", out=str(out), stdout=io.StringIO())
    assert out.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(out) as z:
        data = json.loads(z.read("donnees.json"))
        names = z.namelist()
    assert data["personne"]["first_name"] == "Claire"
    (mine,) = data["adhesions"]
    assert mine["adhesion"]["iban"] == "FR7630006000011234567890189"  # theirs, in clear
    assert {x["personne"].split(" ")[1] for x in mine["ayants_droit"]} == {"Karim", "Noé"}
    assert any(n.startswith("justificatifs/") for n in names)
    row = AccessLog.objects.get(subject_type="members.person")
    assert row.action == "export" and row.username.startswith("(commande)")


def test_an_erasure_request_deletes_what_may_go_and_says_what_stays(martin, db) -> None:
    p = Person.objects.create(last_name="Durand", first_name="Jo", birth_date=D(1980, 1, 1))
    Adhesion.objects.create(
        number="DEM26-000009", offer="grenoble-2025", range="residents", member=p,
        signed_on=D(2026, 1, 5), file_sent_on=D(2026, 1, 5), start=D(2026, 2, 1),
        status=AdhesionStatus.PENDING,
    )  # fmt: skip
    result = rights.erase_person(p, D(2026, 3, 1))
    assert result.deleted_now == ["DEM26-000009"] and not Person.objects.filter(pk=p.pk).exists()
    kept = rights.erase_person(martin.member, D(2026, 3, 1))
    assert kept.deleted_now == [] and kept.kept[0]["adhesion"] == "GR25-000001"
    assert "contrat en cours" in kept.kept[0]["why"]
    assert Adhesion.objects.filter(pk=martin.pk).exists()


def test_the_cli_passes_its_options_through(db, capsys) -> None:
    """``mutuelle purge --dry-run`` (options before any other word reach the command)."""
    from mutuelle import cli

    assert cli.main(["purge", "--dry-run", "--today", "2026-12-01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] is True and out["adhesions"] == [] and out["deleted"] is None
    assert cli.main(["rotate-keys", "--new-key"]) == 0
    assert len(capsys.readouterr().out.strip()) == 44  # a Fernet key
