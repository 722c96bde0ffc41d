"""Secrets at rest (issue 12, probe finding 7: the SQLite file was world-readable and held
IBANs in clear): the IBAN encrypted in the database, keys rotated by a command, the data
folder 0700 and the SQLite file and uploads 0600."""

from __future__ import annotations

import io
import os

import pytest
from django.core.management import call_command
from django.db import connection

from mutuelle.web.members.models import Adhesion
from mutuelle.web.security import fields

IBAN = "FR7630006000011234567890189"


def raw_iban(pk: int) -> str:
    with connection.cursor() as c:
        c.execute("SELECT iban FROM members_adhesion WHERE id = %s", [pk])
        return str(c.fetchone()[0])


def test_the_iban_is_encrypted_in_the_database(martin) -> None:
    martin.iban = IBAN
    martin.save()
    raw = raw_iban(martin.pk)
    assert raw.startswith("fernet:") and IBAN not in raw and "30006" not in raw
    assert Adhesion.objects.get(pk=martin.pk).iban == IBAN


def test_keys_rotate_without_losing_a_value(martin, settings) -> None:
    old = settings.MUTUELLE_FIELD_KEYS[0]
    martin.iban = IBAN
    martin.save()
    new = fields.new_key()
    settings.MUTUELLE_FIELD_KEYS = [new, old]  # the new key first, the old one still reads
    before = raw_iban(martin.pk)
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "members.Adhesion.iban : 1 valeur(s) rechiffrée(s)" in out.getvalue()
    assert raw_iban(martin.pk) != before
    settings.MUTUELLE_FIELD_KEYS = [new]  # the old key removed: everything still reads
    assert Adhesion.objects.get(pk=martin.pk).iban == IBAN
    settings.MUTUELLE_FIELD_KEYS = [old]  # only the old key: an error naming the column
    with pytest.raises(fields.UndecryptableValue, match=r"members\.Adhesion\.iban"):
        Adhesion.objects.get(pk=martin.pk)


def test_the_data_folder_and_the_sqlite_file_are_private(tmp_path, monkeypatch) -> None:
    from mutuelle.web.settings import base

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(base, "DATA_DIR", tmp_path / "var")
    db = base.database_from_env()
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700
    assert os.stat(db["NAME"]).st_mode & 0o777 == 0o600
    os.chmod(db["NAME"], 0o644)  # a file left readable by an older version is corrected
    base.database_from_env()
    assert os.stat(db["NAME"]).st_mode & 0o777 == 0o600


def test_uploaded_files_are_private(db, client, settings, tmp_path) -> None:
    from django.urls import reverse
    from tests.web.test_public_site import join_data, tiny_pdf

    settings.MEDIA_ROOT = tmp_path / "justificatifs"
    client.post(reverse("public:join"), join_data())
    a = Adhesion.objects.get()
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile("id.pdf", tiny_pdf(), content_type="application/pdf")
    client.post(reverse("public:request", args=[a.number]), {"kind": "identity:0", "file": f})
    doc = a.documents.get()
    path = tmp_path / "justificatifs" / doc.file.name
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as c:
        c.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(c.fetchone()[0])


def test_the_mandate_and_amendment_ibans_are_encrypted_and_rotated(martin, settings) -> None:
    import datetime as dt

    from mutuelle.web.payments import services
    from mutuelle.web.payments.models import Mandate, MandateAmendment

    other = "FR1420041010050500013M02606"
    mandate = services.create_mandate(
        martin, iban=IBAN, debtor_name="Claire Martin", signed_on=dt.date(2024, 12, 10)
    )
    amendment = services.change_account(mandate, iban=other, on=dt.date(2025, 1, 20))
    for table, column, pk, clear in (
        ("payments_mandate", "iban", mandate.pk, other),
        ("payments_mandateamendment", "previous_iban", amendment.pk, IBAN),
        ("payments_mandateamendment", "new_iban", amendment.pk, other),
    ):
        stored = raw(table, column, pk)
        assert stored.startswith("fernet:") and clear not in stored and clear[4:9] not in stored
    assert services.mandate_account(Mandate.objects.get(pk=mandate.pk)).iban == other
    assert MandateAmendment.objects.get(pk=amendment.pk).previous_iban == IBAN
    assert Mandate.objects.get(pk=mandate.pk).iban_masked == "FR14 •••• •••• •••• •••• •••• 606"
    # mutuelle rotate-keys re-encrypts them with the new key.
    old = settings.MUTUELLE_FIELD_KEYS[0]
    settings.MUTUELLE_FIELD_KEYS = [fields.new_key(), old]
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    for name in (
        "Mandate.iban_stored",
        "MandateAmendment.previous_iban",
        "MandateAmendment.new_iban",
    ):
        assert f"payments.{name} : 1 valeur(s) rechiffrée(s)" in out.getvalue()
    settings.MUTUELLE_FIELD_KEYS = settings.MUTUELLE_FIELD_KEYS[:1]
    assert MandateAmendment.objects.get(pk=amendment.pk).new_iban == other


def test_the_migration_encrypts_the_mandate_ibans_stored_in_clear(martin) -> None:
    import datetime as dt
    import importlib

    from django.apps import apps

    from mutuelle.web.payments import services

    migration = importlib.import_module(
        "mutuelle.web.payments.migrations.0002_hardening_encrypted_ibans"
    )
    mandate = services.create_mandate(
        martin, iban=IBAN, debtor_name="Claire Martin", signed_on=dt.date(2024, 12, 10)
    )
    with connection.cursor() as c:  # as written before this migration
        c.execute("UPDATE payments_mandate SET iban = %s WHERE id = %s", [IBAN, mandate.pk])
    migration.encrypt_existing(apps, None)
    assert raw("payments_mandate", "iban", mandate.pk).startswith("fernet:")
    assert services.mandate_account(mandate.__class__.objects.get(pk=mandate.pk)).iban == IBAN
