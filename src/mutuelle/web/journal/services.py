"""Post to the money journal and read balances from it — the API every money domain uses.

* :func:`post` writes one entry of :mod:`mutuelle.journal` (idempotent by its key);
  :func:`post_many` writes many in batched inserts (per chunk: one query for the keys already
  there, one COPY (PostgreSQL) or executemany (SQLite) for the entries, one query for their
  ids, one for the postings — never one query per entry); :func:`post_new` is the bulk path
  of a caller whose own rows prove the keys new (no key look-up, ids from the sequence, two
  ``COPY``; the unique key refuses the transaction should one be there).
* :func:`balance_of`, :func:`adhesion_balances` and :func:`totals` are SQL aggregates over the
  postings, so 30 000 households never load into memory; they equal the core's fold
  (:func:`mutuelle.journal.balances`) of the same entries.
* :func:`entries_of` gives an adhesion's entries back as core values, for the back office and
  for the derived facts (:func:`contribution_status`).

Balance: the core refuses to build an unbalanced entry; this module checks again before
writing (the SQLite default has no deferred constraint), and PostgreSQL checks at commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField, QuerySet, Sum
from django.utils import timezone

from mutuelle.journal import (
    ABOUT_ADHESION,
    Account,
    AccountKind,
    ContributionStatus,
    Entry,
    EntryKind,
    KeyConflict,
    Posting,
    TotalsBy,
    Unbalanced,
    distinct,
)
from mutuelle.journal import (
    contribution_status as _status,
)
from mutuelle.web.journal.models import JournalEntry, JournalPosting

CHUNK = 500
_JSON = json.JSONEncoder(ensure_ascii=False)  # one encoder (json.dumps builds one a call)

_BY_FIELD: dict[str, str] = {
    "account": "account",
    "adhesion": "adhesion",
    "party": "party",
    "range": "range",
    "formula": "formula",
    "care_category": "care_category",
    "kind": "entry__kind",
}


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def entry_fields(entry: Entry) -> dict[str, Any]:
    """The columns of an entry's row (shared with the data migration of members 0005)."""
    return {
        "key": entry.key,
        "kind": entry.kind.value,
        "date": entry.date,
        "period_start": entry.period_start,
        "period_end": entry.period_end,
        "source": entry.source,
        "memo": entry.memo,
        "reverses": entry.reverses,
        "digest": entry.digest(),
    }


def posting_fields(entry: Entry) -> list[dict[str, Any]]:
    """The columns of an entry's posting rows, numbered from 1 (the entry is set apart)."""
    return [
        {
            "line": n,
            "account": p.account.kind.value,
            "adhesion": p.account.adhesion,
            "party": p.account.party,
            "cents": p.cents,
            "range": p.range,
            "formula": p.formula,
            "care_category": p.care_category,
        }
        for n, p in enumerate(entry.postings, start=1)
    ]


def _rows(entry: Entry, actor: Any, batch: str) -> tuple[JournalEntry, list[JournalPosting]]:
    if sum(p.cents for p in entry.postings) != 0 or not entry.postings:
        raise Unbalanced(f"écriture {entry.key} déséquilibrée : rien n'est écrit")
    row = JournalEntry(**entry_fields(entry), created_by=_user(actor), batch=batch)
    return row, [JournalPosting(entry=row, **f) for f in posting_fields(entry)]


def _entry(row: JournalEntry, postings: Sequence[JournalPosting]) -> Entry:
    return Entry(
        key=row.key,
        kind=EntryKind(row.kind),
        date=row.date,
        period_start=row.period_start,
        period_end=row.period_end,
        postings=tuple(
            Posting(
                Account(AccountKind(p.account), p.adhesion, p.party),
                p.cents,
                p.range,
                p.formula,
                p.care_category,
            )
            for p in sorted(postings, key=lambda p: p.line)
        ),
        source=row.source,
        memo=row.memo,
        reverses=row.reverses,
    )


def _load(rows: QuerySet[JournalEntry]) -> list[Entry]:
    return [_entry(r, list(r.postings.all())) for r in rows.prefetch_related("postings")]


def _check_same(entry: Entry, digest: str, kind: str, date: dt.date) -> None:
    if entry.digest() != digest:
        raise KeyConflict(
            f"clé {entry.key} déjà utilisée au journal par une autre écriture "
            f"({EntryKind(kind).label} du {date:%d/%m/%Y}) : rien n'est écrit"
        )


def _known(keys: Collection[str]) -> dict[str, tuple[str, str, dt.date]]:
    """The keys already in the journal, with what is needed to compare (one query). On
    PostgreSQL the keys go as one array parameter (``= ANY``): an ``IN`` of 4 000 placeholders
    cost more to compile and convert than the index lookup itself (bench/billing.py)."""
    if connection.vendor == "postgresql" and len(keys) > 1:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT key, digest, kind, date FROM {JournalEntry._meta.db_table} "
                "WHERE key = ANY(%s)",
                [list(keys)],
            )
            return {key: (digest, kind, date) for key, digest, kind, date in cursor.fetchall()}
    rows = JournalEntry.objects.filter(key__in=keys).values_list("key", "digest", "kind", "date")
    return {key: (digest, kind, date) for key, digest, kind, date in rows}


