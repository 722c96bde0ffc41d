"""The balance of a transaction's entries checked in one query at commit (issue 10: the check
of migration 0003 ran one query per entry, 342 000 at the commits of a yearly call, about
17 µs apiece).

PostgreSQL still fires the deferred constraint trigger once per entry (a constraint trigger is
per row), but the first firing of a transaction checks every entry the transaction wrote — one
grouped query over the entries of its ``tx`` (a new index) and their postings — and records
how far it checked (a setting local to the transaction); the other firings see their entry
already checked and return. What is refused is unchanged: an entry whose postings do not sum
to zero, or that has none, or that claims another transaction. Entries written after a check
(a transaction that set its constraints IMMEDIATE, then wrote more) have greater ids — the
journal's ids come from its sequence — and are checked by the next firing (docs I-280).
"""

from django.db import migrations

CHECK = (
    "CREATE OR REPLACE FUNCTION journal_entry_balanced_once() RETURNS trigger AS $$ "
    "DECLARE done bigint; bad bigint; n bigint; total numeric; top bigint; BEGIN "
    "IF NEW.tx IS DISTINCT FROM txid_current() THEN "
    "RAISE EXCEPTION 'écriture %% : transaction d''origine falsifiée', NEW.id "
    "USING ERRCODE = 'integrity_constraint_violation'; END IF; "
    "done := COALESCE(NULLIF(current_setting('journal.balanced_to', true), ''), '0')::bigint; "
    "IF NEW.id <= done THEN RETURN NULL; END IF; "
    # (each entry's postings summed by its own index look-up: LATERAL, never a scan of all)
    "SELECT e.id, s.n, s.total INTO bad, n, total FROM journal_journalentry e "
    "CROSS JOIN LATERAL (SELECT count(*) AS n, COALESCE(sum(p.cents), 0) AS total "
    "FROM journal_journalposting p WHERE p.entry_id = e.id) s "
    "WHERE e.tx = txid_current() AND e.id > done AND (s.n = 0 OR s.total <> 0) LIMIT 1; "
    "IF bad IS NOT NULL THEN "
    "RAISE EXCEPTION 'écriture %% déséquilibrée : %% ligne(s), solde %% centimes', "
    "bad, n, total USING ERRCODE = 'integrity_constraint_violation'; END IF; "
    "SELECT max(id) INTO top FROM journal_journalentry WHERE tx = txid_current(); "
    "PERFORM set_config('journal.balanced_to', GREATEST(top, NEW.id)::text, true); "
    "RETURN NULL; END $$ LANGUAGE plpgsql"
)

PER_ENTRY = (
    "CREATE OR REPLACE FUNCTION journal_entry_balanced_once() RETURNS trigger AS $$ "
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


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE INDEX journal_entry_tx ON journal_journalentry (tx)")
    schema_editor.execute(CHECK)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(PER_ENTRY)
    schema_editor.execute("DROP INDEX journal_entry_tx")


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0006_sqlite_append_only_again"),
    ]

    operations = [migrations.RunPython(forward, backward)]
