"""SQLite refuses UPDATE and DELETE on the claim lines, settlements and consumption entries
again. Migrations 0003 and 0004 altered fields of these tables; on SQLite Django rebuilds a
table to alter a field, and the rebuilt tables had lost the append-only triggers of migration
0001 (PostgreSQL alters in place and kept them) — as the journal's did (journal 0006)."""

from django.db import migrations

from mutuelle.web.appendonly import forbid_changes_again

TABLES = ("claims_claimline", "claims_settlement", "claims_consumptionentry")


def forward(apps, schema_editor):
    forbid_changes_again(schema_editor, TABLES, "les prestations")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_ingest_lanes"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