def post(entry: Entry, *, actor: Any = None, batch: str | None = None) -> bool:
    """Write ``entry``; False when its key is already there with the same content (nothing
    new is written); :class:`KeyConflict` when the key holds another content. ``batch``: the
    id of the batch run that posts it, if any."""
    if found := _known([entry.key]):
        _check_same(entry, *found[entry.key])
        return False
    row, lines = _rows(entry, actor, batch or "")
    try:
        with transaction.atomic():
            row.save()
            JournalPosting.objects.bulk_create(lines)
    except IntegrityError:
        # Posted meanwhile by another process: the same entry is fine, another is a conflict.
        if not (found := _known([entry.key])):
            raise
        _check_same(entry, *found[entry.key])
        return False
    return True


def _chunks(entries: Iterable[Entry], size: int) -> Iterator[list[Entry]]:
    it = iter(entries)
    while chunk := list(islice(it, size)):
        yield chunk


def _insert(model: Any, fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Many rows in one statement: ``COPY … FROM STDIN`` on PostgreSQL (its bulk path; psycopg
    adapts the values), ``executemany`` on SQLite (the loop runs inside SQLite; values
    prepared by their fields). Django's bulk_create spends more time building its statement
    than the database spends writing it."""
    meta = model._meta
    columns = [meta.get_field(f) for f in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c.column) for c in columns)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # (psycopg's own COPY: its errors made Django's, as a query's are)
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            return
        prepared = [
            [c.get_db_prep_save(v, connection) for c, v in zip(columns, row, strict=True)]
            for row in rows
        ]
        values = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({values})", prepared)


_ENTRY_FIELDS = (
    "key",
    "kind",
    "date",
    "period_start",
    "period_end",
    "source",
    "memo",
    "reverses",
    "digest",
    "batch",
    "created_at",
    "created_by",
)
POSTING_COLUMNS = (
    "entry",
    "line",
    "account",
    "adhesion",
    "party",
    "cents",
    "range",
    "formula",
    "care_category",
)


def _new_ids(table: str, count: int) -> list[int]:
    """``count`` fresh ids of ``table`` taken from its sequence, increasing (one query,
    PostgreSQL only), so rows can be written by COPY with their ids and their children
    without reading them back."""
    with connection.cursor() as cursor:
        sequence = _SEQUENCES.get(table)
        if sequence is None:  # (looked up once: per row it cost a catalog look-up each)
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = _SEQUENCES[table] = str(cursor.fetchone()[0])
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
        )
        return sorted(row[0] for row in cursor.fetchall())


_SEQUENCES: dict[str, str] = {}  # table → the sequence of its id


def _insert_entries(entries: Sequence[Entry], actor: Any, batch: str) -> None:
    """Three statements for a chunk: the entries' ids from the sequence (PostgreSQL; on SQLite
    their ids are read back by key after the insert), the entries, the postings. Rows are
    built as plain tuples (no dict per row)."""
    now = timezone.now()
    user = _user(actor)
    user_id = user.pk if user is not None else None
    rows = []
    for e in entries:
        if not e.postings or sum(p.cents for p in e.postings) != 0:
            raise Unbalanced(f"écriture {e.key} déséquilibrée : rien n'est écrit")
        rows.append(
            (
                e.key,
                e.kind.value,
                e.date,
                e.period_start,
                e.period_end,
                e.source,
                e.memo,
                e.reverses,
                e.digest(),
                batch,
                now,
                user_id,
            )
        )
    if connection.vendor == "postgresql":
        fresh = _new_ids(JournalEntry._meta.db_table, len(rows))
        _insert(
            JournalEntry,
            ("id", *_ENTRY_FIELDS),
            [(i, *r) for i, r in zip(fresh, rows, strict=True)],
        )
        ids = {e.key: i for e, i in zip(entries, fresh, strict=True)}
    else:
        _insert(JournalEntry, _ENTRY_FIELDS, rows)
        ids = dict(
            JournalEntry.objects.filter(key__in=[e.key for e in entries]).values_list("key", "pk")
        )
    _insert(
        JournalPosting,
        POSTING_COLUMNS,
        [
            (
                ids[e.key],
                n,
                p.account.kind.value,
                p.account.adhesion,
                p.account.party,
                p.cents,
                p.range,
                p.formula,
                p.care_category,
            )
            for e in entries
            for n, p in enumerate(e.postings, start=1)
        ],
    )


def insert_with_ids(model: Any, fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Insert rows (values in the order of ``fields``, attnames) and return their ids, in
    order. PostgreSQL: the ids are drawn from the table's sequence in one query and the rows
    go in one ``COPY`` with them (JSON columns given as Python values are serialised here);
    elsewhere Django's ``bulk_create`` of the model's instances (which returns the ids)."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_create(objs, batch_size=1000)
        if objs[0].pk is None:
            raise RuntimeError("la base ne rend pas les identifiants insérés")
        return [o.pk for o in objs]
    ids = _new_ids(model._meta.db_table, len(rows))
    meta = model._meta
    json_at = [i for i, f in enumerate(fields) if isinstance(meta.get_field(f), JSONField)]
    if json_at:
        encode = _JSON.encode
        out = []
        for pk, row in zip(ids, rows, strict=True):
            values = [pk, *row]
            for i in json_at:
                values[i + 1] = encode(values[i + 1])
            out.append(values)
        _insert(model, ("id", *fields), out)
    else:
        _insert(model, ("id", *fields), [(pk, *row) for pk, row in zip(ids, rows, strict=True)])
    return ids


def post_new(entries: Sequence[Entry], *, actor: Any = None, batch: str = "") -> int:
    """Write entries whose keys cannot be in the journal yet — the bulk path of a caller whose
    own rows, written in the same transaction, prove each key new (the claims' settlement
    versions: a line is received once, a version once, by their unique constraints). No key
    look-up: the ids are drawn from the sequence and the entries and postings go in two
    ``COPY``; should a key be there after all, the journal's unique key refuses the whole
    transaction (nothing is written twice, nothing silently skipped). Elsewhere than on
    PostgreSQL, :func:`post_many`. Returns how many were written."""
    if connection.vendor != "postgresql":
        return post_many(entries, actor=actor, batch=batch, chunk=max(1, len(entries)))
    unique = list(distinct(entries))
    if unique:
        _insert_entries(unique, actor, batch)
    return len(unique)


def post_many(
    entries: Iterable[Entry], *, actor: Any = None, batch: str | None = None, chunk: int = CHUNK
) -> int:
    """Write many entries in one transaction, in batched inserts; returns how many were new.
    Entries already there with the same content are skipped; one key holding another content
    stops everything (:class:`KeyConflict`, nothing written)."""
    written = 0
    with transaction.atomic():
        for part in _chunks(distinct(entries), chunk):
            there = _known([e.key for e in part])
            for e in part:
                if e.key in there:
                    _check_same(e, *there[e.key])
            fresh = [e for e in part if e.key not in there]
            if not fresh:
                continue
            _insert_entries(fresh, actor, batch or "")
            written += len(fresh)
    return written


# --- reading ----------------------------------------------------------------------------------


def balance_of(account: Account) -> int:
    """The account's balance (debits − credits), summed by the database."""
    rows = JournalPosting.objects.filter(account=account.kind.value)
    if not (account.kind in ABOUT_ADHESION and account.adhesion is None):
        # (a ``benefits`` account without adhesion is the whole charge: docs I-221)
        rows = rows.filter(adhesion=account.adhesion, party=account.party)
    total = rows.aggregate(total=Sum("cents"))["total"]
    return int(total or 0)


