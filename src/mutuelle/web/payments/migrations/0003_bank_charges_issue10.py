"""Issue 10: the bank's charge of a reject or return, when its file gives it, and what billing
did with it (called back from the member or not, and why: docs I-240…I-243)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_hardening_encrypted_ibans"),
    ]

    operations = [
        migrations.AddField(
            model_name="bankreturnline",
            name="charge_cents",
            field=models.BigIntegerField(
                blank=True, null=True, verbose_name="frais de la banque (centimes)"
            ),
        ),
        migrations.AddField(
            model_name="bankreturnline",
            name="charge_note",
            field=models.CharField(blank=True, max_length=300, verbose_name="frais : suite donnée"),
        ),
    ]
