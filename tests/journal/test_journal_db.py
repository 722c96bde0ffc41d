"""The journal in the database: idempotent posting, batched inserts, balances as SQL aggregates
equal to the core's fold, and what the database itself refuses (rewrites, unbalanced entries)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from tests.factories import EntryFactory, PostedEntryFactory

from mutuelle.journal import (
    Account,
    AccountKind,
    Entry,
    EntryKind,
    KeyConflict,
    Posting,
    Unbalanced,
    balances,
    totals,
)
from mutuelle.web.appendonly import AppendOnly
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.models import JournalEntry, JournalPosting

from .test_journal_core import journal_st

D = dt.date
_RUNS = itertools.count()

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="la contrainte différée (écriture équilibrée à la validation) n'existe que sous "
    "PostgreSQL ; SQLite : le service vérifie avant d'écrire (définir DATABASE_URL)",
)


@pytest.mark.django_db
def test_posting_a_key_twice_writes_it_once_and_a_conflict_writes_nothing() -> None:
    e = EntryFactory(key="call:GR25-000001:2026-01", cents=6203)
    assert journal.post(e) is True
    assert journal.post(e) is False
    assert JournalEntry.objects.count() == 1 and JournalPosting.objects.count() == 2
    with pytest.raises(KeyConflict, match="déjà utilisée"):
        journal.post(EntryFactory(key="call:GR25-000001:2026-01", cents=6204))
    assert JournalPosting.objects.count() == 2
    assert journal.entries_of("GR25-000001") == [e]


@pytest.mark.django_db
def test_post_many_inserts_in_batches_and_a_rerun_adds_nothing(
    django_assert_max_num_queries,
) -> None:
    entries = [
        EntryFactory(key=f"call:{n}", adhesion=f"GR25-{n % 300:06d}", cents=1000 + n)
        for n in range(1200)
    ]
    # 1 200 entries in chunks of 500: per chunk the keys already there, the entries, their
    # ids, the postings — 4 statements, never one per entry.
    with django_assert_max_num_queries(3 * 4 + 2):
        assert journal.post_many(entries, batch="essai") == 1200
    assert JournalPosting.objects.count() == 2400
    assert journal.post_many(entries[:700] + entries) == 0
    assert set(JournalEntry.objects.values_list("batch", flat=True)) == {"essai"}
    conflicting = [*entries[:3], EntryFactory(key="call:5", cents=1)]
    with pytest.raises(KeyConflict):
        journal.post_many([EntryFactory(key="new:1"), *conflicting])
    assert not JournalEntry.objects.filter(key="new:1").exists()  # all or nothing


@pytest.mark.django_db
def test_post_new_writes_fresh_entries_as_post_many_does_and_never_a_key_twice(
    django_assert_max_num_queries,
) -> None:
    """The claims' bulk path: keys the caller's own rows prove new — no key look-up (on
    PostgreSQL: the ids, then two COPY); a key already there is never written twice."""
    entries = [
        EntryFactory(key=f"claim:{n}:v1", adhesion=f"GR25-{n % 40:06d}", cents=500 + n)
        for n in range(300)
    ]
    with django_assert_max_num_queries(3 if connection.vendor == "postgresql" else 6):
        assert journal.post_new(entries, batch="lot") == 300
    assert journal._load(JournalEntry.objects.order_by("id")) == entries
    assert set(JournalEntry.objects.values_list("batch", flat=True)) == {"lot"}
    assert journal.adhesion_balances("GR25-000007") == {
        a.kind: c for a, c in balances(entries).items() if a.adhesion == "GR25-000007"
    }
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            journal.post_new([entries[0]])
    else:  # (post_many: the same entry is skipped)
        assert journal.post_new([entries[0]]) == 0
    assert JournalEntry.objects.count() == 300 and JournalPosting.objects.count() == 600


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=journal_st())
def test_balances_in_the_database_equal_the_fold(entries: list[Entry]) -> None:
    salt = next(_RUNS)
    # Keys made unique per example: the database is shared by the examples of one test.
    entries = [
        Entry(
            f"{salt}:{e.key}",
            e.kind,
            e.date,
            e.period_start,
            e.period_end,
            e.postings,
            e.source,
            e.memo,
        )
        for e in entries
    ]
    before = journal.totals(by=("account", "adhesion", "party"))
    journal.post_many(entries)
    after = journal.totals(by=("account", "adhesion", "party"))
    added = {k: after.get(k, 0) - before.get(k, 0) for k in after}
    folded = balances(entries)
    for account, cents in folded.items():
        key = (account.kind.value, account.adhesion, account.party)
        assert added.get(key, 0) == cents
        assert journal.balance_of(account) == after[key]
    assert sum(journal.totals().values()) == 0
    for number in {a.adhesion for a in folded if a.adhesion}:
        fold = totals(journal.entries_of(number), adhesion=number, by=("account",))
        assert journal.adhesion_balances(number) == {AccountKind(k[0]): c for k, c in fold.items()}


@pytest.mark.django_db
def test_the_journal_is_append_only() -> None:
    row = PostedEntryFactory()
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        row.delete()
    with pytest.raises(AppendOnly):
        row.postings.first().save()
    # …and the database refuses it too, even behind the ORM's back.
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalEntry.objects.filter(pk=row.pk).update(memo="réécrit")
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalPosting.objects.filter(entry=row).update(cents=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalPosting.objects.filter(entry=row).delete()


@pytest.mark.django_db
def test_the_service_refuses_an_unbalanced_entry_before_writing() -> None:
    e = EntryFactory()
    bad = Posting(Account(AccountKind.bank), 1)
    object.__setattr__(e, "postings", (*e.postings, bad))  # forged behind the core's back
    with pytest.raises(Unbalanced):
        journal.post(e)
    with pytest.raises(Unbalanced):
        journal.post_many([e])
    assert not JournalEntry.objects.exists()


def _unbalanced_rows() -> None:
    row = JournalEntry.objects.create(
        key="forged",
        kind=EntryKind.write_off.value,
        date=D(2026, 1, 1),
        period_start=D(2026, 1, 1),
        period_end=D(2026, 1, 1),
        source="test",
        memo="forgé",
    )
    JournalPosting.objects.create(entry=row, line=1, account="bank", cents=100)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_an_unbalanced_entry_at_commit() -> None:
    with pytest.raises(IntegrityError, match="déséquilibrée"), transaction.atomic():
        _unbalanced_rows()
    assert not JournalEntry.objects.exists()
    # Balanced rows written one after the other pass: the check waits for the commit.
    with transaction.atomic():
        journal.post(EntryFactory(key="ok"))
    assert JournalEntry.objects.filter(key="ok").exists()


@postgres_only
@pytest.mark.django_db
def test_postgresql_refuses_an_entry_without_postings() -> None:
    with pytest.raises(IntegrityError, match="0 ligne"), transaction.atomic():
        JournalEntry.objects.create(
            key="empty",
            kind="write_off",
            date=D(2026, 1, 1),
            period_start=D(2026, 1, 1),
            period_end=D(2026, 1, 1),
            source="test",
            memo="vide",
        )
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_a_posting_added_to_an_entry_of_an_earlier_transaction() -> None:
    with transaction.atomic():
        journal.post(EntryFactory(key="closed"))
    row = JournalEntry.objects.get(key="closed")
    # even a balanced pair: the entry was checked when its own transaction committed
    with pytest.raises(IntegrityError, match="déjà enregistrée"), transaction.atomic():
        JournalPosting.objects.bulk_create(
            [
                JournalPosting(entry=row, line=90, account="bank", cents=100),
                JournalPosting(entry=row, line=91, account="bank", cents=-100),
            ]
        )
    assert row.postings.count() == len(EntryFactory(key="closed").postings)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_checks_an_entry_written_in_a_savepoint_at_the_outer_commit() -> None:
    # the entry in a savepoint, its postings after it: one transaction, checked at commit
    with pytest.raises(IntegrityError, match="déséquilibrée"), transaction.atomic():
        with transaction.atomic():
            row = JournalEntry.objects.create(
                key="nested",
                kind=EntryKind.write_off.value,
                date=D(2026, 1, 1),
                period_start=D(2026, 1, 1),
                period_end=D(2026, 1, 1),
                source="test",
                memo="imbriqué",
            )
        JournalPosting.objects.create(entry=row, line=1, account="bank", cents=100)
    assert not JournalEntry.objects.exists()
    with transaction.atomic():
        with transaction.atomic():
            journal.post(EntryFactory(key="nested-ok"))
        journal.post(EntryFactory(key="after-ok"))
    assert JournalEntry.objects.count() == 2


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_an_entry_claiming_another_transaction() -> None:
    with (
        pytest.raises(IntegrityError, match="falsifiée"),
        transaction.atomic(),
        connection.cursor() as c,
    ):
        c.execute(
            "INSERT INTO journal_journalentry (key, kind, date, period_start, period_end, "
            "source, memo, reverses, digest, batch, created_at, tx) VALUES ('forged-tx', "
            "'write_off', '2026-01-01', '2026-01-01', '2026-01-01', 'test', 'forgé', '', "
            "'', '', now(), 1) RETURNING id"
        )
        (eid,) = c.fetchone()
        # its postings are refused at once: their entry is not of this transaction
        with pytest.raises(IntegrityError, match="déjà enregistrée"), transaction.atomic():
            c.execute(
                "INSERT INTO journal_journalposting (entry_id, line, account, cents) "
                "VALUES (%s, 1, 'bank', 100), (%s, 2, 'bank', -100)",
                [eid, eid],
            )
    assert not JournalEntry.objects.exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_a_posting_without_its_entry() -> None:
    # no foreign key constraint (migration 0005): the statement trigger stands for it
    with pytest.raises(IntegrityError, match="inconnue"), transaction.atomic():
        JournalPosting.objects.create(entry_id=987654321, line=1, account="bank", cents=100)
    assert not JournalPosting.objects.exists()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_checks_the_entries_written_after_an_earlier_check() -> None:
    # the first check of a transaction covers every entry written so far (migration 0007);
    # one written after it is checked again at commit
    with pytest.raises(IntegrityError, match="déséquilibrée"), transaction.atomic():
        journal.post(EntryFactory(key="first"))
        with connection.cursor() as c:
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
            c.execute("SET CONSTRAINTS ALL DEFERRED")
        _unbalanced_rows()
    assert not JournalEntry.objects.exists()
