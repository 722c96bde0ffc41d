"""``mutuelle css HOUSEHOLD.json [--json]``: CSS screening, for staff at a permanence."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands._io import InputError, fail, print_json, read_json
from mutuelle.css import (
    HOUSING_LABELS,
    CssParametersError,
    CssParametersUnavailable,
    CssResult,
    InvalidCssHousehold,
    load_parameters,
    parse_css_household,
    result_to_dict,
    screen,
)
from mutuelle.money import format_euros


def register(sub: Any) -> None:
    p = sub.add_parser(
        "css",
        help="repérage de la Complémentaire santé solidaire (CSS) pour un foyer",
        description=(
            "Repère si un foyer peut probablement bénéficier de la Complémentaire santé "
            "solidaire, gratuite ou avec participation, avec les chiffres utilisés et où faire "
            'la demande. HOUSEHOLD.json : {"date": "AAAA-MM-JJ", "members": [{"role": '
            '"adherent|spouse|child", "birth_date": "AAAA-MM-JJ"}, …], "resources_cents": '
            '950000, "housing": "tenant|tenant_with_housing_aid|owner|housed_free"} '
            "(« - » lit l'entrée standard)."
        ),
    )
    p.add_argument("household", metavar="HOUSEHOLD.json")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        household = parse_css_household(read_json(args.household))
        params = load_parameters(household.date)
        result = screen(params, household)
    except (InputError, InvalidCssHousehold) as exc:
        return fail(str(exc), args.json)
    except CssParametersUnavailable as exc:
        return fail(str(exc), args.json, source="docs/interpretations.md G-30")
    except CssParametersError as exc:  # a broken install or override file: the operator's
        return fail(f"paramètres CSS inutilisables : {exc}", args.json)
    if args.json:
        print_json(result_to_dict(result))
    else:
        print(render_text(result))
    return 0


def render_text(r: CssResult) -> str:
    size = f"{r.household_size} personne{'s' if r.household_size > 1 else ''}"
    out = [
        f"Repérage Complémentaire santé solidaire (CSS) au {r.date:%d/%m/%Y} — foyer de {size}",
        "",
        f"Résultat : {r.label[0].upper()}{r.label[1:]}.",
    ]
    if r.verdict == "with_participation":
        out.append(
            f"Participation estimée : {format_euros(r.monthly_participation_cents)} par mois "
            "pour le foyer."
        )
    elif r.verdict == "free":
        out.append("Sans participation : la CSS ne coûterait rien au foyer.")
    out += [
        "",
        "Chiffres utilisés",
        f"  Ressources des 12 mois ({r.resources_period[0]:%m/%Y} à "
        f"{r.resources_period[1]:%m/%Y}) : {format_euros(r.resources_cents)}",
        f"  Logement : {HOUSING_LABELS[r.housing]} — forfait logement ajouté : "
        f"{format_euros(r.housing_flat_amount_cents)}",
        f"  Ressources comparées aux plafonds : {format_euros(r.compared_resources_cents)}",
        f"  Plafond CSS sans participation : {format_euros(r.ceiling_free_cents)} par an",
        f"  Plafond CSS avec participation : {format_euros(r.ceiling_participation_cents)} par an",
        f"  Barème en vigueur du {r.parameters_since:%d/%m/%Y}, valable jusqu'au "
        f"{r.parameters_valid_on:%d/%m/%Y} (openfisca-france "
        f"{r.parameters.openfisca_version} et surcharge locale datée)",
        "",
        "Personnes",
    ]
    for ms in r.members:
        line = f"  {ms.member.label}, {ms.age} ans : {ms.reason}"
        if ms.counted and r.verdict == "with_participation":
            line += f" — {format_euros(ms.monthly_participation_cents)} par mois"
        out.append(line)
    if r.warnings:
        out.append("")
        out.extend(f"ATTENTION : {w}" for w in r.warnings)
    out += ["", "Où faire la demande" if r.verdict != "not_eligible" else "Pour vérifier"]
    out.extend(f"  • {o.label} : {o.detail}" for o in r.where_to_apply)
    out += ["", "À noter"]
    out.extend(f"  • {n}" for n in r.notes)
    out += ["", "Détail des règles appliquées"]
    for s in r.steps:
        out.append(f"  • {s.rule}")
        out.append(f"    [{s.source}]")
    return "\n".join(out)
