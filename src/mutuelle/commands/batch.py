"""``mutuelle batch``: resumable batch runs from the command line (the same runs staff see in
the back office). ``run`` works in the foreground with a progress bar; rerunning with the
same key resumes an interrupted run and never redoes a finished one."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "batch",
        help="traitements par lots reprenables (lancer, suivre, reprendre)",
        description="Traitements par lots enregistrés en base : reprise après interruption, "
        "chaque élément traité une seule fois.",
    )
    inner = p.add_subparsers(dest="batch_command", required=True, metavar="ACTION")
    k = inner.add_parser("kinds", help="les traitements disponibles")
    k.add_argument("--json", action="store_true")
    k.set_defaults(func=kinds)
    r = inner.add_parser("run", help="lancer (ou reprendre) un traitement au premier plan")
    r.add_argument("kind", metavar="TRAITEMENT")
    r.add_argument("--param", action="append", default=[], metavar="NOM=VALEUR")
    r.add_argument("--key", help="clé d'idempotence (par défaut : traitement + paramètres)")
    r.add_argument("--json", action="store_true", help="résultat en JSON, sans barre")
    r.set_defaults(func=run)
    s = inner.add_parser("show", help="l'état d'un traitement")
    s.add_argument("id", type=int)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=show)
    lst = inner.add_parser("list", help="les derniers traitements")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=list_runs)
    res = inner.add_parser("resume", help="reprendre un traitement interrompu, au premier plan")
    res.add_argument("id", type=int)
    res.add_argument("--json", action="store_true")
    res.set_defaults(func=resume)


def _describe(run: Any) -> dict[str, Any]:
    return {
        "id": run.pk,
        "kind": run.kind,
        "status": run.status,
        "status_label": run.get_status_display(),
        "parameters": run.parameters,
        "idempotency_key": run.idempotency_key,
        "total": run.total,
        "done": run.done,
        "errors": run.error_count,
        "result": run.result,
        "failure": run.failure,
        "attempts": run.attempts,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


def kinds(args: argparse.Namespace) -> int:
    _django.setup()
    from mutuelle.web.jobs.framework import REGISTRY

    rows = sorted((k.name, k.label) for k in REGISTRY.values())
    if args.json:
        print_json([{"kind": n, "label": label} for n, label in rows])
    else:
        for n, label in rows:
            print(f"{n:24} {label}")
    return 0


def run(args: argparse.Namespace) -> int:
    _django.setup()
    from mutuelle.web.jobs import framework, services

    params: dict[str, str] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep:
            return fail(f"--param {item} : écrire NOM=VALEUR", args.json)
        params[name] = value
    try:
        batch_run, created = services.start_run(
            args.kind, params, idempotency_key=args.key, defer=False
        )
    except framework.ParameterError as exc:
        return fail(str(exc), args.json)
    if not created and batch_run.status == "done" and not args.json:
        print(f"Traitement n° {batch_run.pk} déjà terminé : rien n'est refait.")
    return _execute(batch_run.pk, args.json)


def resume(args: argparse.Namespace) -> int:
    _django.setup()
    from mutuelle.web.jobs.models import BatchRun

    if not BatchRun.objects.filter(pk=args.id).exists():
        return fail(f"traitement n° {args.id} inconnu", args.json)
    return _execute(args.id, args.json)


def _execute(run_id: int, as_json: bool) -> int:
    from mutuelle.web.jobs import framework

    try:
        finished = framework.run(run_id) if as_json else _with_bar(run_id)
    except framework.AlreadyRunning as exc:
        return fail(str(exc), as_json)
    except Exception as exc:
        return fail(
            f"traitement n° {run_id} interrompu : {exc} (reprendre : mutuelle batch "
            f"resume {run_id})",
            as_json,
        )
    if as_json:
        print_json(_describe(finished))
    else:
        _print_summary(finished)
    return 0


def _with_bar(run_id: int) -> Any:
    return _with_bars([run_id])[0]


def _with_bars(run_ids: list[int]) -> list[Any]:
    """Run (one) or run in parallel (several: :func:`framework.run_parallel`) with one bar
    over their items. The bar is drawn by this process's own calls (no refresh thread),
    so that the processes forked for the runs inherit no thread."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from mutuelle.web.jobs import framework

    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    ids = ", ".join(str(i) for i in run_ids)
    label = f"traitement n° {ids}" if len(run_ids) == 1 else f"traitements n° {ids} en parallèle"
    with Progress(*columns, auto_refresh=False) as bar:
        task = bar.add_task(label, total=None)

        def step(runs: Any) -> None:
            total = None if any(r.total is None for r in runs) else sum(r.total for r in runs)
            bar.update(task, total=total, completed=sum(r.done for r in runs))
            bar.refresh()

        return framework.run_parallel(run_ids, progress=step)


def merged(runs: list[Any]) -> dict[str, Any]:
    """The description of one run, or of runs that split one work (their counts summed)."""
    if len(runs) == 1:
        return _describe(runs[0])
    result: dict[str, Any] = {}
    for r in runs:
        for name, value in r.result.items():
            if isinstance(value, int):
                result[name] = int(result.get(name, 0)) + value
    statuses = {r.status for r in runs}
    return {
        "ids": [r.pk for r in runs],
        "kind": runs[0].kind,
        "status": statuses.pop() if len(statuses) == 1 else "mixed",
        "lanes": len(runs),
        "total": sum(r.total or 0 for r in runs),
        "done": sum(r.done for r in runs),
        "errors": sum(r.error_count for r in runs),
        "result": result,
        "attempts": max(r.attempts for r in runs),
        "runs": [_describe(r) for r in runs],
    }


def _print_summary(run: Any) -> None:
    print(
        f"Traitement n° {run.pk} ({run.kind}) : {run.get_status_display().lower()}, "
        f"{run.done}/{run.total} éléments, {run.error_count} en erreur."
    )
    for name, value in sorted(run.result.items()):
        print(f"  {name} : {value}")


def show(args: argparse.Namespace) -> int:
    _django.setup()
    from mutuelle.web.jobs.models import BatchRun

    found = BatchRun.objects.filter(pk=args.id).first()
    if found is None:
        return fail(f"traitement n° {args.id} inconnu", args.json)
    if args.json:
        print_json(_describe(found))
    else:
        _print_summary(found)
    return 0


def list_runs(args: argparse.Namespace) -> int:
    _django.setup()
    from mutuelle.web.jobs.models import BatchRun

    runs = list(BatchRun.objects.order_by("-created_at", "-id")[:30])
    if args.json:
        print_json([_describe(r) for r in runs])
    else:
        for r in runs:
            print(f"{r.pk:>5} {r.kind:20} {r.get_status_display():28} {r.done}/{r.total}")
    return 0
