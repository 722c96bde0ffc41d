"""``mutuelle screenshots --out DIR``: every public page at phone (390×844) and desktop
(1280×900) widths, with filled results (simulator, CSS, advice, request), as PNG files.

It starts the application itself on a fresh SQLite database in a temporary folder (migrations,
no demonstration data) unless ``--base-url`` names a running one, and drives Debian's Chromium
(``/usr/bin/chromium``, or ``MUTUELLE_CHROMIUM``) with Playwright — no browser download.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SIZES = {"telephone": (390, 844), "ordinateur": (1280, 900)}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "screenshots",
        help="captures d'écran des pages publiques (téléphone et ordinateur)",
        description="Capture chaque page publique, résultats compris, en largeur téléphone et "
        "ordinateur, dans DIR (PNG). Démarre l'application sur une base temporaire, sauf "
        "--base-url.",
    )
    p.add_argument("--out", required=True, type=Path, help="dossier des images")
    p.add_argument("--base-url", help="application déjà lancée (ex. http://127.0.0.1:8000)")
    p.set_defaults(func=run)


def _serve() -> tuple[str, Any]:
    """The app on a free local port, in this process (threaded WSGI server)."""
    os.environ.setdefault("MUTUELLE_DATA_DIR", tempfile.mkdtemp(prefix="mutuelle-captures-"))
    from mutuelle.commands import _django

    _django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0, interactive=False)

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    httpd.set_app(StaticFilesHandler(get_wsgi_application()))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd


def _journey(page: Any, shot: Any) -> None:
    """The pages a visitor sees, in order: empty forms, errors, results."""
    page.goto("/")
    shot("01-accueil")
    page.goto("/simulateur/")
    shot("02-simulateur")
    page.get_by_role("button", name="Voir les cotisations").click()
    shot("03-simulateur-erreurs")
    page.get_by_label("Votre date de naissance").fill("15/06/1985")
    page.get_by_label("Date de naissance de votre conjoint-e").fill("10/09/1986")
    for birth in ("02/03/2012", "20/11/2016", "05/10/2026"):
        page.get_by_role("button", name="Ajouter un enfant").click()
        n = page.locator(".child-row").count()
        page.get_by_label(f"Date de naissance de l'enfant n° {n}").fill(birth)
    page.get_by_label("Ressources de votre foyer").fill("30000")
    page.get_by_role("button", name="Voir les cotisations").click()
    page.wait_for_selector("#resultats")
    shot("04-simulateur-resultat-famille")
    page.goto("/complementaire-sante-solidaire/")
    page.get_by_label("Ressources de votre foyer").fill("20000")
    page.get_by_role("button", name="Vérifier").click()
    page.wait_for_selector("#resultats")
    shot("05-css-resultat")
    page.goto("/conseil/")
    page.wait_for_selector("#besoins")
    shot("06-conseil-besoins")
    page.get_by_label("Nouvelles lunettes à verres progressifs").first.fill("1")
    page.get_by_label("Séances d'ostéopathe").first.fill("5")
    page.get_by_label("Couronnes dentaires à tarif libre").first.fill("1")
    page.get_by_role("button", name="Comparer le coût total").click()
    page.wait_for_selector("#resultats")
    shot("07-conseil-resultat")
    page.goto("/adherer/")
    shot("08-adhesion-formulaire")
    page.get_by_role("button", name="Envoyer ma demande").click()
    shot("09-adhesion-erreurs")
    _file_request(page)
    page.wait_for_selector("#lien-prive")
    shot("10-demande-enregistree")
    page.goto("/permanences/")
    shot("11-permanences")
    page.goto("/api/docs")
    page.wait_for_timeout(500)
    shot("12-api-docs")
    _other_visitors(page, shot)


def _other_visitors(page: Any, shot: Any) -> None:
    """The visitors of issue 9 whose answers differ: a widower of 81 (formulas he cannot join,
    what they would reimburse for his hearing aids), a late-entry agent (the surcharge), a
    self-employed family (the TNS formulas)."""
    import datetime as dt

    year = dt.date.today().year
    page.goto("/simulateur/")
    page.get_by_label("Votre date de naissance").fill(f"02/02/{year - 80}")
    page.get_by_label("Date de naissance de votre conjoint-e").fill("")
    for _ in range(page.locator(".child-row").count()):
        page.get_by_role("button", name=re.compile("Retirer l'enfant")).first.click()
    page.get_by_label("Ressources de votre foyer").fill("")
    page.get_by_role("button", name="Voir les cotisations").click()
    page.wait_for_selector("#resultats")
    shot("13-simulateur-81-ans")
    page.get_by_role("link", name="Comparer selon mes soins").click()
    page.wait_for_selector("#besoins")
    page.get_by_label("Aides auditives à tarif libre (une par oreille)").fill("2")
    page.get_by_role("button", name="Comparer le coût total").click()
    page.wait_for_selector("#resultats")
    shot("14-conseil-81-ans")
    page.goto("/simulateur/")
    page.get_by_label("Agent-e de la Ville de Grenoble ou du CCAS").check()
    page.get_by_label("Votre date de naissance").fill("10/03/1975")
    page.get_by_label("Date d'entrée dans la fonction publique").fill("01/09/2019")
    page.get_by_role("button", name="Voir les cotisations").click()
    page.wait_for_selector("#resultats")
    shot("15-simulateur-agente-majoration")
    page.goto("/adherer/")
    page.get_by_label("Travailleur-euse non salarié-e à Grenoble").check()
    shot("16-adhesion-formules-tns")


def _file_request(page: Any) -> None:
    """The request form filled for the household of the journey (two adults, three children,
    kept from the simulator), then sent: the request's page, its private link and its PDF."""
    page.goto("/adherer/?formule=Belledonne&situation=residents")
    page.get_by_role("checkbox", name="J'habite à Grenoble").check()
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_label("Prénom", exact=True).fill("Claire")
    page.get_by_label("Date de naissance", exact=True).fill("15/06/1985")
    page.get_by_label("Adresse électronique").fill("claire.martin@example.org")
    page.get_by_label("Adresse", exact=True).fill("12 rue des Alpes")
    page.get_by_label("Code postal").fill("38000")
    page.get_by_label("Commune").fill("Grenoble")
    page.get_by_label("Nom du ou de la conjoint-e (facultatif)", exact=True).fill("Martin")
    page.get_by_label("Prénom du ou de la conjoint-e (facultatif)", exact=True).fill("Karim")
    for n in range(1, page.locator(".child-row").count() + 1):
        page.get_by_label(f"Prénom de l'enfant n° {n}", exact=True).fill(f"Enfant{n}")
        page.get_by_label(f"Nom de l'enfant n° {n}", exact=True).fill("Martin")
    page.get_by_label("IBAN de votre compte").fill("FR76 3000 6000 0112 3456 7890 189")
    page.get_by_label("Titulaire du compte").fill("Claire Martin")
    for label in ("Je certifie", "Je sais que le règlement", "J'accepte que la Mutuelle"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Envoyer ma demande").click()


def run(args: argparse.Namespace) -> int:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("Playwright manque : pip install -e '.[test]'", file=sys.stderr)
        return 2
    chromium = os.environ.get("MUTUELLE_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        print(f"Chromium introuvable ({chromium}) : apt-get install chromium", file=sys.stderr)
        return 2
    base, server = (args.base_url, None) if args.base_url else _serve()
    args.out.mkdir(parents=True, exist_ok=True)
    written = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for label, (w, h) in SIZES.items():
            context = browser.new_context(
                viewport={"width": w, "height": h}, locale="fr-FR", base_url=base
            )
            page = context.new_page()

            def shot(name: str, label: str = label, page: Any = page) -> None:
                nonlocal written
                path = args.out / f"{name}-{label}.png"
                page.screenshot(path=str(path), full_page=True)
                written += 1

            _journey(page, shot)
            context.close()
        browser.close()
    if server is not None:
        server.shutdown()
    print(f"{written} captures dans {args.out}")
    return 0
