"""What the database itself forbids, beyond the CHECK constraints of 0001.

* PostgreSQL: no two overlapping formula periods on one adhesion, no two overlapping adhesions
  of one person, no two overlapping affiliations of one person (EXCLUDE USING gist over a
  daterange, as les-emplois does for approvals). SQLite has no such constraint: the services
  check it, and the tests that prove the database refuses are skipped there with a reason.
* Every backend: the event history is append-only (a trigger refuses UPDATE and DELETE).
"""

from django.db import migrations

EXCLUSIONS = [
    ("members_formulaperiod", "adhesion_id", "formula_periods_do_not_overlap"),
    ("members_adhesion", "member_id", "adhesions_of_a_person_do_not_overlap"),
    ("members_affiliation", "person_id", "affiliations_of_a_person_do_not_overlap"),
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for table, key, name in EXCLUSIONS:
            schema_editor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist "
                f'({key} WITH =, daterange("start", "end", \'[]\') WITH &&)'
            )
        schema_editor.execute(
            "CREATE FUNCTION members_event_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'historique des événements en ajout seul : %% interdit', TG_OP; "
            "END $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            "CREATE TRIGGER members_event_append_only BEFORE UPDATE OR DELETE ON members_event "
            "FOR EACH ROW EXECUTE FUNCTION members_event_append_only()"
        )
    elif vendor == "sqlite":
        for op in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER members_event_no_{op.lower()} BEFORE {op} ON members_event "
                f"BEGIN SELECT RAISE(ABORT, 'historique des événements en ajout seul : "
                f"{op} interdit'); END"
            )


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS members_event_append_only ON members_event")
        schema_editor.execute("DROP FUNCTION IF EXISTS members_event_append_only()")
        for table, _key, name in EXCLUSIONS:
            schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")
    elif vendor == "sqlite":
        for op in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS members_event_no_{op}")


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
