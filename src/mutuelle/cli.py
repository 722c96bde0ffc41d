"""The single entry point ``mutuelle``: one sub-command per module of ``mutuelle.commands``.

Exit status: 0 success; 2 input that cannot be processed (malformed file, refusal of the whole
request) with a clear message — ``{"error": "…"}`` on stdout with ``--json`` — never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Each name is a module of mutuelle.commands (dashes as underscores) exposing ``register``.
COMMANDS: tuple[str, ...] = (
    "quote",
    "offer",
    "demo",
    "benefits",
    "reimburse",
    "css",
    "serve",
    "demo-data",
    "manage",
    "screenshots",
    "batch",
    "worker",
    "bank-returns",
    "report",
    "revise",
    "create-staff",
    "purge",
    "export-person",
    "erase-person",
    "rotate-keys",
    "bill",
    "collect",
    "unpaid",
    "reconcile",
    "bill-refunds",
    "bill-documents",
    "ingest",
    "pay",
    "decompte",
    "demo-claims",
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every sub-command, or of ``only`` (a known command name): importing one
    command's module instead of all of them keeps ``mutuelle quote`` quick to start
    (``bench/startup.py``)."""
    parser = argparse.ArgumentParser(
        prog="mutuelle",
        description="Mutuelle communale : devis, prestations, adhésions (offre en données).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"mutuelle.commands.{name.replace('-', '_')}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from mutuelle.commands import _passthrough

    raw = list(sys.argv[1:] if argv is None else argv)
    first = raw[0] if raw else None
    parser = build_parser(first if first in COMMANDS else None)
    if first in _passthrough.REGISTRY:  # Django management commands: arguments untouched
        return _passthrough.run_raw(first, raw[1:])
    args = parser.parse_args(raw)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrompu", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
