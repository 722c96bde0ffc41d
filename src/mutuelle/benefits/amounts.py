"""The amount a guarantee line allows for one event, AMO included (docs I-15).

``min(frais − AMO, plafond de la ligne − AMO)``, never below 0, where the ceiling of the line is
``taux × BR`` (% BR lines, with or without a lump sum), the bill (frais réels, % of the bill),
« AMO + X », the euro amount (per item, per day within the yearly days, per period: the shared
ceiling sets it), or the price limit of a 100 % Santé item (PLV or HLF: from the event, else the
reference data, docs I-29, G-14); then « dans la limite des HLF » of the dental lines at
controlled fees (Règlement particuliers 4-2).
"""

from __future__ import annotations

from mutuelle.benefits.consumption import Working
from mutuelle.benefits.events import CareEvent, Coverage
from mutuelle.benefits.limits import EventError, Pending, days_allowed
from mutuelle.benefits.plan import CompiledLine, Kind, Per, Plan
from mutuelle.benefits.steps import (
    AmoFull,
    AmoPlus,
    BenefitStep,
    EurDay,
    EurItem,
    EurPeriod,
    FraisReels,
    HlfCap,
    HlfUnknown,
    PctBr,
    PctBrPlus,
    PctFr,
    PriceLimit,
)
from mutuelle.dates import age_on
from mutuelle.money import apply_rate
from mutuelle.refusal import Code

PCT_KINDS = (Kind.PCT_BR, Kind.PCT_BR_PLUS)


def check_fields(line: CompiledLine, ev: CareEvent) -> None:
    """The event gives what its line needs to be computed."""
    if line.kind in PCT_KINDS and ev.br_cents == 0:
        raise EventError(
            f"« {line.label} » est exprimée en % de la base de remboursement : indiquer br_cents",
            code=Code.EVENT_FIELD,
        )
    if line.per == Per.DAY and ev.days is None:
        raise EventError(
            f"« {line.label} » est un montant par jour : indiquer days", code=Code.EVENT_FIELD
        )


def line_cap(
    plan: Plan,
    cov: Coverage,
    ev: CareEvent,
    line: CompiledLine,
    ws: Working,
    reimbursable: int,
    amo_eff: int,
    base: int,
    steps: list[BenefitStep],
    p: Pending,
) -> int:
    """The most the line pays for this event (before its counters and shared ceilings)."""
    qty = ev.quantity
    kind = line.kind
    if kind in PCT_KINDS and amo_eff >= ev.br_cents:
        steps.append(AmoFull(ev.br_cents, amo_eff))
    match kind:
        case Kind.PCT_BR:
            cap = apply_rate(ev.br_cents, line.rate_bp) - amo_eff
            steps.append(PctBr(line.rate_bp, ev.br_cents, amo_eff, base, cap))
        case Kind.PCT_BR_PLUS:
            extra = line.cents * qty
            cap = apply_rate(ev.br_cents, line.rate_bp) - amo_eff + extra
            steps.append(PctBrPlus(line.rate_bp, ev.br_cents, amo_eff, extra, base, cap))
        case Kind.FRAIS_REELS:
            cap = base
            steps.append(FraisReels(reimbursable, amo_eff, base))
        case Kind.PCT_FR:
            cap = apply_rate(reimbursable, line.rate_bp) - amo_eff
            steps.append(PctFr(line.rate_bp, reimbursable, amo_eff, base, cap))
        case Kind.AMO_PLUS:
            n = qty if line.per == Per.ITEM else 1
            cap = line.cents * n
            steps.append(AmoPlus(line.cents, n, base, cap))
        case Kind.PRICE_LIMIT:
            limit, why = price_limit(plan, cov, ev, line)
            cap = min(reimbursable, limit) - amo_eff
            steps.append(PriceLimit(line.limit or "", limit, why, reimbursable, amo_eff, base, cap))
        case Kind.EUR:
            if line.per == Per.ITEM:
                cap = line.cents * qty - amo_eff
                steps.append(EurItem(line.cents, qty, amo_eff, base, cap))
            elif line.per == Per.DAY:
                days = ev.days or 0
                if line.days_per_year is not None and line.ceiling is not None:
                    days = days_allowed(line, ev, days, ws, p)
                cap = line.cents * days - amo_eff
                steps.append(EurDay(line.cents, days, ev.days, amo_eff, base, cap))
            else:
                cap = base  # the period ceiling sets the amount
                steps.append(EurPeriod(line.cents, base, line.per))
        case Kind.NONE | Kind.GAP:  # settled before any amount (engine._settle)
            raise AssertionError(kind)
    if line.flags.dental_maitrise:  # « dans la limite des HLF » (Règlement 4-2)
        if ev.price_limit_cents is None:
            steps.append(HlfUnknown())
        elif min(reimbursable, ev.price_limit_cents) - amo_eff < cap:
            cap = min(reimbursable, ev.price_limit_cents) - amo_eff
            steps.append(HlfCap(ev.price_limit_cents, amo_eff, cap))
    return cap


def price_limit(plan: Plan, cov: Coverage, ev: CareEvent, line: CompiledLine) -> tuple[int, str]:
    """The PLV / HLF of the item: from the event, else a reference value (docs I-29, G-14)."""
    if ev.price_limit_cents is not None:
        return ev.price_limit_cents, "indiqué par la demande"
    key: str | None = None
    age = age_on(cov.birth_date, ev.date)
    if ev.benefit == "aide_auditive":
        adult_age = plan.ref_value("hearing_aid_adult_age", ev.date)
        if adult_age is not None:
            key = (
                "hearing_aid_class1_plv_adult"
                if age >= adult_age[0]
                else "hearing_aid_class1_plv_under_20"
            )
    elif ev.benefit == "optique_monture" and age >= plan.parameters.optical_child_age:
        # the class A frame's « adulte » price limit: 16 and over, the optical rules' adult age
        key = "optical_frame_class_a_plv"
    if key is not None:
        ref = plan.ref_value(key, ev.date)
        if ref is not None:
            return ref[0] * ev.quantity, f"{ref[1]} — {ref[2]}"
    what = (
        "honoraire limite de facturation (HLF)" if line.limit == "HLF" else "prix limite de vente"
    )
    raise EventError(
        f"« {line.label} » : prise en charge intégrale dans la limite du {what}, que les textes "
        f"de l'offre ne chiffrent pas pour cet acte ou ce produit : indiquer price_limit_cents "
        "(docs/interpretations.md G-14)",
        line.cite,
        code=Code.PRICE_LIMIT,
    )
