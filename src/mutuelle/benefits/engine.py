"""The settlement engine: care events → what the mutual pays, why, and what is left.

Pure functions over the compiled :class:`~mutuelle.benefits.plan.Plan` of a range. For each event:

1. cover: the care date (fait générateur) must fall within the cover dates (Règlement
   particuliers V-3); the formula is the one in force on that date (I-9-2-2, docs I-21);
2. the guarantee line: the benefit code and the event's fields (DPTAM, basket, lens category)
   select one line of the table; a blank cell (a gap of the text) is refused naming its entry,
   a « - » is settled at 0 €, a code the TNS table does not publish is refused (G-10);
3. the amount, AMO included (docs I-15, :mod:`~mutuelle.benefits.amounts`); the participation
   forfaitaire and the franchises stay with the member: ``amo_cents`` is the AMO share before
   they are deducted (contrat responsable, Règlement IV-5);
4. the limits: counters and shared ceilings (:mod:`~mutuelle.benefits.limits`), periodicities
   and the contrat responsable caps on optics and hearing aids (:mod:`~mutuelle.benefits.optics`),
   the ticket modérateur floor (docs I-28), the orthodontic prorata (docs I-20).

Each settlement carries its typed steps (:mod:`~mutuelle.benefits.steps`) and the entries it
consumed (:mod:`~mutuelle.benefits.consumption`); a batch of a beneficiary's events is settled
against a :class:`~mutuelle.benefits.ledger.Ledger` (:func:`~mutuelle.benefits.ledger.settle`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mutuelle.benefits.amounts import check_fields, line_cap
from mutuelle.benefits.consumption import Consumption, Working, semester_period
from mutuelle.benefits.events import CareEvent, Coverage
from mutuelle.benefits.limits import (
    CeilingUse,
    EventError,
    Pending,
    activity_allowed,
    items_allowed,
    period_ceiling,
    semester_label,
)
from mutuelle.benefits.optics import hearing, opening, optics
from mutuelle.benefits.plan import (
    PERIOD_CEILINGS,
    Amo,
    Choice,
    CompiledLine,
    Kind,
    Periodicity,
    Plan,
    PlanError,
)
from mutuelle.benefits.steps import (
    AccompaniedAge,
    AdultOnly,
    BenefitStep,
    ClaimsLimit,
    Distance,
    DptamUnknown,
    EnrolmentLate,
    ExcludedEstablishment,
    HearingCap,
    NoCover,
    NotInTable,
    NotReimbursed,
    Pathway,
    PfFranchise,
    Prime,
    Prorata,
    TmFloor,
)
from mutuelle.dates import add_months, age_on
from mutuelle.explain import Cited
from mutuelle.money import format_euros, mul_div_round
from mutuelle.refusal import Code

__all__ = [
    "CeilingUse",
    "EventError",
    "Settlement",
    "batch_totals",
    "check_coverage",
    "opening",
    "settle_event",
]


@dataclass(frozen=True, slots=True)
class Settlement:
    """The answer for one event: amounts, the guarantee line, the steps that produced them,
    the entries it consumed."""

    event_id: str
    seq: int
    date: dt.date
    benefit: str
    formula: str | None
    billed_cents: int
    amo_cents: int  # AMO reimbursement before participation forfaitaire and franchises
    amo_paid_cents: int  # what the AMO actually paid (after them)
    mutuelle_cents: int
    out_of_pocket_cents: int
    line: CompiledLine | None
    steps: tuple[BenefitStep, ...]
    ceilings: tuple[CeilingUse, ...] = ()
    consumption: tuple[Consumption, ...] = ()
    error: str | None = None
    error_cite: Cited | None = None
    error_code: Code | None = None

    @property
    def error_source(self) -> str | None:
        return self.error_cite.staff() if self.error_cite else None


# --- the per-event settlement ---------------------------------------------------------------


def _select(
    plan: Plan, choices: tuple[Choice, ...], ev: CareEvent
) -> tuple[Choice, list[BenefitStep]]:
    steps: list[BenefitStep] = []
    cands = choices
    if any(c.basket is not None for c in cands):
        if ev.basket is None:
            raise EventError(
                f"« {ev.benefit} » : préciser basket = 100_sante (classe A / I, 100 % Santé) ou "
                "libre (classe B / II, tarifs libres)"
            )
        cands = tuple(c for c in cands if c.basket == ev.basket)
    if any(c.lens_category is not None for c in cands):
        if ev.lens_category is None:
            raise EventError(
                "verre de classe B : préciser lens_category = simple, complexe ou tres_complexe "
                f"(table de correspondance du règlement ; {plan.rule('lens_categories').source})"
            )
        cands = tuple(c for c in cands if c.lens_category == ev.lens_category)
    if any(c.dptam is not None for c in cands):
        dptam = ev.dptam
        if dptam is None:
            dptam = False
            steps.append(DptamUnknown())
        cands = tuple(c for c in cands if c.dptam == dptam)
    if len(cands) != 1:  # the data validator makes this unreachable; say so plainly if not
        raise EventError(
            f"« {ev.benefit} » : aucune ligne de garantie ne correspond à l'événement",
            code=Code.EVENT_INCONSISTENT,
        )
    return cands[0], steps


def _accompanied_age(plan: Plan, birth: dt.date, day: dt.date) -> bool:
    """« enfants de moins de 16 ans ou adulte de plus de 70 ans » (docs I-22): the person
    hospitalised is under 16, or past their 70th birthday (more than 70 years old)."""
    p = plan.parameters
    age = age_on(birth, day)
    adult = p.accompanied_adult_age
    return (
        age < p.accompanied_child_age
        or age > adult
        or (age == adult and day != add_months(birth, 12 * adult))
    )


def settle_event(plan: Plan, cov: Coverage, ev: CareEvent, ws: Working, seq: int) -> Settlement:
    """Settle one event against the working state ``ws`` (its entries are applied to it)."""
    try:
        return _settle(plan, cov, ev, ws, seq)
    except EventError as exc:
        amo_paid = ev.amo_cents - ev.participation_forfaitaire_cents - ev.franchise_cents
        return Settlement(
            event_id=ev.id,
            seq=seq,
            date=ev.date,
            benefit=ev.benefit,
            formula=None,
            billed_cents=ev.billed_cents,
            amo_cents=ev.amo_cents,
            amo_paid_cents=amo_paid,
            mutuelle_cents=0,
            out_of_pocket_cents=max(0, ev.billed_cents - amo_paid),
            line=None,
            steps=(),
            error=exc.message,
            error_cite=exc.cite,
            error_code=exc.code,
        )


def _check_cover(plan: Plan, cov: Coverage, day: dt.date) -> None:
    if day < cov.cover_start or (cov.cover_end is not None and day > cov.cover_end):
        end = f"au {cov.cover_end:%d/%m/%Y}" if cov.cover_end else "sans date de fin"
        raise EventError(
            f"soins du {day:%d/%m/%Y} hors de la période de couverture "
            f"(du {cov.cover_start:%d/%m/%Y} {end}) : aucune prestation",
            plan.rule("cover_period").cite,
            code=Code.COVER_PERIOD,
        )
    if day < plan.valid_from:
        raise EventError(
            f"soins du {day:%d/%m/%Y} antérieurs à l'offre {plan.offer_id} "
            f"(en vigueur à partir du {plan.valid_from:%d/%m/%Y})",
            code=Code.OFFER_DATE,
        )


def _not_in_table(plan: Plan, ev: CareEvent) -> None:
    """A code the range's table does not publish: unknown, or a gap of the table (G-10)."""
    if ev.benefit not in plan.known_codes:
        raise EventError(
            f"prestation inconnue « {ev.benefit} » (la liste des codes : "
            f"mutuelle benefits --range {plan.range_id})",
            code=Code.UNKNOWN_BENEFIT,
        )
    if plan.not_in_table == "gap":
        parts = " ; ".join(plan.missing_parts)
        raise EventError(
            f"« {ev.benefit} » : le tableau de garanties de la gamme {plan.range_label} "
            "n'est conservé qu'en partie et ne publie pas cette prestation. Manquent au "
            f"texte de l'offre : {parts} "
            f"(docs/interpretations.md {plan.not_in_table_gap}). Aucun remboursement par "
            "analogie avec un autre tableau : il faut le tableau complet signé.",
            plan.not_in_table_cite,
            code=Code.TABLE_GAP,
        )


