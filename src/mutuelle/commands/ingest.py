"""``mutuelle ingest FILE [--dry-run] [--json] [--lines-out FILE.csv]``: settle a claim file."""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail, print_json
from mutuelle.money import format_euros

LANES_FROM = 20_000  # lines: below, one process (forking costs more than it saves)
MAX_LANES = 8


def register(sub: Any) -> None:
    p = sub.add_parser(
        "ingest",
        help="recevoir un fichier de lignes de soins (AMO, factures) et les régler",
        description=(
            "Lit le fichier ligne à ligne (CSV « ; » avec en-tête, ou JSON Lines : "
            "docs/claims-format.md), règle chaque ligne valable, écrit les lignes rejetées "
            "(motif et champ) dans FICHIER.rejets.csv et affiche le bilan. Une ligne déjà reçue "
            "(même source, émetteur et line_id) ne règle rien de nouveau ; après un arrêt, "
            "relancer la même commande reprend où le fichier s'était arrêté."
        ),
    )
    p.add_argument("file", metavar="FICHIER")
    p.add_argument("--dry-run", action="store_true", help="tout vérifier et régler sans écrire")
    p.add_argument("--json", action="store_true", help="bilan en JSON")
    p.add_argument("--lines-out", metavar="LIGNES.csv", help="le sort de chaque ligne (CSV)")
    p.add_argument(
        "--rejects", metavar="REJETS.csv", help="rapport des rejets (défaut : FICHIER.rejets.csv)"
    )
    p.add_argument(
        "--lanes",
        type=int,
        help="processus en parallèle, chacun les lignes d'une part des adhésions (par défaut : "
        f"2 sous PostgreSQL sur une machine d'au moins 2 cœurs pour un fichier de plus de "
        f"{LANES_FROM} lignes, sinon 1 ; un fichier repris garde ses voies)",
    )
    p.add_argument("--chunk", type=int, default=5000, help=argparse.SUPPRESS)
    p.add_argument("--chunk-delay-ms", type=int, default=0, help=argparse.SUPPRESS)  # kill tests
    p.add_argument("--no-progress", action="store_true", help="sans barre de progression")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        return fail(f"fichier introuvable : {args.file}", args.json)
    _django.setup()
    from django.db import connection

    from mutuelle.web.claims import services

    facts = services.file_facts(path)
    wanted = (
        1
        if args.dry_run
        else (args.lanes if args.lanes is not None else default_lanes(facts.lines))
    )
    if not 1 <= wanted <= MAX_LANES:
        return fail(f"--lanes : entre 1 et {MAX_LANES}", args.json)
    if wanted > 1 and connection.vendor != "postgresql":
        return fail(
            "plusieurs voies en parallèle demandent PostgreSQL (SQLite n'écrit qu'une "
            "transaction à la fois) : --lanes 1",
            args.json,
        )
    file, done = services.open_file(path, dry_run=args.dry_run, lanes=wanted, facts=facts)
    if done and file is not None:
        summary = {"file": path.name, "already_done": True, **_zero(file.counts), "new": 0}
        summary["duplicates"] = summary["read"]
        if args.json:
            print_json(summary)
        else:
            print(
                f"Fichier déjà reçu en entier ({file.counts.get('read', 0)} lignes) : "
                "rien de nouveau n'est réglé."
            )
        return 0
    rejects_path = Path(args.rejects) if args.rejects else path.with_suffix(".rejets.csv")
    show = not args.no_progress and not args.json and sys.stderr.isatty()
    if file is not None and not args.dry_run and file.lanes > 1:
        if connection.vendor != "postgresql":
            return fail(
                "ce fichier a été commencé en plusieurs voies : PostgreSQL requis", args.json
            )
        return _in_lanes(args, path, file, facts.lines, rejects_path, show)
    after = file.lines_done if file is not None and not args.dry_run else 0
    ingest = services.Ingest(dry_run=args.dry_run)
    total = path.stat().st_size
    lines_out = open(args.lines_out, "w", newline="", encoding="utf-8") if args.lines_out else None  # noqa: SIM115
    rejects = open(rejects_path, "a" if after else "w", newline="", encoding="utf-8")  # noqa: SIM115
    try:
        out_w = csv.writer(lines_out, delimiter=";") if lines_out else None
        if out_w:
            out_w.writerow(["line_no", "line_id", "status", "mutuelle_cents", "reason"])
        rej_w = csv.writer(rejects, delimiter=";")
        if not after:
            rej_w.writerow(["line_no", "line_id", "field", "reason"])
        with path.open(encoding="utf-8-sig", newline="") as f, services.tuned_collector():
            progress = _Bar(total, show)
            try:
                for chunk in services.chunks(f, args.chunk, after=after):
                    for o in ingest.process(chunk, None if args.dry_run else file):
                        if out_w:
                            out_w.writerow(
                                [o.line_no, o.line_id, o.status, o.mutuelle_cents, o.reason]
                            )
                        if o.status == "rejected":
                            rej_w.writerow([o.line_no, o.line_id, o.field, o.reason])
                    if show:
                        progress.update(_tell(f))
                    if args.chunk_delay_ms:
                        time.sleep(args.chunk_delay_ms / 1000)
            finally:
                progress.close()
    finally:
        if lines_out:
            lines_out.close()
        rejects.close()
    if file is not None and not args.dry_run:
        services.finish(file)
        counts = file.counts
    else:
        counts = ingest.counts.as_dict()
    return _summary(args, path, after, counts, rejects_path)


