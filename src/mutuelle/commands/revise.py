"""``mutuelle revise``: the steering committee's tariff decision becomes next year's offer folder.

    mutuelle revise --from grenoble-2025 --pc-bp 11240 --rate-bp 660 \\
        --decision "COPIL du 20/11/2026" --year 2027 --out offres/

checks the decision against convention art. 2.2 (and the law of the year: LFSS 2026 art. 13),
writes ``offres/grenoble-2027/`` (every tariff cell = the previous one × 1,066, rounded to the
cent, the previous value, the decision and the rule beside it), then loads it back with the
offer loader, which checks every cell again. Nothing is written when any of it fails. The quote
engine prices the new folder once ``MUTUELLE_OFFERS_PATH`` names ``offres/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from mutuelle.commands._io import fail, print_json
from mutuelle.money import format_rate
from mutuelle.offers import load_offer
from mutuelle.offers.loader import OfferInvalid, OfferNotFound, available_offers
from mutuelle.reporting.revision import (
    RevisionRefused,
    check_decision,
    derive_folder,
    next_offer_id,
    revision_rule,
    revision_step,
)
from mutuelle.reporting.rules import load_steering


def register(sub: Any) -> None:
    p = sub.add_parser(
        "revise",
        help="produire les grilles tarifaires de l'année suivante (décision du comité de pilotage)",
        description=(
            "Vérifie une revalorisation décidée en comité de pilotage au regard de la "
            "convention (art. 2.2 : aucune hausse jusqu'à un P/C de 110 %, plafonds au-delà) "
            "et de la loi (gel 2026), puis écrit le nouveau dossier d'offre daté."
        ),
    )
    p.add_argument("--from", dest="base", required=True, help="offre de départ (ex. grenoble-2025)")
    p.add_argument(
        "--pc-bp",
        type=int,
        required=True,
        help="P/C annuel retenu par le comité, en points de base (112,40 %% = 11240)",
    )
    p.add_argument(
        "--rate-bp",
        type=int,
        required=True,
        help="évolution des tarifs décidée, en points de base (6,60 %% = 660 ; 0 = inchangés)",
    )
    p.add_argument("--decision", required=True, help="la décision (ex. « COPIL du 20/11/2026 »)")
    p.add_argument("--year", type=int, help="année des nouveaux tarifs (défaut : l'année suivante)")
    p.add_argument(
        "--id", dest="new_id", help="identifiant du nouveau dossier (défaut : ville-AAAA)"
    )
    p.add_argument("--out", required=True, help="dossier où écrire le nouveau dossier d'offre")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=run)


def read_folder(folder: Path) -> dict[str, Any]:
    """Every YAML file of an offer folder, parsed, by its path inside the folder."""
    out: dict[str, Any] = {}
    for path in sorted(folder.rglob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            out[path.relative_to(folder).as_posix()] = yaml.safe_load(fh)
    return out


def write_folder(files: dict[str, Any], folder: Path, header: str) -> None:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=None
        )
        path.write_text(header + text, encoding="utf-8")


def _check(folder_parent: Path, new_id: str) -> None:
    """Load the written folder through the offer loader (every cell checked again)."""
    old = os.environ.get("MUTUELLE_OFFERS_PATH")
    os.environ["MUTUELLE_OFFERS_PATH"] = str(folder_parent)
    load_offer.cache_clear()
    load_steering.cache_clear()
    try:
        load_offer(new_id)
        load_steering(new_id)
    finally:
        if old is None:
            os.environ.pop("MUTUELLE_OFFERS_PATH", None)
        else:
            os.environ["MUTUELLE_OFFERS_PATH"] = old
        load_offer.cache_clear()
        load_steering.cache_clear()


def run(args: argparse.Namespace) -> int:
    try:
        base = load_offer(args.base)
        rules = load_steering(args.base)
    except (OfferNotFound, OfferInvalid) as exc:
        return fail(str(exc), args.json)
    year = args.year or base.valid_to.year + 1
    if year <= base.valid_from.year:
        return fail(f"l'année {year} n'est pas postérieure à celle de {base.id}", args.json)
    new_id = args.new_id or next_offer_id(base.id, year)
    if new_id in available_offers():
        return fail(f"une offre {new_id!r} existe déjà", args.json)
    out_parent = Path(args.out)
    target = out_parent / new_id
    if target.exists():
        return fail(f"{target} existe déjà : rien n'est écrasé", args.json)
    answer = revision_rule(rules.revision, rules.citation, Fraction(args.pc_bp, 10_000), year - 1)
    try:
        decision = check_decision(answer, args.rate_bp, args.decision)
    except RevisionRefused as exc:
        return fail(exc.message, args.json, source=exc.source)
    rule = answer.cite
    files = derive_folder(read_folder(available_offers()[base.id]), decision, new_id, rule.staff())
    header = (
        f"# Dérivé de {base.id} par « mutuelle revise » le {dt.date.today():%d/%m/%Y} : "
        f"décision « {decision.text} », tarifs {format_rate(decision.rate_bp)} au "
        f"01/01/{year} ({rule}).\n# Ne pas modifier à la main : le chargeur vérifie chaque "
        "case (ancienne valeur × taux, arrondi au centime, docs/interpretations.md I-141).\n"
    )
    out_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_parent, prefix=".revise-") as tmp:
        staged = Path(tmp) / new_id
        write_folder(files, staged, header)
        try:
            _check(Path(tmp), new_id)
        except (OfferInvalid, OfferNotFound) as exc:
            return fail(f"le dossier produit ne se charge pas : {exc}", args.json)
        shutil.move(str(staged), str(target))
    steps = [*decision.steps, revision_step(rule, decision)]
    result = {
        "offer": new_id,
        "folder": str(target),
        "from": base.id,
        "year": year,
        "rate_bp": decision.rate_bp,
        "decision": decision.text,
        "pc": answer.ratio_text,
        "convention": answer.convention,
        "freeze": answer.freeze.text if answer.freeze else None,
        "steps": [{"rule": s.rule, "source": s.source} for s in steps],
        "use": f"MUTUELLE_OFFERS_PATH={out_parent} mutuelle quote FOYER.json",
    }
    if args.json:
        print_json(result)
        return 0
    print(f"Nouveau dossier d'offre : {target}")
    for s in steps:
        print(f"  - {s.rule}\n    ({s.source})")
    print(f'Pour l\'utiliser : {result["use"]} (avec "offer": "{new_id}")')
    return 0
