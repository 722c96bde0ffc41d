"""Issue 8: searching 70 000 persons by a piece of a name stays fast on PostgreSQL — trigram
indexes (pg_trgm) on the expressions Django's ``icontains`` compares (``UPPER(col::text)``).
Nothing on SQLite (a demonstration database is small)."""

from django.db import migrations

INDEXES = (
    ("members_person_last_name_trgm", "members_person", "last_name"),
    ("members_person_first_name_trgm", "members_person", "first_name"),
    ("members_adhesion_number_trgm", "members_adhesion", "number"),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER("{column}"::text) '
            "gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0010_backoffice_request_decisions")]
    operations = [migrations.RunPython(create, drop)]
