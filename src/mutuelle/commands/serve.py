"""``mutuelle serve``: the back office on the embedded default, ready to try.

Applies the migrations, loads the demonstration population into an empty database, prints
where to log in and the demonstration account, then runs the development web server.

``mutuelle serve --prod``: the production server (gunicorn, static files by whitenoise) under
``settings.prod`` — see :mod:`mutuelle.commands._prod`. No demonstration data there, ever.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mutuelle.commands import _django


def register(sub: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="lancer le back office (base SQLite par défaut, données de démonstration)",
        description=(
            "Migre la base (SQLite dans ./var par défaut, ou DATABASE_URL), y charge la "
            "population de démonstration si elle est vide, puis lance le serveur web."
        ),
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--households", type=int, default=3000, help="foyers de démonstration")
    p.add_argument("--no-demo", action="store_true", help="ne pas charger de démonstration")
    p.add_argument(
        "--no-money",
        action="store_true",
        help="démonstration sans l'argent (ni appels, prélèvements ni soins réglés : plus rapide)",
    )
    p.add_argument(
        "--check", action="store_true", help="préparer la base et s'arrêter sans lancer le serveur"
    )
    p.add_argument(
        "--prod",
        action="store_true",
        help="serveur de production (gunicorn, settings.prod : secrets et hôtes de "
        "l'environnement, aucune donnée de démonstration)",
    )
    p.add_argument(
        "--workers", type=int, default=3, help="processus gunicorn (--prod ; 2 à 3 par cœur)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.prod:
        from mutuelle.commands import _prod

        return _prod.serve(args)
    _django.setup()
    from django.conf import settings

    if settings.MUTUELLE_PRODUCTION:
        print(
            "Réglages de production : utilisez « mutuelle serve --prod » (le serveur de "
            "développement et les données de démonstration y sont refusés).",
            file=sys.stderr,
        )
        return 2
    from django.core.management import call_command

    from mutuelle.web.members import demo, services
    from mutuelle.web.members.models import Adhesion

    print(f"Base de données : {_django.database_label()}")
    call_command("migrate", verbosity=0, interactive=False)
    print("Schéma à jour (migrations appliquées).")
    if not args.no_demo and not Adhesion.objects.exists():
        print(f"Chargement de {args.households} foyers de démonstration…")
        counts = demo.load_demo(
            services.offer_for(),
            households=args.households,
            progress=print,
            money=not args.no_money,
        )
        print("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    url = f"http://{args.host}:{args.port}"
    print()
    print(f"Back office (personnel de la Mutuelle) : {url}/gestion/")
    if not args.no_demo:
        print(f"  compte de démonstration : {demo.DEMO_USER} / mot de passe {demo.DEMO_PASSWORD}")
        print("  (sans code de double authentification : exemption du seul compte demo, en")
        print("  développement ; tout autre compte, et tout compte en production, saisit son code")
        print("  TOTP — mutuelle create-staff NOM --role accueil crée un compte et son QR code)")
        print("  à essayer : rechercher « Martin », ouvrir l'adhésion GR25-000001, ajouter un")
        print("  nouveau-né, demander une baisse de formule, enregistrer une résiliation.")
    if not args.no_demo:
        from mutuelle.web.reporting.demo import TOWN_PASSWORD, TOWN_USER

        print(f"Comité de pilotage (compte de la Ville) : {url}/ville/")
        print(f"  compte de démonstration : {TOWN_USER} / mot de passe {TOWN_PASSWORD}")
        print("  à essayer : ouvrir le dernier trimestre clos, y lire les cotisations, les")
        print("  dépenses par catégorie de soins et le P/C, télécharger le PDF pour la séance.")
    print(f"Site public : {url}/   API : {url}/api/docs")
    print("Arrêt : Ctrl-C.")
    sys.stdout.flush()
    if args.check:
        return 0
    from mutuelle.web.jobs import services as jobs

    if jobs.worker_available():
        print("Traitements par lots : lancer « mutuelle worker » à côté de ce serveur.")
    else:
        # SQLite default: this process runs the batch runs staff start (a background thread).
        jobs.start_background_runner()
        print("Traitements par lots : exécutés par ce serveur (arrière-plan).")
    # --insecure: serve the static files with DEBUG off (no debug page for visitors).
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, insecure_serving=True)
    return 0
