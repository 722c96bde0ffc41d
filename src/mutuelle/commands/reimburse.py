"""``mutuelle reimburse CARE.json [--json]``: settle a beneficiary's care events."""

from __future__ import annotations

import argparse
from typing import Any

from mutuelle.benefits import (
    InvalidClaim,
    PlanError,
    batch_to_dict,
    check_coverage,
    compile_plan,
    parse_claim,
    settle,
    settlement_text,
)
from mutuelle.commands._io import InputError, fail, print_json, read_json
from mutuelle.money import format_euros
from mutuelle.offers import latest_offer_id
from mutuelle.offers.loader import OfferInvalid, OfferNotFound
from mutuelle.offers.reference import ReferenceInvalid


def register(sub: Any) -> None:
    p = sub.add_parser(
        "reimburse",
        help="régler des soins : ce que verse la Mutuelle, pourquoi, et le reste à charge",
        description=(
            "Règle les soins d'un bénéficiaire dans l'ordre des dates (à date égale, dans l'ordre "
            'du fichier) et explique chaque montant. CARE.json : {"range": …, "formula": …, '
            '"cover_start": "AAAA-MM-JJ", "beneficiary": {"birth_date": …}, '
            '"events": [{"id": …, "date": …, "benefit": …, "billed_cents": …, '
            '"br_cents": …, "amo_cents": …}, …]} (« - » lit l\'entrée standard). Les codes de '
            "prestation : mutuelle benefits."
        ),
    )
    p.add_argument("claim", metavar="CARE.json")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        claim = parse_claim(read_json(args.claim))
        offer_id = claim.coverage.offer or latest_offer_id()
        plan = compile_plan(offer_id, claim.coverage.range)
        check_coverage(plan, claim.coverage)
        result = settle(plan, claim.coverage, claim.events)
    except (InputError, InvalidClaim, OfferNotFound) as exc:
        return fail(str(exc), args.json)
    except PlanError as exc:
        return fail(exc.message, args.json, **({"source": exc.source} if exc.source else {}))
    except (OfferInvalid, ReferenceInvalid) as exc:
        return fail(f"données d'offre invalides : {exc}", args.json)
    data = batch_to_dict(plan, result.settlements)
    if args.json:
        print_json(data)
        return 0
    cov = claim.coverage
    formulas = ", ".join(f"{name} (à partir du {day:%d/%m/%Y})" for day, name in cov.formulas)
    print(f"{plan.offer_label} — gamme {plan.range_label} — {formulas}")
    print(
        f"Bénéficiaire né·e le {cov.birth_date:%d/%m/%Y}, couvert·e à partir du "
        f"{cov.cover_start:%d/%m/%Y}"
        + (f" jusqu'au {cov.cover_end:%d/%m/%Y}" if cov.cover_end else "")
    )
    print()
    labels = {ev.id: ev.label for ev in claim.events}
    for s in result.settlements:
        print(settlement_text(plan, s, labels))
        print()
    t = data["totals"]
    print(
        f"Total : frais {format_euros(t['billed_cents'])} · AMO versé "
        f"{format_euros(t['amo_paid_cents'])} · Mutuelle {format_euros(t['mutuelle_cents'])} · "
        f"reste à charge {format_euros(t['out_of_pocket_cents'])} "
        f"({t['settled']} réglé(s), {t['errors']} refusé(s))"
    )
    return 0
