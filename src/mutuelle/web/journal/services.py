"""Post to the money journal and read balances from it — the API every money domain uses.

* :func:`post` writes one entry of :mod:`mutuelle.journal` (idempotent by its key);
  :func:`post_many` writes many in batched inserts (one query per chunk for the keys already
  there, one per chunk for the entries, a few per chunk for their postings — never one per
  entry).
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
from collections.abc import Collection, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum

from mutuelle.journal import (
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


def _check_same(entry: Entry, existing: Entry) -> None:
    if not entry.same_as(existing):
        raise KeyConflict(
            f"clé {entry.key} déjà utilisée au journal par une autre écriture "
            f"({existing.kind.label} du {existing.date:%d/%m/%Y}) : rien n'est écrit"
        )


def post(entry: Entry, *, actor: Any = None, batch: str = "") -> bool:
    """Write ``entry``; False when its key is already there with the same content (nothing
    new is written); :class:`KeyConflict` when the key holds another content."""
    found = _load(JournalEntry.objects.filter(key=entry.key))
    if found:
        _check_same(entry, found[0])
        return False
    row, lines = _rows(entry, actor, batch)
    try:
        with transaction.atomic():
            row.save()
            JournalPosting.objects.bulk_create(lines)
    except IntegrityError:
        # Posted meanwhile by another process: the same entry is fine, another is a conflict.
        found = _load(JournalEntry.objects.filter(key=entry.key))
        if not found:
            raise
        _check_same(entry, found[0])
        return False
    return True


def _chunks(entries: Iterable[Entry], size: int) -> Iterator[list[Entry]]:
    it = iter(entries)
    while chunk := list(islice(it, size)):
        yield chunk


def post_many(
    entries: Iterable[Entry], *, actor: Any = None, batch: str = "", chunk: int = CHUNK
) -> int:
    """Write many entries in one transaction, in batched inserts; returns how many were new.
    Entries already there with the same content are skipped; one key holding another content
    stops everything (:class:`KeyConflict`, nothing written)."""
    written = 0
    with transaction.atomic():
        for part in _chunks(distinct(entries), chunk):
            keys = [e.key for e in part]
            there = set(JournalEntry.objects.filter(key__in=keys).values_list("key", flat=True))
            if there:
                known = {e.key: e for e in _load(JournalEntry.objects.filter(key__in=there))}
                for e in part:
                    if e.key in known:
                        _check_same(e, known[e.key])
            fresh = [e for e in part if e.key not in there]
            if not fresh:
                continue
            pairs = [_rows(e, actor, batch) for e in fresh]
            JournalEntry.objects.bulk_create([row for row, _ in pairs])
            for row, lines in pairs:
                for line in lines:
                    line.entry_id = row.pk
            JournalPosting.objects.bulk_create([line for _, lines in pairs for line in lines])
            written += len(fresh)
    return written


# --- reading ----------------------------------------------------------------------------------


def balance_of(account: Account) -> int:
    """The account's balance (debits − credits), summed by the database."""
    total = JournalPosting.objects.filter(
        account=account.kind.value, adhesion=account.adhesion, party=account.party
    ).aggregate(total=Sum("cents"))["total"]
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
