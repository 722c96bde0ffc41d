"""The balance is checked once per entry, not once per row (issues 10 and 11: a call of 30 000
households wrote 342 000 entries and a million postings, and PostgreSQL ran a deferred check
for each of the 1.4 million rows at commit).

What the database still refuses, PostgreSQL only (SQLite: the service checks before writing):

* an entry whose postings do not sum to zero, or that has none, when its transaction commits
  (the deferred constraint trigger on the entries, once per entry: it sees every posting the
  transaction wrote, whatever the order of the statements);
* a posting added to an entry written by an earlier transaction — whose check has already run
  — at once, when its statement ends (a statement trigger over the statement's new rows, one
  join for a COPY of 100 000 postings instead of 100 000 deferred checks).

To tell the two apart each entry records the transaction that wrote it (``tx``, the top-level
transaction id, the same inside a savepoint); the column is the database's own, unknown to the
ORM (it writes neither it nor reads it), filled by its default. Entries written before this
migration have none: they are all of earlier transactions. The commit check also refuses an
entry whose ``tx`` is not its own transaction's, so that the default cannot be forged.

One reading (I-280, ``docs/interpretations.md``): a transaction that sets its constraints
IMMEDIATE runs its entries' checks at that point; postings it adds afterwards to those same
entries are no longer checked. No code of the project does this (Django's test cases do, at a
test's end only).
"""

from django.db import migrations

ENTRY_CHECK = (
    "CREATE FUNCTION journal_entry_balanced_once() RETURNS trigger AS $$ "
    "DECLARE total numeric; n integer; BEGIN "
    "IF NEW.tx IS DISTINCT FROM txid_current() THEN "
    "RAISE EXCEPTION 'écriture %% : transaction d''origine falsifiée', NEW.id "
    "USING ERRCODE = 'integrity_constraint_violation'; END IF; "
    "SELECT COALESCE(SUM(cents), 0), COUNT(*) INTO total, n "
    "FROM journal_journalposting WHERE entry_id = NEW.id; "
    "IF n = 0 OR total <> 0 THEN "
    "RAISE EXCEPTION 'écriture %% déséquilibrée : %% ligne(s), solde %% centimes', "
    "NEW.id, n, total USING ERRCODE = 'integrity_constraint_violation'; END IF; "
    "RETURN NULL; END $$ LANGUAGE plpgsql"
)

POSTINGS_CHECK = (
    "CREATE FUNCTION journal_postings_of_this_transaction() RETURNS trigger AS $$ "
    "DECLARE eid bigint; BEGIN "
    "SELECT e.id INTO eid FROM journal_journalentry e "
    "WHERE e.id IN (SELECT DISTINCT entry_id FROM new_postings) "
    "AND e.tx IS DISTINCT FROM txid_current() LIMIT 1; "
    "IF eid IS NOT NULL THEN "
    "RAISE EXCEPTION 'écriture %% déjà enregistrée : une ligne ne peut pas lui être ajoutée', "
    "eid USING ERRCODE = 'integrity_constraint_violation'; END IF; "
    "RETURN NULL; END $$ LANGUAGE plpgsql"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (
        "DROP TRIGGER journal_journalentry_balanced ON journal_journalentry",
        "DROP TRIGGER journal_journalposting_balanced ON journal_journalposting",
        "DROP FUNCTION journal_entry_balanced()",
        # NULL for the entries already there (no rewrite of the table), the writer's own
        # transaction for every new one
        "ALTER TABLE journal_journalentry ADD COLUMN tx bigint",
        "ALTER TABLE journal_journalentry ALTER COLUMN tx SET DEFAULT txid_current()",
        ENTRY_CHECK,
        "CREATE CONSTRAINT TRIGGER journal_journalentry_balanced AFTER INSERT "
        "ON journal_journalentry DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION journal_entry_balanced_once()",
        POSTINGS_CHECK,
        "CREATE TRIGGER journal_journalposting_this_transaction AFTER INSERT "
        "ON journal_journalposting REFERENCING NEW TABLE AS new_postings "
        "FOR EACH STATEMENT EXECUTE FUNCTION journal_postings_of_this_transaction()",
    ):
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in (
        "DROP TRIGGER journal_journalposting_this_transaction ON journal_journalposting",
        "DROP FUNCTION journal_postings_of_this_transaction()",
        "DROP TRIGGER journal_journalentry_balanced ON journal_journalentry",
        "DROP FUNCTION journal_entry_balanced_once()",
        "ALTER TABLE journal_journalentry DROP COLUMN tx",
    ):
        schema_editor.execute(statement)
    # migration 0001's checks, one per row
    schema_editor.execute(
        "CREATE FUNCTION journal_entry_balanced() RETURNS trigger AS $$ "
        "DECLARE eid bigint; total numeric; n integer; BEGIN "
        "IF TG_TABLE_NAME = 'journal_journalentry' THEN eid := NEW.id; "
        "ELSE eid := NEW.entry_id; END IF; "
        "SELECT COALESCE(SUM(cents), 0), COUNT(*) INTO total, n "
        "FROM journal_journalposting WHERE entry_id = eid; "
        "IF n = 0 OR total <> 0 THEN "
        "RAISE EXCEPTION 'écriture %% déséquilibrée : %% ligne(s), solde %% centimes', "
        "eid, n, total USING ERRCODE = 'integrity_constraint_violation'; END IF; "
        "RETURN NULL; END $$ LANGUAGE plpgsql"
    )
    for table in ("journal_journalentry", "journal_journalposting"):
        schema_editor.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_balanced AFTER INSERT ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION journal_entry_balanced()"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0002_posting_indexes_once"),
    ]

    operations = [migrations.RunPython(forward, backward)]
