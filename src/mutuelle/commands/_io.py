"""Shared helpers of the commands: reading JSON input, printing JSON or errors."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from mutuelle import inputs


class InputError(Exception):
    """Input the command cannot process; printed as a clear message, exit status 2."""


def read_json(path: str) -> Any:
    """Decoded JSON from a file path, or ``-`` for stdin; :class:`InputError` otherwise, also
    for a document nested too deep or holding a date out of range (:mod:`mutuelle.inputs`)."""
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            p = Path(path)
            if not p.is_file():
                raise InputError(f"fichier introuvable : {path}")
            text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} : le fichier n'est pas du texte UTF-8") from None
    except OSError as exc:
        raise InputError(f"{path} : lecture impossible ({exc.strerror})") from None
    try:
        return inputs.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path} : JSON invalide ligne {exc.lineno}, colonne {exc.colno} ({exc.msg})"
        ) from None
    except inputs.InputBoundsError as exc:
        raise InputError(f"{path} : {exc}") from None


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def fail(message: str, as_json: bool, **extra: Any) -> int:
    """Report an error the user can act on; returns exit status 2."""
    if as_json:
        print_json({"error": message, **extra})
    else:
        print(f"erreur : {message}", file=sys.stderr)
    return 2


def add_sepa_file_arguments(parser: Any, date_help: str) -> None:
    """The arguments of a command that writes one SEPA file for a date (``collect``,
    ``bill-refunds``, ``pay``): ``--date``, ``--out``, ``--json``."""
    parser.add_argument("--date", required=True, help=date_help)
    parser.add_argument("--out", required=True, metavar="FICHIER.xml")
    parser.add_argument("--json", action="store_true")


def sepa_file_target(args: Any) -> tuple[dt.date, Path] | str:
    """The date and the output file of such a command, or the message saying what is wrong."""
    try:
        on = dt.date.fromisoformat(args.date)
    except ValueError:
        return f"--date {args.date} : date illisible (AAAA-MM-JJ)"
    out = Path(args.out)
    if not out.parent.is_dir():
        return f"--out : le dossier {out.parent} n'existe pas"
    return on, out


def sepa_failure(exc: Any, as_json: bool) -> int:
    """A SEPA file refused (``mutuelle.sepa.SepaError``): its message and each problem."""
    details = [str(d) for d in exc.details]
    if as_json:
        print_json({"error": exc.message, "problems": details})
        return 2
    return fail("\n".join([exc.message, *(f"  - {d}" for d in details)]), False)