def default_lanes(lines: int) -> int:
    """Two processes on PostgreSQL when the machine has two cores and the file is large (the
    ingestion's Python and the server's work then share both), else one."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql" or connection.in_atomic_block or lines < LANES_FROM:
        return 1  # (in an open transaction, other processes would not see its rows)
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def _in_lanes(
    args: argparse.Namespace, path: Path, file: Any, lines: int, rejects: Path, show: bool
) -> int:
    from mutuelle.web.claims import parallel, services

    after = min(r.lines_done for r in services.lane_rows(file))
    lines_out = Path(args.lines_out) if args.lines_out else None
    bar = _Bar(lines, show, f"lignes de soins ({file.lanes} voies)")
    try:
        parallel.run_lanes(
            path,
            file,
            chunk=args.chunk,
            rejects=rejects,
            lines_out=lines_out,
            progress=bar.update,
            delay_ms=args.chunk_delay_ms,
        )
        bar.update(lines)  # every lane at the end of the file
    except parallel.LanesFailed as exc:
        return fail(str(exc), args.json)
    finally:
        bar.close()
    services.finish(file)
    parallel.cleanup(file, rejects, lines_out)
    return _summary(args, path, after, file.counts, rejects, lanes=file.lanes)


def _summary(
    args: argparse.Namespace,
    path: Path,
    after: int,
    counts: dict[str, Any],
    rejects_path: Path,
    lanes: int = 1,
) -> int:
    summary = {
        "file": path.name,
        "dry_run": args.dry_run,
        "resumed_after_line": after,
        **_zero(counts),
        "rejects_file": str(rejects_path),
        "lanes": lanes,
    }
    if args.json:
        print_json(summary)
        return 0
    if lanes > 1:
        print(f"({lanes} voies en parallèle)")
    print(("Essai à blanc (rien n'est écrit) — " if args.dry_run else "") + f"fichier {path.name}")
    if after:
        print(f"  reprise après la ligne {after}")
    print(f"  lignes lues : {summary['read']}")
    print(f"  réglées : {summary['settled']}")
    print(f"  rejetées : {summary['rejected']} (rapport : {rejects_path})")
    if summary["rejected"] and not args.dry_run:
        print("    à corriger et renvoyer dans le back-office : /gestion/prestations/rejets/")
    print(f"  déjà reçues : {summary['duplicates']}")
    if summary["revised"] or summary["cancelled"]:
        print(f"  règlements revus : {summary['revised']}, annulés : {summary['cancelled']}")
    print(f"  à payer : {format_euros(summary['to_pay_cents'])}")
    return 0


def _zero(counts: dict[str, Any]) -> dict[str, int]:
    keys = ("read", "settled", "rejected", "duplicates", "revised", "cancelled", "to_pay_cents")
    return {k: int(counts.get(k, 0)) for k in keys}


def _tell(f: Any) -> int:
    try:
        return int(f.buffer.tell())
    except (AttributeError, OSError):
        return 0


class _Bar:
    """A rich progress bar over the file's bytes (nothing when not on a terminal)."""

    def __init__(self, total: int, show: bool, label: str = "lignes de soins") -> None:
        self.progress: Any = None
        if show:
            from rich.progress import BarColumn, Progress, TimeRemainingColumn

            self.progress = Progress(
                "[progress.description]{task.description}", BarColumn(), TimeRemainingColumn()
            )
            self.progress.start()
            self.task = self.progress.add_task(label, total=total)

    def update(self, done: int) -> None:
        if self.progress is not None:
            self.progress.update(self.task, completed=done)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
