"""A posting's entry is checked once per statement, not once per posting (issue 10: a yearly
call writes a million postings, and PostgreSQL ran the foreign key's deferred check for each
of them at commit, about 9 µs apiece).

PostgreSQL: the foreign key constraint from a posting to its entry is dropped, and the
statement trigger of migration 0003, which already joins each insert's new postings to their
entries, now also refuses a posting whose entry does not exist — at once, when the statement
ends (so an entry is written before its postings, which the journal's service always does).
An entry is never deleted (the append-only triggers), so nothing can take an entry from under
its postings afterwards. SQLite keeps its foreign key (the schema of its table is left as it
is: Django would rebuild the table to drop it, and with it the append-only triggers).
"""

import django.db.models.deletion
from django.db import migrations, models

POSTINGS_CHECK = (
    "CREATE OR REPLACE FUNCTION journal_postings_of_this_transaction() RETURNS trigger AS $$ "
    "DECLARE eid bigint; known boolean; BEGIN "
    "SELECT p.entry_id, e.id IS NOT NULL INTO eid, known "
    "FROM (SELECT DISTINCT entry_id FROM new_postings) p "
    "LEFT JOIN journal_journalentry e ON e.id = p.entry_id "
    "WHERE e.id IS NULL OR e.tx IS DISTINCT FROM txid_current() LIMIT 1; "
    "IF eid IS NOT NULL AND NOT known THEN "
    "RAISE EXCEPTION 'ligne d''écriture sans écriture : écriture %% inconnue', eid "
    "USING ERRCODE = 'foreign_key_violation'; END IF; "
    "IF eid IS NOT NULL THEN "
    "RAISE EXCEPTION 'écriture %% déjà enregistrée : une ligne ne peut pas lui être ajoutée', "
    "eid USING ERRCODE = 'integrity_constraint_violation'; END IF; "
    "RETURN NULL; END $$ LANGUAGE plpgsql"
)

PREVIOUS_CHECK = (
    "CREATE OR REPLACE FUNCTION journal_postings_of_this_transaction() RETURNS trigger AS $$ "
    "DECLARE eid bigint; BEGIN "
    "SELECT e.id INTO eid FROM journal_journalentry e "
    "WHERE e.id IN (SELECT DISTINCT entry_id FROM new_postings) "
    "AND e.tx IS DISTINCT FROM txid_current() LIMIT 1; "
    "IF eid IS NOT NULL THEN "
    "RAISE EXCEPTION 'écriture %% déjà enregistrée : une ligne ne peut pas lui être ajoutée', "
    "eid USING ERRCODE = 'integrity_constraint_violation'; END IF; "
    "RETURN NULL; END $$ LANGUAGE plpgsql"
)

FK = (
    "SELECT conname FROM pg_constraint WHERE contype = 'f' "
    "AND conrelid = 'journal_journalposting'::regclass "
    "AND confrelid = 'journal_journalentry'::regclass"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FK)
        names = [row[0] for row in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f'ALTER TABLE journal_journalposting DROP CONSTRAINT "{name}"')
    schema_editor.execute(POSTINGS_CHECK)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(PREVIOUS_CHECK)
    schema_editor.execute(
        "ALTER TABLE journal_journalposting ADD CONSTRAINT journal_posting_entry_fk "
        "FOREIGN KEY (entry_id) REFERENCES journal_journalentry (id) "
        "DEFERRABLE INITIALLY DEFERRED"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0004_entry_indexes_used_only"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="journalposting",
                    name="entry",
                    field=models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="postings",
                        to="journal.journalentry",
                        verbose_name="écriture",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
