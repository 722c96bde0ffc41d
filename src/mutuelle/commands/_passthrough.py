"""CLI sub-commands that are Django management commands of the security app: the arguments go
through unchanged (``mutuelle purge --help`` shows them)."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands import _django

# name → (management command, fixed arguments): ``mutuelle.cli`` hands these every argument
# after the name untouched (argparse would take ``--dry-run`` as its own).
REGISTRY: dict[str, tuple[str, tuple[str, ...]]] = {}


def register_passthrough(
    sub: Any, name: str, command: str, help_text: str, fixed: tuple[str, ...] = ()
) -> None:
    REGISTRY[name] = (command, fixed)
    p = sub.add_parser(name, help=help_text, add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=lambda args: _run(command, args, fixed))


def run_raw(name: str, rest: list[str]) -> int:
    command, fixed = REGISTRY[name]
    return _run(command, argparse.Namespace(rest=rest), fixed)


def _run(command: str, args: argparse.Namespace, fixed: tuple[str, ...] = ()) -> int:
    _django.setup()
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["mutuelle", command, *fixed, *args.rest])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
