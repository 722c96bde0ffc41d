"""``mutuelle report --period 2025-Q1 [--json] [--csv F] [--xlsx F] [--pdf F] [--publish]``: the
steering committee's report of a closed period, as the town reads it (every small figure
suppressed with its complement): the published one when it exists, else a preview computed from
the database; ``--publish`` freezes it for the town."""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path
from typing import Any

from mutuelle.commands import _django
from mutuelle.commands._io import fail, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="rapport au comité de pilotage d'une période (indicateurs, P/C, engagements)",
        description=(
            "Les dix indicateurs de l'article 5 de la convention, le rapport P/C et la règle de "
            "révision, les engagements de l'article 4, pour un trimestre (2025-Q1), un semestre "
            "(2025-S1) ou une année (2025) terminés. Les cases de moins de 11 personnes sont "
            "masquées, ainsi que leur complément."
        ),
    )
    p.add_argument("--period", required=True, help="2025-Q1, 2025-S2 ou 2025")
    p.add_argument("--json", action="store_true", help="le rapport en JSON")
    p.add_argument("--csv", metavar="FICHIER", help="écrire l'export CSV (« ; », UTF-8)")
    p.add_argument("--xlsx", metavar="FICHIER", help="écrire l'export XLSX")
    p.add_argument("--pdf", metavar="FICHIER", help="écrire le rapport PDF pour la réunion")
    p.add_argument(
        "--publish", action="store_true", help="publier le rapport pour la Ville (définitif)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    _django.setup()
    from django.core.management import call_command

    from mutuelle.web.reporting import exports, services

    call_command("migrate", verbosity=0, interactive=False)
    try:
        if args.publish:
            services.publish(args.period)
        try:
            report = services.published(args.period)
        except services.NotAvailable:
            report = services.preview(args.period)
    except services.NotAvailable as exc:
        return fail(exc.message, args.json)
    for path, what, write in (
        (args.csv, "export CSV", lambda p: p.write_text(exports.to_csv(report), encoding="utf-8")),
        (args.xlsx, "export XLSX", lambda p: _xlsx(report, p)),
        (args.pdf, "rapport PDF", lambda p: p.write_bytes(services.report_pdf(report))),
    ):
        if not path:
            continue
        try:
            write(Path(path))
        except OSError as exc:
            why = _WHY.get(exc.errno or 0, exc.strerror or "erreur d'écriture")
            return fail(f"{what} : impossible d'écrire {path} ({why})", args.json)
        print(f"{what} : {path}", file=sys.stderr)
    if args.json:
        print_json(report.as_dict())
        return 0
    print(render_text(report))
    return 0


_WHY = {
    errno.ENOENT: "dossier introuvable",
    errno.EACCES: "accès refusé",
    errno.EISDIR: "c'est un dossier",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "système de fichiers en lecture seule",
}


def _xlsx(report: Any, path: Path) -> None:
    from mutuelle.web.reporting import exports

    with path.open("wb") as fh:
        exports.to_xlsx(report, fh)


def render_text(report: Any) -> str:
    out = [report.title]
    state = (
        f"publié le {report.published_on:%d/%m/%Y}"
        if report.published_on
        else "aperçu, non publié (--publish pour le publier)"
    )
    out.append(f"Du {report.start:%d/%m/%Y} au {report.end:%d/%m/%Y} — {state}")
    out.extend(report.notes)
    for s in report.sections:
        out.append("")
        out.append(f"{f'{s.number}. ' if s.number else ''}{s.title}")
        out.append(f"  [{s.source}]")
        if s.unavailable:
            out.append(f"  {s.unavailable}")
        for t in s.tables:
            out.append(f"  {t.title}")
            width = max([len(t.row_header), *(len(label) for label, _ in t.rows), 5])
            out.append(
                "    " + t.row_header.ljust(width) + "".join(f"  {c:>14}" for c in t.columns)
            )
            for label, cells in [*t.rows, *((t.total,) if t.total else ())]:
                out.append("    " + label.ljust(width) + "".join(f"  {c.text:>14}" for c in cells))
        for title, items in s.lists:
            out.append(f"  {title} :")
            out.extend(f"    - {i}" for i in items)
        for c in s.checks:
            mark = "EN RETARD" if c["state"] == "behind" else c["state_label"]
            out.append(f"  [{mark}] {c['commitment']} — {c['done']}")
        out.extend(f"  {n}" for n in s.notes)
    out.append("")
    out.extend(report.left)
    return "\n".join(out)
