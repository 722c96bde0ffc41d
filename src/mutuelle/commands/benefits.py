"""``mutuelle benefits [--range R] [--offer O] [--json]``: the benefit codes of the tables."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.benefits import PlanError, compile_plan
from mutuelle.benefits.plan import Plan, category_label
from mutuelle.commands._io import fail, print_json
from mutuelle.offers import latest_offer_id, load_offer
from mutuelle.offers.loader import OfferInvalid, OfferNotFound
from mutuelle.offers.reference import ReferenceInvalid

_WHEN_LABELS = {
    ("dptam", True): "praticien adhérent au DPTAM (dptam: true)",
    ("dptam", False): "praticien non adhérent au DPTAM (dptam: false, ou non précisé)",
    ("basket", "100_sante"): "100 % Santé (basket: 100_sante)",
    ("basket", "libre"): "tarifs libres (basket: libre)",
}


def register(sub: Any) -> None:
    p = sub.add_parser(
        "benefits",
        help="lister les codes de prestation, leur ligne de garantie et sa source",
        description=(
            "Liste les codes de prestation utilisables dans mutuelle reimburse, avec la ligne du "
            "tableau de garanties qu'ils règlent, sa catégorie, ses valeurs par formule et sa "
            "source. Sans --range : toutes les gammes."
        ),
    )
    p.add_argument("--range", choices=("residents", "students", "agents", "tns"))
    p.add_argument("--offer", help="identifiant d'offre (par défaut la plus récente)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=run)


def _range_data(plan: Plan) -> dict[str, Any]:
    benefits = []
    for code, choices in plan.codes.items():
        lines = []
        for ch in choices:
            first = next(iter(ch.by_formula.values()))
            when: dict[str, Any] = {}
            if ch.dptam is not None:
                when["dptam"] = ch.dptam
            if ch.basket is not None:
                when["basket"] = ch.basket
            if ch.lens_category is not None:
                when["lens_category"] = ch.lens_category
            src = first.source.split(", formule ")[0]
            lines.append(
                {
                    "label": first.label,
                    "section": first.section,
                    "when": when,
                    "values": {
                        f: f"(lacune du texte, {cl.gap})" if cl.gap else cl.cell_text
                        for f, cl in ch.by_formula.items()
                    },
                    "gaps": {f: cl.gap for f, cl in ch.by_formula.items() if cl.gap},
                    "source": src,
                    "rules": [
                        {"rule": plan.rules[r].title, "source": plan.rules[r].source}
                        for r in first.rules
                        if r in plan.rules
                    ],
                }
            )
        benefits.append(
            {
                "code": code,
                "label": plan.code_labels[code],
                "category": category_label(plan.code_categories[code]),
                "lines": lines,
            }
        )
    out: dict[str, Any] = {
        "range": plan.range_id,
        "label": plan.range_label,
        "table": plan.table_title,
        "formulas": list(plan.formulas),
        "benefits": benefits,
    }
    missing = sorted(plan.known_codes - set(plan.codes))
    if missing:
        key = "refused_codes" if plan.not_in_table == "gap" else "not_covered_codes"
        out[key] = {
            "codes": missing,
            "reason": (
                f"absents de la partie conservée du tableau (docs/interpretations.md "
                f"{plan.not_in_table_gap}) : {' ; '.join(plan.missing_parts)}"
                if plan.not_in_table == "gap"
                else "prestations absentes du tableau de cette gamme : non couvertes"
            ),
        }
    return out


def run(args: argparse.Namespace) -> int:
    try:
        offer = load_offer(args.offer or latest_offer_id())
        ranges = [args.range] if args.range else list(offer.ranges)
        data = {
            "offer": offer.id,
            "ranges": [_range_data(compile_plan(offer.id, r)) for r in ranges],
        }
    except (OfferNotFound, PlanError) as exc:
        return fail(str(exc), args.json)
    except (OfferInvalid, ReferenceInvalid) as exc:
        return fail(f"données d'offre invalides : {exc}", args.json)
    if args.json:
        print_json(data)
        return 0
    for r in data["ranges"]:
        print(f"{r['label']} [{r['range']}] — {r['table']}")
        print(f"Formules : {', '.join(r['formulas'])}")
        category = None
        order = list(dict.fromkeys(b["category"] for b in r["benefits"]))
        for b in sorted(r["benefits"], key=lambda b: order.index(b["category"])):
            if b["category"] != category:
                category = b["category"]
                print(f"\n  {category}")
            for ln in b["lines"]:
                when = "".join(
                    f" [{_WHEN_LABELS.get((k, v), f'{k}: {v}')}]" for k, v in ln["when"].items()
                )
                values = " | ".join(f"{f} {v}" for f, v in ln["values"].items())
                print(f"    {b['code']:<30} {ln['label']}{when}")
                print(f"    {'':<30} {values}")
                print(f"    {'':<30} {ln['source']}")
        for key in ("refused_codes", "not_covered_codes"):
            if key in r:
                print(f"\n  Codes refusés pour cette gamme : {', '.join(r[key]['codes'])}")
                print(f"    {r[key]['reason']}")
        print()
    return 0
