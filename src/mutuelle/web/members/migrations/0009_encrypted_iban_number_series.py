"""Issue 12: the IBAN encrypted at rest (existing values encrypted here, with the first key of
MUTUELLE_FIELD_KEYS), and the number series that make adhesion numbers unique under
concurrency (mutuelle.web.members.services.next_number)."""

from django.db import migrations, models

import mutuelle.web.security.fields


def encrypt_existing(apps, schema_editor):
    Adhesion = apps.get_model("members", "Adhesion")
    # Reading returns the clear value (values written before have no "fernet:" prefix);
    # writing it back through the field encrypts it.
    for pk, iban in Adhesion.objects.exclude(iban="").values_list("pk", "iban").iterator():
        Adhesion.objects.filter(pk=pk).update(iban=iban)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_suspensions"),
    ]

    operations = [
        migrations.CreateModel(
            name="NumberSeries",
            fields=[
                (
                    "series",
                    models.CharField(
                        max_length=12, primary_key=True, serialize=False, verbose_name="série"
                    ),
                ),
                (
                    "last",
                    models.PositiveIntegerField(default=0, verbose_name="dernier numéro donné"),
                ),
            ],
            options={
                "verbose_name": "série de numéros",
                "verbose_name_plural": "séries de numéros",
            },
        ),
        migrations.AlterField(
            model_name="adhesion",
            name="iban",
            field=mutuelle.web.security.fields.EncryptedTextField(
                blank=True, verbose_name="IBAN (vérifié)"
            ),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
