"""``mutuelle quote HOUSEHOLD.json [--formula NAME] [--json]``: price a household."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.commands._io import InputError, fail, print_json, read_json
from mutuelle.money import format_euros
from mutuelle.offers import latest_offer_id, load_offer
from mutuelle.offers.loader import OfferInvalid, OfferNotFound
from mutuelle.pricing import (
    FormulaRefusal,
    InvalidHousehold,
    Quote,
    QuoteRefused,
    parse_household,
    quote,
    quote_to_dict,
)
from mutuelle.pricing.engine import STRUCTURE_LABELS, FormulaQuote, StructureRefusal
from mutuelle.pricing.household import ROLE_LABELS


def register(sub: Any) -> None:
    p = sub.add_parser(
        "quote",
        help="chiffrer les cotisations d'un foyer dans chaque formule",
        description=(
            "Calcule la cotisation mensuelle et le total dû jusqu'au 31 décembre, par personne "
            "et pour le foyer, dans chaque formule de la gamme. HOUSEHOLD.json : "
            '{"range": "residents|students|agents|tns", "date": "AAAA-MM-JJ", '
            '"members": [{"role": "adherent|spouse|child", "birth_date": "AAAA-MM-JJ"}, …]} '
            "(« - » lit l'entrée standard)."
        ),
    )
    p.add_argument("household", metavar="HOUSEHOLD.json")
    p.add_argument("--formula", help="une seule formule (ex. Belledonne), avec le détail")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.add_argument("--detail", action="store_true", help="détail des règles pour chaque formule")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        data = read_json(args.household)
        household = parse_household(data)
        offer = load_offer(household.offer or latest_offer_id())
        result = quote(offer, household, args.formula)
    except (InputError, InvalidHousehold, OfferNotFound) as exc:
        return fail(str(exc), args.json)
    except QuoteRefused as exc:
        return fail(exc.message, args.json, **({"source": exc.source} if exc.source else {}))
    except OfferInvalid as exc:  # a broken data folder: the operator's problem, not the user's
        return fail(f"données d'offre invalides : {exc}", args.json)
    if args.json:
        print_json(quote_to_dict(result))
    else:
        print(render_text(result, detail=args.detail or args.formula is not None))
    return 0


def _who(m: Any) -> str:
    label = m.member.name or ROLE_LABELS[m.member.role]
    return f"{label} ({m.age} an{'s' if m.age > 1 else ''})"


def _price(m: Any, structure: str) -> str:
    if structure == "family" and m.member.role != "adherent":
        return "compris"
    if m.monthly_cents == 0:
        return "gratuit"
    return format_euros(m.monthly_cents)


def render_text(q: Quote, detail: bool = False) -> str:
    offer = load_offer(q.offer)
    rng = offer.ranges[q.range]  # type: ignore[index]
    out = [
        offer.label,
        f"Gamme : {rng.label} — cotisation à partir du {q.date:%d/%m/%Y}, "
        f"total dû jusqu'au {q.period_end:%d/%m/%Y}",
        "",
    ]
    ok = [f for f in q.formulas if isinstance(f, FormulaQuote)]
    width = max((len(f.formula) for f in q.formulas), default=8)
    if ok:
        out.append(
            f"{'Formule':<{width}}  {'par mois':>12}  {'jusqu’au 31/12':>15}   "
            "détail par personne (par mois)"
        )
        for f in ok:
            people = ", ".join(f"{_who(m)} {_price(m, f.structure)}" for m in f.members)
            out.append(
                f"{f.formula:<{width}}  {format_euros(f.monthly_cents):>12}  "
                f"{format_euros(f.year_cents):>15}   {people}"
            )
            if f.structure == "family":
                out.append(f"{'':<{width}}  ({STRUCTURE_LABELS[f.structure]})")
    for f in q.formulas:
        if isinstance(f, FormulaRefusal):
            out.append(f"{f.formula:<{width}}  pas de tarif : {f.error}")
            out.append(f"{'':<{width}}  source : {f.source}")
    free = [(f.formula, m) for f in ok for m in f.members if m.free_until]
    if free:
        out.append("")
        for formula, m in free[:1]:
            out.append(
                f"Gratuité : {_who(m)} ne cotise pas jusqu'au {m.free_until:%d/%m/%Y} inclus "
                f"(détail : --formula {formula})."
            )
    notes = list(q.notes)
    for f in ok:
        notes.extend(n for n in f.notes if n not in notes)
    if notes:
        out.append("")
        out.extend(f"À noter : {n}" for n in notes)
    if detail:
        for f in ok:
            out.append("")
            out.append(
                f"— {f.formula} : {format_euros(f.monthly_cents)} par mois, "
                f"{format_euros(f.year_cents)} jusqu'au {q.period_end:%d/%m/%Y}"
            )
            for m in f.members:
                out.append(
                    f"  {_who(m)} : {format_euros(m.monthly_cents)} par mois, "
                    f"{format_euros(m.year_cents)} sur la période"
                )
                for s in m.steps:
                    out.append(f"    • {s.rule}")
                    out.append(f"      [{s.source}]")
                for n in m.notes:
                    out.append(f"    ! {n}")
            if any(mo.cents != f.monthly_cents for mo in f.months):
                sched = ", ".join(f"{mo.month:%m/%Y} {format_euros(mo.cents)}" for mo in f.months)
                out.append(f"  Échéancier : {sched}")
            for a in f.alternatives:
                if isinstance(a, StructureRefusal):
                    out.append(
                        f"  Autre structure ({STRUCTURE_LABELS[a.structure]}) : "
                        f"impossible — {a.error}"
                    )
                else:
                    out.append(
                        f"  Autre structure ({STRUCTURE_LABELS[a.structure]}) : "
                        f"{format_euros(a.monthly_cents)} par mois, "
                        f"{format_euros(a.year_cents)} sur la période"
                    )
    return "\n".join(out)
