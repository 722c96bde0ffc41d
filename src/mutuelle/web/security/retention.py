"""Retention periods as data (``data/retention.yaml``, each with its source) and the purge that
enforces them (``mutuelle purge [--dry-run]``).

What the purge deletes, in one transaction: an adhesion whose period is over (its rule's
``after`` date + ``years`` is before today) with its affiliations, formula periods,
justificatifs (rows **and files**), event history and write history; then every person no
longer referenced by any adhesion, affiliation or justificatif; then the access-log rows past
their period. The append-only tables (event history, access log) let only the purge delete,
inside its transaction (``SET LOCAL mutuelle.purge`` on PostgreSQL, a row of
``security_purgeflag`` on SQLite — migration 0002 of this app).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.db import connection, transaction
from django.db.models import Q

DATA = Path(__file__).with_name("data") / "retention.yaml"


@dataclass(frozen=True)
class RetentionRule:
    key: str
    label: str
    applies_to: dict[str, Any]
    after: str
    years: int
    source: str
    enforced: bool = True
    why_not: str = ""


@lru_cache(maxsize=1)
def rules() -> tuple[RetentionRule, ...]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    out = []
    for r in raw["rules"]:
        missing = {"key", "label", "after", "years", "source"} - set(r)
        if missing:
            raise ValueError(f"retention.yaml : règle {r.get('key', '?')} sans {sorted(missing)}")
        out.append(RetentionRule(**r))
    return tuple(out)


def rule(key: str) -> RetentionRule:
    for r in rules():
        if r.key == key:
            return r
    raise KeyError(key)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February → 28 February
        return day.replace(year=day.year + years, day=28)


def cutoff(r: RetentionRule, today: dt.date) -> dt.date:
    """Data whose ``after`` date is before this day are past their period."""
    return add_years(today, -r.years)


@dataclass
class PurgeItem:
    rule: RetentionRule
    adhesion_id: int
    number: str
    reference_date: dt.date
    expired_on: dt.date


@dataclass
class PurgePlan:
    today: dt.date
    adhesions: list[PurgeItem] = field(default_factory=list)
    access_log_rows: int = 0
    access_log_before: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "adhesions": [
                {
                    "number": i.number,
                    "rule": i.rule.key,
                    "reference_date": i.reference_date.isoformat(),
                    "expired_on": i.expired_on.isoformat(),
                    "source": i.rule.source,
                }
                for i in self.adhesions
            ],
            "access_log_rows": self.access_log_rows,
            "access_log_before": self.access_log_before.isoformat()
            if self.access_log_before
            else None,
        }


def plan(today: dt.date) -> PurgePlan:
    """What a purge run today would delete (nothing is deleted)."""
    from mutuelle.web.members.enums import AdhesionStatus
    from mutuelle.web.members.models import Adhesion
    from mutuelle.web.security.models import AccessLog

    result = PurgePlan(today)
    for r in rules():
        if not r.enforced:
            continue
        scope = r.applies_to
        if scope.get("table") == "access_log":
            limit = cutoff(r, today)
            result.access_log_before = limit
            result.access_log_rows = AccessLog.objects.filter(at__date__lt=limit).count()
            continue
        qs = Adhesion.objects.all()
        if "ranges" in scope:
            qs = qs.filter(range__in=scope["ranges"])
        if "status" in scope:
            qs = qs.filter(status=scope["status"])
        limit = cutoff(r, today)
        if r.after == "end":
            qs = qs.filter(end__isnull=False, end__lt=limit)
            pairs = qs.values_list("id", "number", "end")
        elif r.after == "created":
            qs = qs.filter(status=AdhesionStatus.PENDING, created_at__date__lt=limit)
            pairs = [(i, n, c.date()) for i, n, c in qs.values_list("id", "number", "created_at")]
        elif r.after == "refused":
            # The day of the refusal, from the event history (services.refuse_request logs
            # it); a refused request without that event is kept, never guessed (I-153).
            from django.db.models import OuterRef, Subquery

            from mutuelle.web.members.enums import EventKind
            from mutuelle.web.members.models import Event

            refused_at = (
                Event.objects.filter(adhesion=OuterRef("pk"), kind=EventKind.REQUEST_REFUSED)
                .order_by("-at")
                .values("at")[:1]
            )
            qs = qs.filter(status=AdhesionStatus.REFUSED).annotate(refused_at=Subquery(refused_at))
            qs = qs.filter(refused_at__date__lt=limit)
            pairs = [(i, n, c.date()) for i, n, c in qs.values_list("id", "number", "refused_at")]
        else:
            raise ValueError(f"retention.yaml : « after: {r.after} » inconnu ({r.key})")
        for pk, number, ref in pairs:
            result.adhesions.append(PurgeItem(r, pk, number, ref, add_years(ref, r.years)))
    result.adhesions.sort(key=lambda i: i.number)
    return result


def _allow_deletes() -> None:
    """Inside the current transaction only: the append-only triggers let this purge delete."""
    from mutuelle.web.security.models import PurgeFlag

    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("SELECT set_config('mutuelle.purge', 'on', true)")
    else:
        PurgeFlag.objects.create()


def _forbid_deletes() -> None:
    from mutuelle.web.security.models import PurgeFlag

    if connection.vendor != "postgresql":
        PurgeFlag.objects.all().delete()


def delete_adhesions(ids: list[int]) -> dict[str, int]:
    """Delete these adhesions and everything that belongs to them; then the persons left
    without any link. Call inside a transaction that allowed deletes."""
    from mutuelle.web.members.models import (
        Adhesion,
        Affiliation,
        Document,
        Event,
        FormulaPeriod,
        Person,
    )
    from mutuelle.web.security.models import HISTORY_MODELS

    counts: dict[str, int] = {}
    if not ids:
        return counts
    persons = set(Adhesion.objects.filter(id__in=ids).values_list("member_id", flat=True))
    persons |= set(
        Affiliation.objects.filter(adhesion_id__in=ids).values_list("person_id", flat=True)
    )
    docs = list(Document.objects.filter(adhesion_id__in=ids).exclude(file=""))
    owned = {
        "affiliations": Affiliation.objects.filter(adhesion_id__in=ids),
        "formula_periods": FormulaPeriod.objects.filter(adhesion_id__in=ids),
        "documents": Document.objects.filter(adhesion_id__in=ids),
        "events": Event.objects.filter(adhesion_id__in=ids),
    }
    history_ids: dict[Any, set[int]] = {}
    for model in HISTORY_MODELS:
        tracked = model.pgh_tracked_model
        if tracked is Adhesion:
            history_ids[model] = set(ids)
        elif tracked is Person:
            history_ids[model] = set()  # filled once the persons to delete are known
        else:
            history_ids[model] = set(
                tracked.objects.filter(adhesion_id__in=ids).values_list("id", flat=True)
            )
    for name, qs in owned.items():
        counts[name] = qs.delete()[0]
    counts["adhesions"] = Adhesion.objects.filter(id__in=ids).delete()[0]
    # The idempotency keys of the online requests deleted go with them (a content hash and
    # the internal id: a reuse of the key later would point at nothing).
    from mutuelle.web.security.models import IdempotencyKey

    IdempotencyKey.objects.filter(
        scope="adhesion-request", reference__in=[str(i) for i in ids]
    ).delete()
    still = Q(adhesions__isnull=False) | Q(affiliations__isnull=False) | Q(documents__isnull=False)
    orphans = list(
        Person.objects.filter(id__in=persons).exclude(still).values_list("id", flat=True)
    )
    counts["persons"] = Person.objects.filter(id__in=orphans).delete()[0]
    for model, obj_ids in history_ids.items():
        if model.pgh_tracked_model is Person:
            obj_ids = set(orphans)
        if obj_ids:
            model.objects.filter(pgh_obj_id__in=obj_ids).delete()
    for d in docs:  # files last: a rollback above leaves them in place
        transaction.on_commit(lambda name=d.file.name, storage=d.file.storage: storage.delete(name))
    counts["files"] = len(docs)
    return counts


def purge(today: dt.date) -> tuple[PurgePlan, dict[str, int]]:
    """Apply today's plan; returns it with the counts deleted."""
    from mutuelle.web.security.models import AccessLog

    todo = plan(today)
    with transaction.atomic():
        _allow_deletes()
        counts = delete_adhesions([i.adhesion_id for i in todo.adhesions])
        if todo.access_log_before is not None:
            old = AccessLog.objects.filter(at__date__lt=todo.access_log_before)
            counts["access_log_rows"] = old.delete()[0]
        _forbid_deletes()
    return todo, counts
