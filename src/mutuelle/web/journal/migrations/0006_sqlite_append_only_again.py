"""SQLite refuses UPDATE and DELETE on the journal again. Migrations 0002 and 0004 altered
fields of the postings and the entries; on SQLite Django rebuilds a table to alter a field, and
the rebuilt table had lost the append-only triggers of migration 0001 (PostgreSQL alters in
place and kept them). ``tests/journal/test_journal_db.py::test_the_journal_is_append_only``
on SQLite is what showed it."""

from django.db import migrations

from mutuelle.web.appendonly import forbid_changes_again

TABLES = ("journal_journalentry", "journal_journalposting")


def forward(apps, schema_editor):
    forbid_changes_again(schema_editor, TABLES, "journal")


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0005_postings_checked_per_statement"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
