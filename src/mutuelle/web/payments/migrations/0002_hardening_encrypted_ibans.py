"""Issue 12: the mandate's IBAN and the previous and new IBAN of an amendment encrypted at rest,
as the adhesion's (mutuelle.web.security.fields.EncryptedTextField); the values already there
are encrypted here with the first key of MUTUELLE_FIELD_KEYS."""

from django.db import migrations

import mutuelle.web.security.fields


def encrypt_existing(apps, schema_editor):
    # Reading returns the clear value (no "fernet:" prefix yet); writing it back through the
    # field encrypts it.
    for model, names in (
        ("Mandate", ["iban_stored"]),
        ("MandateAmendment", ["previous_iban", "new_iban"]),
    ):
        Model = apps.get_model("payments", model)
        for name in names:
            rows = Model.objects.exclude(**{name: ""}).values_list("pk", name)
            for pk, value in rows.iterator():
                Model.objects.filter(pk=pk).update(**{name: value})


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="mandate",
            name="iban_stored",
            field=mutuelle.web.security.fields.EncryptedTextField(
                db_column="iban", verbose_name="IBAN"
            ),
        ),
        migrations.AlterField(
            model_name="mandateamendment",
            name="new_iban",
            field=mutuelle.web.security.fields.EncryptedTextField(verbose_name="nouvel IBAN"),
        ),
        migrations.AlterField(
            model_name="mandateamendment",
            name="previous_iban",
            field=mutuelle.web.security.fields.EncryptedTextField(verbose_name="IBAN précédent"),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
