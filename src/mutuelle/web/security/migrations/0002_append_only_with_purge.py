"""Append-only tables that only the purge may delete from.

* ``security_accesslog`` (new): UPDATE always refused; DELETE refused unless the purge
  allowed it in its own transaction.
* ``members_event`` (members 0002 refused every DELETE): the same exception, so that
  ``mutuelle purge`` can delete the history of a file past its retention period.

The purge allows deletes with ``set_config('mutuelle.purge', 'on', true)`` (PostgreSQL: for its
transaction only) or a row in ``security_purgeflag`` (SQLite: inserted and removed inside its
transaction) — mutuelle.web.security.retention.
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mutuelle_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('mutuelle.purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '%% en ajout seul : %% interdit', TG_TABLE_NAME, TG_OP;
END $$ LANGUAGE plpgsql
"""

TABLES = ("security_accesslog", "members_event")


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        schema_editor.execute("DROP TRIGGER IF EXISTS members_event_append_only ON members_event")
        schema_editor.execute("DROP FUNCTION IF EXISTS members_event_append_only()")
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION mutuelle_append_only()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} en ajout seul : UPDATE interdit'); END"
            )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                "WHEN NOT EXISTS (SELECT 1 FROM security_purgeflag) "
                f"BEGIN SELECT RAISE(ABORT, '{table} en ajout seul : DELETE interdit'); END"
            )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS mutuelle_append_only()")
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0001_access_log_history"),
        ("members", "0002_database_rules"),
    ]
    operations = [migrations.RunPython(forward, backward)]