def _settle(plan: Plan, cov: Coverage, ev: CareEvent, ws: Working, seq: int) -> Settlement:
    day = ev.date
    _check_cover(plan, cov, day)
    formula = cov.formula_on(day)
    amo_paid = ev.amo_cents - ev.participation_forfaitaire_cents - ev.franchise_cents
    steps: list[BenefitStep] = []
    if ev.participation_forfaitaire_cents or ev.franchise_cents:
        steps.append(PfFranchise(ev.participation_forfaitaire_cents, ev.franchise_cents))
    pending = Pending()

    def done(
        line: CompiledLine | None, pay: int, *, lump: bool = False, commit: bool = False
    ) -> Settlement:
        oop = ev.billed_cents - amo_paid - pay
        return Settlement(
            event_id=ev.id,
            seq=seq,
            date=day,
            benefit=ev.benefit,
            formula=formula,
            billed_cents=ev.billed_cents,
            amo_cents=ev.amo_cents,
            amo_paid_cents=amo_paid,
            mutuelle_cents=pay,
            out_of_pocket_cents=max(0, oop) if lump else oop,
            line=line,
            steps=tuple(steps),
            ceilings=tuple(pending.ceilings),
            consumption=pending.commit(ws) if commit else (),
        )

    choices = plan.codes.get(ev.benefit)
    if choices is None:
        _not_in_table(plan, ev)
        steps.append(NotInTable(plan.table_title))
        return done(None, 0)

    choice, sel_steps = _select(plan, choices, ev)
    steps.extend(sel_steps)
    line = choice.by_formula[formula]
    if line.kind == Kind.GAP:
        raise EventError(
            f"« {line.label} », formule {formula} : le texte de l'offre ne donne pas de montant "
            f"(docs/interpretations.md {line.gap} : "
            f"{plan.interpretations.get(line.gap or '', '')}) — aucun remboursement ne peut être "
            "calculé sans deviner",
            line.cite,
            code=Code.CELL_GAP,
        )
    if line.kind == Kind.NONE:
        steps.append(NoCover(formula))
        return done(line, 0)
    amo_req = line.amo if choice.amo is None else choice.amo
    if amo_req == Amo.NOT_COVERED and ev.amo_cents > 0:
        raise EventError(
            f"« {line.label} » concerne des frais non pris en charge par l'AMO, or l'événement "
            f"porte un remboursement AMO de {format_euros(ev.amo_cents)} : "
            "vérifier le code de prestation",
            line.cite,
            code=Code.EVENT_INCONSISTENT,
        )
    if ev.establishment in ("medico_social", "geriatrie"):
        if line.flags.fjh and ev.establishment == "medico_social":
            steps.append(ExcludedEstablishment(ev.establishment, "fjh"))
            return done(line, 0)
        if line.flags.chambre:
            steps.append(ExcludedEstablishment(ev.establishment, "chambre"))
            return done(line, 0)
    if line.requires_enrolment:
        return _prime(plan, ev, line, steps, done)
    if ev.billed_cents == 0:
        raise EventError("frais réels (billed_cents) manquants ou nuls : rien à rembourser")
    if amo_req == Amo.COVERED and ev.amo_cents == 0:
        steps.append(NotReimbursed())
        return done(line, 0)
    if line.requires_distance:
        limit_km = plan.parameters.cure_distance_km
        if ev.distance_km is None:
            raise EventError(
                "indiquer distance_km, la distance du lieu de cure au domicile : la garantie "
                f"exige un lieu de cure à plus de {limit_km} km "
                f"({plan.rule('cure_distance').source})"
            )
        if ev.distance_km <= limit_km:
            steps.append(Distance(ev.distance_km, limit_km))
            return done(line, 0)
    age = age_on(cov.birth_date, day)
    adult_age = plan.parameters.replacement_adult_age
    if line.requires_adult and age < adult_age:
        steps.append(AdultOnly(age, adult_age))
        return done(line, 0)
    if line.flags.accompagnant and not _accompanied_age(plan, cov.birth_date, day):
        p = plan.parameters
        steps.append(AccompaniedAge(age, p.accompanied_child_age, p.accompanied_adult_age))
        return done(line, 0)

    amo_eff = ev.amo_cents + ev.out_of_pathway_penalty_cents
    if ev.out_of_pathway_penalty_cents or ev.out_of_pathway_overrun_cents:
        steps.append(Pathway(ev.out_of_pathway_penalty_cents, ev.out_of_pathway_overrun_cents))
    reimbursable = max(0, ev.billed_cents - ev.out_of_pathway_overrun_cents)
    base = max(0, reimbursable - amo_eff)
    check_fields(line, ev)

    # the amount the line allows, AMO included (docs I-15)
    cap = line_cap(plan, cov, ev, line, ws, reimbursable, amo_eff, base, steps, pending)
    pay = max(0, min(base, cap))

    # counters of items (implants) and of claims (one sports activity a year)
    if line.max_items_per_year is not None and line.ceiling is not None:
        allowed = items_allowed(line, ev, ws, pending, steps)
        if allowed < ev.quantity:
            pay = min(pay, max(0, line.cents * allowed - amo_eff))
    if line.max_claims_per_year is not None and line.ceiling is not None:
        used = activity_allowed(line, ev, ws, pending)
        if used is not None:
            steps.append(ClaimsLimit(used, line.max_claims_per_year))
            return done(line, 0)

    # periodicities (optical elements, hearing aids) — may refuse the event
    if line.periodicity is not None:
        if line.periodicity == Periodicity.HEARING:
            capped = hearing(plan, ev, ws, pay, steps, pending)
        else:
            capped = optics(plan, ev, line, ws, age, pay, amo_eff, steps, pending)
        if capped is None:
            return done(line, 0)
        pay = capped

    # shared euro ceilings per period
    if (
        line.ceiling is not None
        and line.per in PERIOD_CEILINGS
        and line.kind in (Kind.EUR, Kind.AMO_PLUS)
    ):
        pay = period_ceiling(plan, ev, line, ws, pay, amo_eff, steps, pending)

    # contrat responsable: hearing aid of class II at most 1 700 € AMO included
    if line.flags.hearing_cap:
        ref = plan.ref_value("hearing_aid_class2_max", day)
        if ref is None:
            raise EventError(
                f"aucune valeur de référence « hearing_aid_class2_max » en vigueur le "
                f"{day:%d/%m/%Y}",
                plan.rule("hearing_cap").cite,
                code=Code.REFERENCE_VALUE,
            )
        if pay > ref[0] - amo_eff:
            pay = max(0, ref[0] - amo_eff)
            steps.append(HearingCap(ref[0], amo_eff, pay))

    # contrat responsable: the ticket modérateur is always covered (docs I-28)
    if line.flags.tm_floor and ev.br_cents and amo_eff:
        floor = min(base, max(0, ev.br_cents - amo_eff))
        if pay < floor:
            steps.append(TmFloor(ev.br_cents, amo_eff, floor, pay))
            pending.raise_cents(floor - pay)
            pay = floor

    # orthodontics: prorata of the covered days of the semester of care (docs I-20)
    if line.prorata_semester:
        semester = semester_period(day)  # calendar half-years (docs I-20)
        s_start, s_end = semester.start, semester.end
        lo = max(s_start, cov.cover_start)
        hi = s_end if cov.cover_end is None else min(s_end, cov.cover_end)
        covered = (hi - lo).days + 1
        total = (s_end - s_start).days + 1
        if covered < total:
            prorated = mul_div_round(pay, covered, total)
            steps.append(Prorata(semester_label(day), covered, total, pay, prorated))
            pending.raise_cents(prorated - pay)
            pay = prorated

    return done(line, pay, commit=True)


