"""Starting batch runs and handing them to whoever executes them.

* ``start_run`` records a run (or returns the one with the same idempotency key: starting the
  same work twice changes nothing) and, on PostgreSQL with the worker installed, defers a
  Procrastinate job after the commit.
* The CLI runs a batch in the foreground (:func:`mutuelle.web.jobs.framework.run`).
* On the SQLite default, ``mutuelle serve`` runs queued runs in a background thread
  (:func:`start_background_runner`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.db import close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone

from mutuelle.web.jobs import framework
from mutuelle.web.jobs.models import BatchRun, RunStatus

log = logging.getLogger(__name__)


def default_key(kind: str, params: Mapping[str, Any]) -> str:
    return f"{kind}:{json.dumps(params, sort_keys=True, separators=(',', ':'))}"[:200]


def start_run(
    kind: str,
    params: Mapping[str, Any] | None = None,
    *,
    actor: Any = None,
    idempotency_key: str | None = None,
    defer: bool = True,
) -> tuple[BatchRun, bool]:
    """The run of ``kind`` with these parameters, and whether it was created now.

    Parameters are validated by the kind (:class:`framework.ParameterError` otherwise). With
    the same idempotency key (by default the kind and its parameters) the existing run is
    returned untouched, whatever its state. ``actor`` (a staff member, from the back office)
    must hold the kind's permissions (:func:`framework.permissions_for`), else
    :class:`framework.NotAllowed`; the CLI (the operator's console) passes none."""
    batch = framework.kind_of(kind)
    if actor is not None:
        missing = [p for p in framework.permissions_for(kind) if not actor.has_perm(p)]
        if missing:
            raise framework.NotAllowed(
                f"vous n'avez pas le droit de lancer « {batch.label} » "
                f"(permission {', '.join(missing)})"
            )
    cleaned = batch.clean(params or {})
    key = idempotency_key or default_key(kind, cleaned)
    with transaction.atomic():
        run, created = BatchRun.objects.get_or_create(
            idempotency_key=key,
            defaults={"kind": kind, "parameters": cleaned, "started_by": actor},
        )
        if not created and (run.kind != kind or run.parameters != cleaned):
            raise framework.ParameterError(
                f"la clé « {key} » désigne déjà le traitement n° {run.pk} "
                f"({run.kind}, paramètres {run.parameters}) : choisissez une autre clé"
            )
        if created and defer and worker_available():
            run_id = run.pk
            transaction.on_commit(lambda: defer_run(run_id))
    return run, created


def start_lanes(
    kind: str,
    params: Mapping[str, Any] | None,
    lanes: int,
    *,
    actor: Any = None,
    idempotency_key: str | None = None,
) -> list[tuple[BatchRun, bool]]:
    """The work of one run of ``kind`` split into ``lanes`` runs (parameters ``lane`` and
    ``lanes``: the kind gives each its share, e.g. the yearly call the adhesions whose id
    modulo ``lanes`` is ``lane``), to be executed at the same time
    (:func:`framework.run_parallel`); the same call again returns the same runs, as
    :func:`start_run` does. One lane is one ordinary run. Several lanes need PostgreSQL
    (SQLite lets one writer at a time)."""
    if lanes <= 1:
        return [start_run(kind, params, actor=actor, idempotency_key=idempotency_key, defer=False)]
    if connection.vendor != "postgresql":
        raise framework.ParameterError(
            f"{lanes} voies en parallèle demandent PostgreSQL (SQLite n'accepte qu'un "
            "écrivain à la fois) : une seule voie ici"
        )
    base = framework.kind_of(kind).clean(params or {})
    key = (idempotency_key or default_key(kind, base))[:180]
    return [
        start_run(
            kind,
            {**base, "lane": lane, "lanes": lanes},
            actor=actor,
            idempotency_key=f"{key}:voie {lane + 1}/{lanes}",
            defer=False,
        )
        for lane in range(lanes)
    ]


def worker_available() -> bool:
    """Procrastinate runs the jobs: PostgreSQL with its Django app installed."""
    return bool(
        connection.vendor == "postgresql" and apps.is_installed("procrastinate.contrib.django")
    )


def defer_run(run_id: int) -> None:
    """Queue a worker job for ``run_id`` (once: a second queued job for it is refused by the
    queueing lock and ignored)."""
    from procrastinate import exceptions

    from mutuelle.web.jobs.tasks import run_batch

    with contextlib.suppress(exceptions.AlreadyEnqueued):
        run_batch.configure(queueing_lock=f"batch-run-{run_id}").defer(run_id=run_id)


def resumable() -> list[BatchRun]:
    """Runs waiting for an executor: queued ones, and running ones whose executor is gone
    (its process no longer exists, or no sign of life for :data:`framework.STALE_AFTER`). A
    run that failed on an error waits for staff (``mutuelle batch resume``): retrying a bug
    in a loop helps nobody."""
    now = timezone.now()
    candidates = BatchRun.objects.filter(
        Q(status=RunStatus.QUEUED) | Q(status=RunStatus.RUNNING)
    ).order_by("created_at", "id")
    return [
        r
        for r in candidates
        if r.status == RunStatus.QUEUED or not framework.executor_alive(r, now)
    ]


def requeue_resumable() -> int:
    """Defer a worker job for every run an executor should pick up (worker start-up)."""
    runs = resumable()
    for run in runs:
        defer_run(run.pk)
    return len(runs)


def run_pending_once(worker: str | None = None) -> int:
    """Run every resumable run in this process, oldest first; the number run."""
    count = 0
    for run in resumable():
        try:
            framework.run(run.pk, worker=worker)
        except framework.AlreadyRunning:
            continue
        except Exception:
            log.exception("traitement n° %s interrompu", run.pk)
        count += 1
    return count


def start_background_runner(interval: float = 2.0) -> threading.Thread:
    """The executor of ``mutuelle serve`` on SQLite: a daemon thread polling for runs."""
    stop = threading.Event()

    def loop() -> None:
        name = f"{framework.worker_name()}:serve"
        while not stop.is_set():
            try:
                run_pending_once(name)
            except Exception:  # never let the thread die: log and poll again
                log.exception("exécuteur des traitements")
            finally:
                close_old_connections()
            stop.wait(interval)

    thread = threading.Thread(target=loop, name="mutuelle-batch-runner", daemon=True)
    thread.start()
    return thread
