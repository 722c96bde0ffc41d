"""A small framework for resumable batch runs.

A batch kind says how to enumerate its items **in a deterministic order of increasing keys**
(:meth:`BatchKind.chunk`: the next ``size`` items after a key, a keyset query — never the
whole population in memory) and how to process one chunk (:meth:`BatchKind.process`). The
runner processes each chunk in **one transaction that also advances the checkpoint** of the
run, so a crash (even ``kill -9``) loses at most the chunk in flight, which the database rolls
back; a rerun starts after the checkpoint and processes each item exactly once. A finished run
is never processed again.
"""

from __future__ import annotations

import abc
import datetime as dt
import os
import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mutuelle.web.jobs.models import BatchRun, BatchRunError, RunStatus

Key = int | str
STALE_AFTER = dt.timedelta(minutes=2)  # a running run without a heartbeat for this long is dead


class BatchError(Exception):
    """A refusal of the framework, in French."""


class ParameterError(BatchError):
    pass


class NotAllowed(BatchError):
    """The staff member may not start a run of this kind (the message names what is missing)."""


class AlreadyRunning(BatchError):
    pass


@dataclass(frozen=True, slots=True)
class ItemError:
    item: str
    reason: str


@dataclass(slots=True)
class ChunkOutcome:
    """What a chunk did: per-item errors (the item is counted as processed, with its reason)
    and counters added to the run's result summary."""

    errors: list[ItemError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class BatchKind(abc.ABC):
    name: ClassVar[str]
    label: ClassVar[str]
    chunk_size: ClassVar[int] = 500

    def clean(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Validated parameters (JSON values) or :class:`ParameterError`."""
        if params:
            raise ParameterError(f"le traitement « {self.label} » ne prend pas de paramètre")
        return {}

    def chunk_size_for(self, params: Mapping[str, Any]) -> int:
        return self.chunk_size

    @abc.abstractmethod
    def count(self, params: Mapping[str, Any]) -> int:
        """How many items the run will process (fixed when it starts)."""

    @abc.abstractmethod
    def chunk(
        self, params: Mapping[str, Any], after: Key | None, size: int
    ) -> Sequence[tuple[Key, Any]]:
        """The next ``size`` items whose key is greater than ``after``, by increasing key."""

    @abc.abstractmethod
    def process(
        self, run: BatchRun, params: Mapping[str, Any], items: Sequence[Any]
    ) -> ChunkOutcome:
        """Process ``items`` inside the runner's transaction (no commit of its own)."""

    def begin(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Facts read once when an execution of the run starts (or resumes), added to the
        parameters :meth:`chunk` receives (never stored): what every chunk's query would
        otherwise read again. Names start with ``_``."""
        return {}

    def finish(self, run: BatchRun, params: Mapping[str, Any]) -> dict[str, Any]:
        """A last step in the same transaction that marks the run done (e.g. write a file)."""
        return {}


REGISTRY: dict[str, BatchKind] = {}


def register(cls: type[BatchKind]) -> type[BatchKind]:
    REGISTRY[cls.name] = cls()
    return cls


# Every run asks ``jobs.add_batchrun``; a domain whose runs move money or write to members'
# files adds its own permission for its kinds from its ``AppConfig.ready()`` (billing:
# ``billing.run_billing`` for the yearly call, its documents, the collection, the unpaid day).
START_PERMISSION = "jobs.add_batchrun"
_REQUIRED: dict[str, str] = {}


def require_permission(kind: str, permission: str) -> None:
    """Starting a run of ``kind`` (from the back office) also asks ``permission``."""
    kind_of(kind)  # an unknown kind is an error here, not a silent no-op
    _REQUIRED[kind] = permission


def permissions_for(kind: str) -> tuple[str, ...]:
    extra = _REQUIRED.get(kind)
    return (START_PERMISSION, extra) if extra else (START_PERMISSION,)


def kind_of(name: str) -> BatchKind:
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY)) or "aucun"
        raise ParameterError(f"traitement inconnu « {name} » (connus : {known})") from None


def keyset_chunk(
    queryset: QuerySet[Any], after: Key | None, size: int, key: str = "pk"
) -> list[tuple[Key, Any]]:
    """The keyset page after ``after`` of ``queryset`` ordered by ``key`` (one bounded query)."""
    qs = queryset.order_by(key)
    if after is not None:
        qs = qs.filter(**{f"{key}__gt": after})
    rows = list(qs[:size])
    return [(_key_of(row, key), row) for row in rows]


def _key_of(row: Any, key: str) -> Key:
    value = row[key] if isinstance(row, dict) else getattr(row, key)
    return value if isinstance(value, int | str) else str(value)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def executor_alive(run: BatchRun, now: dt.datetime | None = None) -> bool:
    """Whether the executor of a running run may still be at work: a recent heartbeat, and,
    when it ran on this machine, its process still exists (a ``kill -9`` is seen at once)."""
    now = now or timezone.now()
    if run.heartbeat_at is None or now - run.heartbeat_at >= STALE_AFTER:
        return False
    host, _, rest = str(run.worker).partition(":")
    pid = rest.split(":", 1)[0]
    if host == socket.gethostname() and pid.isdigit():
        return process_alive(int(pid))
    return True


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie. A process killed with its parent
    (the lanes of :func:`run_parallel`) is re-parented to PID 1, and in a container whose
    first process does not reap its orphans it stays a zombie: it still answers signal 0, but
    it will never work again."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            # « pid (comm) state … »: the name may hold spaces and parentheses
            state = stat.read().rpartition(")")[2].split(maxsplit=1)[0]
    except FileNotFoundError:  # gone meanwhile, or no /proc (not Linux)
        return not os.path.isdir("/proc/self")
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


Progress = Callable[[BatchRun], None]


def run(run_id: int, *, progress: Progress | None = None, worker: str | None = None) -> BatchRun:
    """Run (or resume) batch run ``run_id`` to its end in this process."""
    me = worker or worker_name()
    current = _claim(run_id, me)
    if current.status == RunStatus.DONE:
        return current
    kind = kind_of(current.kind)
    params = current.parameters
    try:
        if progress:
            progress(current)
        read_once = {**params, **kind.begin(params)}
        while True:
            items = kind.chunk(read_once, current.checkpoint, kind.chunk_size_for(params))
            if not items:
                break
            current = _process_chunk(kind, run_id, current.checkpoint, items, me)
            if progress:
                progress(current)
        with transaction.atomic():
            locked: BatchRun = BatchRun.objects.select_for_update().get(pk=run_id)
            summary = kind.finish(locked, params)
            locked.result = {**locked.result, **summary}
            locked.status = RunStatus.DONE
            locked.finished_at = locked.heartbeat_at = timezone.now()
            locked.save()
        current = locked
        if progress:
            progress(current)
        return current
    except AlreadyRunning:
        raise
    except Exception as exc:
        BatchRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, failure=f"{type(exc).__name__} : {exc}", worker=me
        )
        raise


def _claim(run_id: int, me: str) -> BatchRun:
    with transaction.atomic():
        current: BatchRun = BatchRun.objects.select_for_update().get(pk=run_id)
        if current.status == RunStatus.DONE:
            return current
        now = timezone.now()
        busy = current.status == RunStatus.RUNNING and current.worker != me
        if busy and executor_alive(current, now):
            raise AlreadyRunning(
                f"le traitement n° {run_id} est en cours ailleurs ({current.worker}, "
                f"signe de vie {current.heartbeat_at:%H:%M:%S})"
            )
        if current.total is None:
            current.total = kind_of(current.kind).count(current.parameters)
        current.status = RunStatus.RUNNING
        current.worker = me
        current.attempts += 1
        current.failure = ""
        current.started_at = current.started_at or now
        current.heartbeat_at = now
        current.save()
        return current


def _process_chunk(
    kind: BatchKind, run_id: int, expected: Key | None, items: Sequence[tuple[Key, Any]], me: str
) -> BatchRun:
    with transaction.atomic():
        locked: BatchRun = BatchRun.objects.select_for_update().get(pk=run_id)
        if locked.checkpoint != expected or locked.worker != me:
            raise AlreadyRunning(
                f"le traitement n° {run_id} a été repris par {locked.worker} : arrêt ici"
            )
        outcome = kind.process(locked, locked.parameters, [item for _, item in items])
        BatchRunError.objects.bulk_create(
            BatchRunError(run=locked, item=e.item[:200], reason=e.reason) for e in outcome.errors
        )
        result = dict(locked.result)
        for name, n in outcome.counts.items():
            result[name] = int(result.get(name, 0)) + n
        locked.result = result
        locked.done += len(items)
        locked.error_count += len(outcome.errors)
        locked.checkpoint = items[-1][0]
        locked.heartbeat_at = timezone.now()
        locked.save()
        return locked


# --- parallel runs ----------------------------------------------------------------------------

Watch = Callable[[Sequence[BatchRun]], None]


def run_parallel(
    run_ids: Sequence[int], *, progress: Watch | None = None, poll: float = 0.5
) -> list[BatchRun]:
    """Run each of ``run_ids`` (runs that split one work between them, e.g. the lanes of the
    yearly call: :func:`mutuelle.web.jobs.services.start_lanes`) in a process of its own, at
    the same time, and wait for all of them; ``progress`` sees the runs every ``poll``
    seconds. Each process is an ordinary :func:`run` (its chunks, its checkpoint: a kill loses
    at most the chunk in flight of each, and running the same runs again resumes them); the
    processes die with this one (Linux: the kernel kills them; elsewhere each stops before its
    next chunk), so a rerun never finds them still at work. Returns the runs, finished;
    :class:`BatchError` naming the runs that failed (each recorded its failure)."""
    from django.db import connections

    if len(run_ids) == 1:
        one = run(run_ids[0], progress=(lambda r: progress([r])) if progress else None)
        return [one]
    import multiprocessing
    from multiprocessing.connection import wait

    connections.close_all()  # each process opens its own connection
    context = multiprocessing.get_context("fork")
    parent = os.getpid()
    processes = [
        context.Process(target=_run_child, args=(run_id, parent), name=f"traitement-{run_id}")
        for run_id in run_ids
    ]
    for process in processes:
        process.start()
    try:
        while any(p.is_alive() for p in processes):
            if progress:
                progress(list(BatchRun.objects.filter(pk__in=run_ids).order_by("pk")))
            wait([p.sentinel for p in processes if p.is_alive()], poll)
        for process in processes:
            process.join()
    except BaseException:
        for process in processes:
            process.kill()
        raise
    runs = list(BatchRun.objects.filter(pk__in=run_ids).order_by("pk"))
    if progress:
        progress(runs)
    failed = [r for r in runs if r.status != RunStatus.DONE]
    if failed:
        raise BatchError(" ; ".join(f"traitement n° {r.pk} : {_why_not_done(r)}" for r in failed))
    return runs


def _why_not_done(run: BatchRun) -> str:
    if run.failure:
        return run.failure
    if run.status == RunStatus.RUNNING:  # its process stopped at once: another holds it
        return f"en cours ailleurs ({run.worker}), à reprendre quand il aura fini"
    return str(run.get_status_display())


def _die_with(parent: int) -> None:
    """Ask the kernel (Linux) to kill this process when its parent dies."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the request
        os._exit(1)


def _run_child(run_id: int, parent: int) -> None:
    _die_with(parent)

    def still_wanted(_: BatchRun) -> None:
        if os.getppid() != parent:  # (where the kernel does not kill it)
            os._exit(1)

    try:
        run(run_id, progress=still_wanted)
    except Exception:
        os._exit(1)  # the run recorded why (status failed, its message)