def _prime(
    plan: Plan,
    ev: CareEvent,
    line: CompiledLine,
    steps: list[BenefitStep],
    done: Callable[..., Settlement],
) -> Settlement:
    if ev.enrolled_on is None:
        raise EventError(
            "prime de naissance ou d'adoption : indiquer enrolled_on, la date d'inscription de "
            f"l'enfant au contrat ({plan.rule('prime').source})"
        )
    months = plan.parameters.prime_months
    deadline = add_months(ev.date, months)
    if ev.enrolled_on > deadline:
        steps.append(EnrolmentLate(ev.enrolled_on, deadline, months))
        result: Settlement = done(line, 0, lump=True)
        return result
    pay = line.cents * ev.quantity
    steps.append(Prime(line.cents, ev.quantity, ev.enrolled_on, deadline))
    result = done(line, pay, lump=True)
    return result


def check_coverage(plan: Plan, cov: Coverage) -> None:
    """Refuse a cover the range cannot have (:class:`PlanError`, the whole request)."""
    for _, name in cov.formulas:
        if name not in plan.formulas:
            raise PlanError(
                f"formule inconnue « {name} » pour la gamme {plan.range_label} "
                f"(formules : {', '.join(plan.formulas)})",
                code=Code.FORMULA,
            )
    for day, name in cov.formulas[1:]:
        if (day.month, day.day) != (1, 1):
            raise PlanError(
                f"changement de formule vers {name} le {day:%d/%m/%Y} : un changement de formule "
                "prend effet au 1er janvier",
                plan.rule("formula_change").cite,
                code=Code.FORMULA,
            )
    if cov.birth_date > cov.cover_start:
        raise PlanError(
            "beneficiary.birth_date postérieure au début de la couverture", code=Code.INPUT
        )


def batch_totals(settlements: Sequence[Settlement]) -> dict[str, int]:
    ok = [s for s in settlements if s.error is None]
    return {
        "billed_cents": sum(s.billed_cents for s in ok),
        "amo_paid_cents": sum(s.amo_paid_cents for s in ok),
        "mutuelle_cents": sum(s.mutuelle_cents for s in ok),
        "out_of_pocket_cents": sum(s.out_of_pocket_cents for s in ok),
        "settled": len(ok),
        "errors": len(settlements) - len(ok),
    }
