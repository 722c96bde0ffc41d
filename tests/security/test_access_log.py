"""The health-data access log (issue 12, probe finding 2: reading a member's file or
downloading their justificatifs left no trace): every read adds a row (who, when, what, from
where); the rows cannot be changed or deleted; the auditor reads and exports them. Writes are
recorded by database triggers on PostgreSQL (django-pghistory)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from tests.security.conftest import close_download
from tests.web.conftest import login

from mutuelle.web.members.models import Adhesion, Document
from mutuelle.web.security.models import AccessLog, AdhesionHistory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="les déclencheurs de django-pghistory n'existent que sous PostgreSQL ; sous SQLite "
    "le journal des écritures est l'historique des actes (members.Event) — DATABASE_URL pour "
    "ce test",
)


def test_every_read_of_a_members_data_adds_a_row(client, staff, martin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = Document(adhesion=martin, person=martin.member, kind="identity", received_on=martin.start)
    doc.file.save("id.pdf", ContentFile(b"%PDF-1.4"), save=False)
    doc.save()
    login(client, staff)
    assert AccessLog.objects.count() == 0
    client.get(reverse("admin:members_adhesion_change", args=[martin.pk]))
    client.get(reverse("admin:members_person_change", args=[martin.member_id]))
    download = client.get(reverse("admin:members_adhesion_document", args=[martin.pk, doc.pk]))
    close_download(download)
    client.get(reverse("admin:members_adhesion_history", args=[martin.pk]))
    rows = list(AccessLog.objects.order_by("id"))
    assert [(r.action, r.subject_type) for r in rows] == [
        ("read", "members.adhesion"),
        ("read", "members.person"),
        ("download", "members.document"),
        ("read", "members.adhesion"),
    ]
    first = rows[0]
    assert first.user == staff and first.username == "agent.accueil"
    assert first.adhesion_number == "GR25-000001" and first.person_id == martin.member_id
    assert first.client_ip == "127.0.0.1" and first.path.endswith(f"/{martin.pk}/change/")
    assert rows[2].what.startswith("justificatif reçu n°")
    # A page refused (unknown object, no permission) logs nothing: nothing was shown.
    client.get(reverse("admin:members_adhesion_change", args=[999999]))
    assert AccessLog.objects.count() == 4


def test_the_address_is_the_clients_behind_a_trusted_proxy(client, staff, martin, settings):
    login(client, staff)
    page = reverse("admin:members_adhesion_change", args=[martin.pk])
    # No proxy configured: a forged X-Forwarded-For is ignored.
    client.get(page, HTTP_X_FORWARDED_FOR="203.0.113.9")
    settings.MUTUELLE_TRUSTED_PROXIES = ["10.0.0.0/8"]
    client.get(page, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="198.51.100.4, 10.0.0.2")
    # Through the proxy, a visitor's own forged first hop does not replace their address.
    client.get(page, REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.5")
    ips = list(AccessLog.objects.order_by("id").values_list("client_ip", flat=True))
    assert ips == ["127.0.0.1", "198.51.100.4", "198.51.100.5"]


def test_the_log_is_append_only_in_the_database(client, staff, martin) -> None:
    login(client, staff)
    client.get(reverse("admin:members_adhesion_change", args=[martin.pk]))
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.update(username="quelqu'un d'autre")
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get().username == "agent.accueil"


def test_the_auditor_sees_who_opened_a_file_and_exports_it(as_role, role_user, martin) -> None:
    from django.test import Client

    auditor_client, _ = as_role("auditeur")
    accueil = Client()
    login(accueil, role_user("accueil", "m.martin"))
    accueil.get(reverse("admin:members_adhesion_change", args=[martin.pk]))
    r = auditor_client.get(reverse("admin:security_accesslog_changelist"), {"q": "GR25-000001"})
    assert r.status_code == 200 and "m.martin" in r.text and "Exporter en CSV" in r.text
    r = auditor_client.get(reverse("admin:security_accesslog_export"), {"q": "GR25-000001"})
    body = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:4] == ["le", "compte", "acte", "quoi"]
    assert any(row[1] == "m.martin" and row[4] == "GR25-000001" for row in rows[1:])


@postgres_only
def test_bulk_writes_are_recorded_by_database_triggers(martin) -> None:
    before = AdhesionHistory.objects.count()
    # no signal, no save(): a bulk update, then raw SQL
    Adhesion.objects.filter(pk=martin.pk).update(previous_cover_ends="2024-12-31")
    with connection.cursor() as c:
        c.execute(
            "UPDATE members_adhesion SET payment_frequency = 'annual' WHERE id = %s", [martin.pk]
        )
    rows = AdhesionHistory.objects.filter(pgh_obj_id=martin.pk).order_by("pgh_id")
    assert AdhesionHistory.objects.count() == before + 2
    assert [str(r.previous_cover_ends) for r in rows][-2:] == ["2024-12-31", "2024-12-31"]
    assert rows.last().payment_frequency == "annual"