def adhesion_balances(number: str) -> dict[AccountKind, int]:
    """The balance of each of the adhesion's accounts that has postings."""
    rows = (
        JournalPosting.objects.filter(adhesion=number)
        .values("account")
        .annotate(total=Sum("cents"))
        .order_by("account")
    )
    return {AccountKind(r["account"]): int(r["total"]) for r in rows}


def totals(
    *,
    kind: AccountKind | None = None,
    adhesion: str | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    dates: tuple[dt.date, dt.date] | None = None,
    entry_kinds: Collection[EntryKind] | None = None,
    by: tuple[TotalsBy, ...] = (),
) -> dict[tuple[str | None, ...], int]:
    """:func:`mutuelle.journal.totals` computed by the database (same arguments, same result)."""
    qs = JournalPosting.objects.all()
    if kind is not None:
        qs = qs.filter(account=kind.value)
    if adhesion is not None:
        qs = qs.filter(adhesion=adhesion)
    if period is not None:
        qs = qs.filter(entry__period_start__gte=period[0], entry__period_start__lte=period[1])
    if dates is not None:
        qs = qs.filter(entry__date__gte=dates[0], entry__date__lte=dates[1])
    if entry_kinds is not None:
        qs = qs.filter(entry__kind__in=[k.value for k in entry_kinds])
    if not by:
        total = qs.aggregate(total=Sum("cents"))["total"]
        return {} if total is None else {(): int(total)}
    fields = [_BY_FIELD[b] for b in by]
    rows = qs.values(*fields).annotate(total=Sum("cents")).order_by(*fields)
    return {tuple(r[f] for f in fields): int(r["total"]) for r in rows}


def entries_of(number: str) -> list[Entry]:
    """Every entry with a posting on one of the adhesion's accounts, oldest first (two
    queries, whatever their number)."""
    ids = JournalPosting.objects.filter(adhesion=number).values("entry_id")
    return _load(JournalEntry.objects.filter(pk__in=ids).order_by("date", "id"))


def contribution_status(number: str, entries: Sequence[Entry] | None = None) -> ContributionStatus:
    """What the adhesion's contributions account says (paid until, owed, periods)."""
    return _status(entries_of(number) if entries is None else entries, number)
