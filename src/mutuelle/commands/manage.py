"""``mutuelle manage …``: Django's management commands (createsuperuser, migrate, shell…)."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands import _django


def register(sub: Any) -> None:
    p = sub.add_parser(
        "manage",
        help="commandes d'administration Django (createsuperuser, migrate…)",
        add_help=False,
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    _django.setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["mutuelle manage", *args.rest])
    return 0
