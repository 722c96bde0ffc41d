"""Billing's resumable batch runs (:mod:`mutuelle.web.jobs.framework`): the yearly call of
every active adhesion of every range, chunk by chunk (keyset pages of adhesion ids, never the
whole population in memory); each chunk's entries are posted in the chunk's transaction with
the run's checkpoint, so a run killed midway and rerun calls each adhesion exactly once (and
the idempotency keys of the entries would refuse a second call anyway)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from mutuelle.web.jobs.framework import (
    BatchKind,
    ChunkOutcome,
    ItemError,
    Key,
    ParameterError,
    keyset_chunk,
    register,
)
from mutuelle.web.jobs.models import BatchRun


def _year(params: Mapping[str, Any]) -> int:
    try:
        year = int(params["year"])
    except KeyError:
        raise ParameterError("year : l'année civile à appeler est obligatoire") from None
    except (TypeError, ValueError):
        raise ParameterError("year : une année civile (2027)") from None
    if not 2000 <= year <= 2100:
        raise ParameterError(f"year : {year} n'est pas une année entre 2000 et 2100")
    return year


def _day(params: Mapping[str, Any], name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(params[name]))
    except KeyError:
        raise ParameterError(f"{name} : la date est obligatoire (AAAA-MM-JJ)") from None
    except ValueError:
        raise ParameterError(f"{name} : date illisible {params[name]!r} (AAAA-MM-JJ)") from None


ANALYZE_EVERY = 5_000  # adhesions called (about 60 000 entries) between two ANALYZE


def _refresh_statistics(run: BatchRun, size: int, lane: int, lanes: int) -> None:
    """On PostgreSQL, refresh the planner's statistics of the journal every few thousand
    adhesions called: a call multiplies the journal's size within one run, and with the
    statistics of its start the planner reads a chunk's entries by nested loops over the whole
    year (seconds per chunk instead of milliseconds; bench/billing.py). Not while the run has
    posted nothing (a call run again: the journal does not grow). Of ``lanes`` parallel runs,
    the first refreshes them for all (the statistics are the tables'), at its share of the
    interval."""
    from django.db import connection

    if connection.vendor != "postgresql" or not run.result.get("entries_posted") or lane:
        return
    if run.done % max(size, ANALYZE_EVERY // lanes) >= size:
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE journal_journalentry, journal_journalposting")


def _lanes(params: Mapping[str, Any]) -> tuple[int, int]:
    """(lane, lanes) of a run that is one of ``lanes`` parallel runs (``0, 1`` otherwise)."""
    return int(params.get("lane", 0)), int(params.get("lanes", 1))


def clean_lanes(params: Mapping[str, Any], out: dict[str, Any]) -> None:
    """Validate ``lane``/``lanes`` into ``out``: run ``lane`` of ``lanes`` takes the adhesions
    whose id modulo ``lanes`` is ``lane`` (parallel runs in separate processes share the work
    without overlap; :func:`mutuelle.web.jobs.services.start_lanes`)."""
    if "lane" not in params and "lanes" not in params:
        return
    try:
        lane, lanes = int(params["lane"]), int(params["lanes"])
    except KeyError as exc:
        raise ParameterError(f"{exc.args[0]} : lane et lanes vont ensemble") from None
    except (TypeError, ValueError):
        raise ParameterError("lane, lanes : des nombres entiers") from None
    if not 1 <= lanes <= MAX_LANES:
        raise ParameterError(f"lanes : entre 1 et {MAX_LANES}")
    if not 0 <= lane < lanes:
        raise ParameterError(f"lane : entre 0 et {lanes - 1}")
    if lanes > 1:
        out["lane"], out["lanes"] = lane, lanes


MAX_LANES = 8


class _OverAdhesions(BatchKind):
    """A batch run over a queryset of adhesion keys (``_queryset``), in keyset chunks."""

    def _queryset(self, params: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def count(self, params: Mapping[str, Any]) -> int:
        return int(self._queryset(params).count())

    def chunk(
        self, params: Mapping[str, Any], after: Key | None, size: int
    ) -> Sequence[tuple[Key, Any]]:
        return keyset_chunk(self._queryset(params), after, size)


class BillableOfYear(_OverAdhesions):
    """A batch run over the billable adhesions of ``params["year"]``, in keyset chunks (the
    yearly call, its documents)."""

    def chunk_size_for(self, params: Mapping[str, Any]) -> int:
        return int(params.get("per_chunk") or self.chunk_size)

    def _queryset(self, params: Mapping[str, Any]) -> Any:
        from django.db.models.functions import Mod

        from mutuelle.web.billing import services

        qs = services.billable(int(params["year"]), params.get("_ended_called"))
        lane, lanes = _lanes(params)
        if lanes > 1:
            qs = qs.alias(lane_of=Mod("pk", lanes)).filter(lane_of=lane)
        return qs.values("pk")

    def begin(self, params: Mapping[str, Any]) -> dict[str, Any]:
        from mutuelle.web.billing import services

        return {"_ended_called": services.ended_called_ids(int(params["year"]))}


@register
class YearlyCallKind(BillableOfYear):
    name = "yearly-call"
    label = "Appel de cotisation annuel (toutes les adhésions de toutes les gammes)"
    chunk_size = 500

    def clean(self, params: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(params) - {"year", "on", "per_chunk", "delay_ms", "lane", "lanes"}
        if unknown:
            raise ParameterError(f"paramètre inconnu : {', '.join(sorted(unknown))}")
        out: dict[str, Any] = {"year": _year(params), "on": _day(params, "on").isoformat()}
        clean_lanes(params, out)
        for name, hi in (("per_chunk", 10_000), ("delay_ms", 60_000)):
            if name in params:
                try:
                    value = int(params[name])
                except (TypeError, ValueError):
                    raise ParameterError(f"{name} : un nombre entier") from None
                if not 0 <= value <= hi:
                    raise ParameterError(f"{name} : entre 0 et {hi}")
                out[name] = value
        return out

    def finish(self, run: BatchRun, params: Mapping[str, Any]) -> dict[str, Any]:
        """After a bulk load of entries, PostgreSQL's planner statistics are stale until
        autovacuum passes: refresh them so the next collection's aggregates use the indexes."""
        from django.db import connection

        # (of parallel runs, the first: the statistics are the tables')
        posted = run.result.get("entries_posted")
        if connection.vendor == "postgresql" and posted and not _lanes(params)[0]:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE journal_journalentry, journal_journalposting")
        return {}

    def process(
        self, run: BatchRun, params: Mapping[str, Any], items: Sequence[Any]
    ) -> ChunkOutcome:
        import time

        from mutuelle.web.billing import services

        year, on = int(params["year"]), dt.date.fromisoformat(params["on"])
        _refresh_statistics(run, self.chunk_size_for(params), *_lanes(params))
        outcome, errors = services.call_chunk(
            [i["pk"] for i in items], year, on, actor=run.started_by, batch=f"run-{run.pk}"
        )
        counts: dict[str, int] = {
            "adhesions_called": sum(1 for c in outcome.calls if c.instalments),
            "entries_posted": outcome.posted,
        }
        for c in outcome.calls:
            t = c.total
            for name, cents in (
                ("ttc_cents", t.ttc),
                ("net_cents", t.net),
                ("tsa_cents", t.tsa),
                ("lfss_cents", t.lfss),
            ):
                counts[name] = counts.get(name, 0) + cents
        if params.get("delay_ms"):
            time.sleep(int(params["delay_ms"]) / 1000)
        return ChunkOutcome(
            errors=[ItemError(number, why) for number, why in errors], counts=counts
        )


def _only_day(kind: BatchKind, params: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(params) - {"on"}
    if unknown:
        raise ParameterError(f"paramètre inconnu : {', '.join(sorted(unknown))}")
    return {"on": _day(params, "on").isoformat()}


@register
class CollectKind(BatchKind):
    """The SEPA collection of a day, started from the back office: one item (the file is made
    in one transaction: all its debits or none), its result the debits and their total."""

    name = "sepa-collect"
    label = "Prélèvements SEPA du jour (pain.008 des échéances dues)"
    chunk_size = 1

    def clean(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return _only_day(self, params)

    def count(self, params: Mapping[str, Any]) -> int:
        return 1

    def chunk(
        self, params: Mapping[str, Any], after: Key | None, size: int
    ) -> Sequence[tuple[Key, Any]]:
        return [] if after is not None else [(params["on"], params["on"])]

    def process(
        self, run: BatchRun, params: Mapping[str, Any], items: Sequence[Any]
    ) -> ChunkOutcome:
        from mutuelle.web.billing import collection

        report = collection.collect(dt.date.fromisoformat(params["on"]), actor=run.started_by)
        record = report.file
        return ChunkOutcome(
            errors=[ItemError(number, why) for number, why in report.skipped],
            counts={
                "files_produced": int(report.created),
                "debits": record.count if record else 0,
                "total_cents": record.control_sum_cents if record else 0,
                "file_id": record.pk if record else 0,
            },
        )


@register
class UnpaidDayKind(_OverAdhesions):
    """The unpaid process of a day (``mutuelle unpaid --on D``) as a resumable run: notices,
    suspensions, terminations, reinstatements, adhesion by adhesion (each act once)."""

    name = "unpaid-day"
    label = "Impayés du jour : mises en demeure, suspensions, résiliations, remises en vigueur"
    chunk_size = 50

    def clean(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return _only_day(self, params)

    def _queryset(self, params: Mapping[str, Any]) -> Any:
        from mutuelle.web.billing import unpaid

        return unpaid.candidates(dt.date.fromisoformat(params["on"])).values("pk")

    def process(
        self, run: BatchRun, params: Mapping[str, Any], items: Sequence[Any]
    ) -> ChunkOutcome:
        from mutuelle.web.billing import unpaid
        from mutuelle.web.members.models import Adhesion

        on = dt.date.fromisoformat(params["on"])
        done = dict.fromkeys(unpaid.DONE, 0)
        adhesions = Adhesion.objects.filter(pk__in=[i["pk"] for i in items]).select_related(
            "member"
        )
        for a in adhesions.order_by("pk"):
            unpaid.act(a, unpaid.case_of(a, on), on, run.started_by, done)
        return ChunkOutcome(errors=[], counts=done)
