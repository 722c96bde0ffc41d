"""``mutuelle serve --prod``: the production server.

Under ``mutuelle.web.settings.prod`` (secrets, hosts, keys and the database from the
environment; it refuses to start without them): runs the system checks with ``--deploy``
(any error stops the start), applies the migrations, refuses a database holding the
demonstration account, collects the static files (hashed and compressed, served by whitenoise),
then
runs gunicorn (sync workers) on ``--host``/``--port``. The reverse proxy in front terminates
HTTPS and sets ``X-Forwarded-Proto`` and ``X-Forwarded-For`` (``MUTUELLE_TRUSTED_PROXIES``).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any


def _setup() -> str | None:
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get(
        "MUTUELLE_PROD_SETTINGS", "mutuelle.web.settings.prod"
    )
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        return str(exc)
    return None


def prepare(verbose: bool = True) -> int:
    """Checks, migrations, static files; 0 when the server may start."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from mutuelle.web.members import demo

    say = print if verbose else (lambda *a, **k: None)
    try:
        call_command("check", deploy=True, fail_level="WARNING")
    except SystemCheckError as exc:
        print(f"Vérifications de production en échec :\n{exc}", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0, interactive=False)
    say("Schéma à jour (migrations appliquées).")
    if get_user_model().objects.filter(username=demo.DEMO_USER).exists():
        print(
            f"Le compte de démonstration « {demo.DEMO_USER} » existe dans cette base : "
            "supprimez-le (ou utilisez une base neuve) avant de servir en production.",
            file=sys.stderr,
        )
        return 2
    call_command("collectstatic", verbosity=0, interactive=False)
    say("Fichiers statiques prêts (whitenoise).")
    return 0


class _Gunicorn:
    """gunicorn's documented custom application (gunicorn.app.base.BaseApplication)."""

    @staticmethod
    def run(options: dict[str, Any]) -> None:
        from gunicorn.app.base import BaseApplication

        class App(BaseApplication):  # type: ignore[misc]
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                from mutuelle.web.wsgi import application

                return application

        App().run()


def serve(args: argparse.Namespace) -> int:
    problem = _setup()
    if problem:
        print(f"Production impossible : {problem}", file=sys.stderr)
        return 2
    from mutuelle.commands import _django

    print(f"Base de données : {_django.database_label()}")
    status = prepare()
    if status or args.check:
        return status
    print(f"Serveur de production (gunicorn, {args.workers} processus) : {args.host}:{args.port}")
    print("Santé : /sante/   Back office : /gestion/ (mot de passe + code TOTP)")
    sys.stdout.flush()
    _Gunicorn.run(
        {
            "bind": f"{args.host}:{args.port}",
            "workers": args.workers,
            "worker_class": "sync",
            "timeout": 60,
            "graceful_timeout": 20,
            "max_requests": 5000,
            "max_requests_jitter": 500,
            "accesslog": "-",
            "errorlog": "-",
            "forwarded_allow_ips": ",".join(_trusted()) or "127.0.0.1",
        }
    )
    return 0


def _trusted() -> list[str]:
    from django.conf import settings

    return list(settings.MUTUELLE_TRUSTED_PROXIES)
