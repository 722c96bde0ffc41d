"""The settlement engine: care events → what the mutual pays, why, and what is left.

Pure functions over the compiled :class:`~mutuelle.benefits.plan.Plan` of a range. For each event:

1. cover: the care date (fait générateur) must fall within the cover dates (Règlement
   particuliers V-3); the formula is the one in force on that date (I-9-2-2, docs I-21);
2. the guarantee line: the benefit code and the event's fields (DPTAM, basket, lens category)
   select one line of the table; a blank cell (a gap of the text) is refused naming its entry,
   a « - » is settled at 0 €, a code the TNS table does not publish is refused (G-10);
3. the amount, AMO included (docs I-15): ``min(frais − AMO, plafond de la ligne − AMO)``,
   never below 0, where the ceiling is ``taux × BR`` (% BR lines), the euro amount (per item,
   per day, per period), the price limit (100 % Santé), or the bill itself (frais réels). The
   participation forfaitaire and the franchises stay with the member: ``amo_cents`` is the AMO
   share before they are deducted (contrat responsable, Règlement IV-5);
4. the limits: shared ceilings (per calendar year, semester, 24 months, eye), counters (days,
   implants, activities), periodicities (optical elements, hearing aids per ear), the contrat
   responsable caps (class B frame 100 €, equipment maxima, hearing aid 1 700 €) and floor
   (ticket modérateur, docs I-28), the orthodontic prorata (docs I-20).

Consumption is kept in a :class:`Ledger`, a value: settling a batch returns a new ledger.
Events are settled in the order (care date, reception order); a batch whose events all come
after the ledger's last one continues from its state, and any other batch re-settles the whole
history, reporting the earlier settlements it changes (``revised``). So settling events one by
one, in any order, ends with the same settlements as settling them all together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from mutuelle.benefits.events import CareEvent, Coverage
from mutuelle.benefits.plan import (
    AMO_COVERED,
    AMO_NOT_COVERED,
    K_AMO_PLUS,
    K_EUR,
    K_FR,
    K_GAP,
    K_LIMIT,
    K_NONE,
    K_PCT,
    K_PCT_FR,
    K_PCT_PLUS,
    P_24M,
    P_DAY,
    P_EYE_YEAR,
    P_ITEM,
    P_SEMESTER,
    P_YEAR,
    Choice,
    CompiledLine,
    Plan,
    PlanError,
)
from mutuelle.dates import add_months, age_on
from mutuelle.money import apply_rate, format_euros, mul_div_round

Step = tuple[str, tuple[Any, ...]]

# optical equipment maxima (contrat responsable, R871-2 3° a) to f)) by the two lens categories
_EQUIPMENT_CASE = {
    ("simple", "simple"): "a",
    ("complexe", "simple"): "b",
    ("complexe", "complexe"): "c",
    ("simple", "tres_complexe"): "d",
    ("complexe", "tres_complexe"): "e",
    ("tres_complexe", "tres_complexe"): "f",
}


@dataclass(frozen=True, slots=True)
class CeilingUse:
    """A ceiling or a counter this settlement consumed, and what remains of it."""

    label: str
    period: str  # "année 2025", "1er semestre 2025", "période du … au …"
    unit: str  # "cents", "jours", "implants", "activités", "verres", "montures"
    limit: int
    used_before: int
    consumed: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used_before - self.consumed)


@dataclass(frozen=True, slots=True)
class Settlement:
    """The answer for one event: amounts, the guarantee line, the steps that produced them."""

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
    steps: tuple[Step, ...]
    ceilings: tuple[CeilingUse, ...] = ()
    error: str | None = None
    error_source: str | None = None


@dataclass(frozen=True, slots=True)
class _OptWindow:
    """An optical element's current period (frame: 1 per period; lenses: 2)."""

    anchor: dt.date
    count: int
    basket: str | None
    total: int  # mutual + AMO reimbursed on it (contrat responsable maxima include AMO)
    cats: tuple[str, ...]  # categories of its class B lenses
    replaced: int = 0  # TNS replacement lump sums used in this period


class EventError(Exception):
    """An event that cannot be settled (internal signal turned into ``Settlement.error``)."""

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source


def _euros(cents: int) -> str:
    return format_euros(cents)


# --- the per-event settlement ---------------------------------------------------------------


def _select(plan: Plan, choices: tuple[Choice, ...], ev: CareEvent) -> tuple[Choice, list[Step]]:
    steps: list[Step] = []
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
            steps.append(("dptam_unknown", ()))
        cands = tuple(c for c in cands if c.dptam == dptam)
    if len(cands) != 1:  # the data validator makes this unreachable; say so plainly if not
        raise EventError(f"« {ev.benefit} » : aucune ligne de garantie ne correspond à l'événement")
    return cands[0], steps


def _accompanied_age(birth: dt.date, day: dt.date) -> bool:
    """« enfants de moins de 16 ans ou adulte de plus de 70 ans » (docs I-22): the person
    hospitalised is under 16, or past their 70th birthday (more than 70 years old)."""
    age = age_on(birth, day)
    return age < 16 or age > 70 or (age == 70 and day != add_months(birth, 840))


def _year_key(ceiling: str, day: dt.date) -> tuple[Any, ...]:
    return (ceiling, "y", day.year)


def _semester(day: dt.date) -> tuple[dt.date, dt.date, str]:
    if day.month <= 6:
        return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30), f"1er semestre {day.year}"
    return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31), f"2e semestre {day.year}"


def _period(
    line: CompiledLine, ev: CareEvent, st: dict[Any, Any], months_24: int
) -> tuple[Any, str, dt.date | None]:
    """Key of the ceiling's current period, its label, and a new 24-month anchor if one opens."""
    assert line.ceiling is not None
    if line.per == P_YEAR:
        return _year_key(line.ceiling, ev.date), f"année {ev.date.year}", None
    if line.per == P_SEMESTER:
        start, _, label = _semester(ev.date)
        return (line.ceiling, "s", start), label, None
    # P_24M: a window opened by the first settled claim (docs I-20)
    w = st.get((line.ceiling, "w"))
    if w is None or ev.date >= add_months(w[0], months_24):
        anchor = ev.date
        return (line.ceiling, "w"), _window_label(anchor, months_24), anchor
    return (line.ceiling, "w"), _window_label(w[0], months_24), None


def _window_label(anchor: dt.date, months: int) -> str:
    end = add_months(anchor, months) - dt.timedelta(days=1)
    return f"période du {anchor:%d/%m/%Y} au {end:%d/%m/%Y}"


def settle_event(
    plan: Plan, cov: Coverage, ev: CareEvent, st: dict[Any, Any], seq: int
) -> Settlement:
    """Settle one event against the working state ``st`` (updated in place)."""
    try:
        return _settle(plan, cov, ev, st, seq)
    except EventError as exc:
        return Settlement(
            event_id=ev.id,
            seq=seq,
            date=ev.date,
            benefit=ev.benefit,
            formula=None,
            billed_cents=ev.billed_cents,
            amo_cents=ev.amo_cents,
            amo_paid_cents=ev.amo_cents - ev.participation_forfaitaire_cents - ev.franchise_cents,
            mutuelle_cents=0,
            out_of_pocket_cents=max(
                0,
                ev.billed_cents
                - (ev.amo_cents - ev.participation_forfaitaire_cents - ev.franchise_cents),
            ),
            line=None,
            steps=(),
            error=exc.message,
            error_source=exc.source,
        )


def _settle(plan: Plan, cov: Coverage, ev: CareEvent, st: dict[Any, Any], seq: int) -> Settlement:
    day = ev.date
    if day < cov.cover_start or (cov.cover_end is not None and day > cov.cover_end):
        end = f"au {cov.cover_end:%d/%m/%Y}" if cov.cover_end else "sans date de fin"
        raise EventError(
            f"soins du {day:%d/%m/%Y} hors de la période de couverture "
            f"(du {cov.cover_start:%d/%m/%Y} {end}) : aucune prestation",
            plan.rule("cover_period").source,
        )
    if day < plan.valid_from:
        raise EventError(
            f"soins du {day:%d/%m/%Y} antérieurs à l'offre {plan.offer_id} "
            f"(en vigueur à partir du {plan.valid_from:%d/%m/%Y})"
        )
    formula = cov.formula_on(day)
    amo_paid = ev.amo_cents - ev.participation_forfaitaire_cents - ev.franchise_cents
    steps: list[Step] = []
    if ev.participation_forfaitaire_cents or ev.franchise_cents:
        steps.append(("pf_franchise", (ev.participation_forfaitaire_cents, ev.franchise_cents)))

    def done(
        line: CompiledLine | None, pay: int, ceilings: Sequence[CeilingUse] = (), lump: bool = False
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
            ceilings=tuple(ceilings),
        )

    choices = plan.codes.get(ev.benefit)
    if choices is None:
        if ev.benefit not in plan.known_codes:
            raise EventError(
                f"prestation inconnue « {ev.benefit} » (la liste des codes : "
                f"mutuelle benefits --range {plan.range_id})"
            )
        if plan.not_in_table == "gap":
            parts = " ; ".join(plan.missing_parts)
            raise EventError(
                f"« {ev.benefit} » : le tableau de garanties de la gamme {plan.range_label} "
                "n'est conservé qu'en partie et ne publie pas cette prestation. Manquent au "
                f"texte de l'offre : {parts} "
                f"(docs/interpretations.md {plan.not_in_table_gap}). Aucun remboursement par "
                "analogie avec un autre tableau : il faut le tableau complet signé.",
                f"{plan.table_short} ({plan.table_title}) — docs/interpretations.md "
                f"{plan.not_in_table_gap} : "
                f"{plan.interpretations.get(plan.not_in_table_gap or '', '')}",
            )
        steps.append(("not_in_table", (plan.table_title,)))
        return done(None, 0)

    choice, sel_steps = _select(plan, choices, ev)
    steps.extend(sel_steps)
    line = choice.by_formula[formula]
    if line.kind == K_GAP:
        raise EventError(
            f"« {line.label} », formule {formula} : le texte de l'offre ne donne pas de montant "
            f"(docs/interpretations.md {line.gap} : "
            f"{plan.interpretations.get(line.gap or '', '')}) — aucun remboursement ne peut être "
            "calculé sans deviner",
            line.source,
        )
    if line.kind == K_NONE:
        steps.append(("none", (formula,)))
        return done(line, 0)
    amo_req = line.amo if choice.amo is None else choice.amo
    if amo_req == AMO_NOT_COVERED and ev.amo_cents > 0:
        raise EventError(
            f"« {line.label} » concerne des frais non pris en charge par l'AMO, or l'événement "
            f"porte un remboursement AMO de {_euros(ev.amo_cents)} : "
            "vérifier le code de prestation",
            line.source,
        )
    if ev.establishment in ("medico_social", "geriatrie"):
        if "fjh" in line.rules and ev.establishment == "medico_social":
            steps.append(("excluded_establishment", (ev.establishment, "fjh")))
            return done(line, 0)
        if "chambre" in line.rules:
            steps.append(("excluded_establishment", (ev.establishment, "chambre")))
            return done(line, 0)
    if line.requires_enrolment:
        return _prime(plan, ev, line, steps, done)
    if ev.billed_cents == 0:
        raise EventError("frais réels (billed_cents) manquants ou nuls : rien à rembourser")
    if amo_req == AMO_COVERED and ev.amo_cents == 0:
        steps.append(("not_reimbursed", ()))
        return done(line, 0)
    if line.requires_distance:
        if ev.distance_km is None:
            raise EventError(
                "indiquer distance_km, la distance du lieu de cure au domicile : la garantie "
                f"exige un lieu de cure à plus de 50 km ({plan.rule('cure_distance').source})"
            )
        limit_km = plan.rule("cure_distance").value or 50
        if ev.distance_km <= limit_km:
            steps.append(("distance", (ev.distance_km, limit_km)))
            return done(line, 0)
    age = age_on(cov.birth_date, day)
    if line.requires_adult and age < 18:
        steps.append(("adult", (age,)))
        return done(line, 0)
    if "accompagnant" in line.rules and not _accompanied_age(cov.birth_date, day):
        steps.append(("accompagnant_age", (age,)))
        return done(line, 0)

    amo_eff = ev.amo_cents + ev.out_of_pathway_penalty_cents
    if ev.out_of_pathway_penalty_cents or ev.out_of_pathway_overrun_cents:
        steps.append(
            ("pathway", (ev.out_of_pathway_penalty_cents, ev.out_of_pathway_overrun_cents))
        )
    reimbursable = max(0, ev.billed_cents - ev.out_of_pathway_overrun_cents)
    base = max(0, reimbursable - amo_eff)
    qty = ev.quantity
    kind = line.kind
    pct_kinds = (K_PCT, K_PCT_PLUS)
    if kind in pct_kinds and ev.br_cents == 0:
        raise EventError(
            f"« {line.label} » est exprimée en % de la base de remboursement : indiquer br_cents"
        )
    if line.per == P_DAY and ev.days is None:
        raise EventError(f"« {line.label} » est un montant par jour : indiquer days")
    ceilings: list[CeilingUse] = []
    commits: list[tuple[Any, Any]] = []

    # the amount the line allows, AMO included (docs I-15)
    if kind in pct_kinds and amo_eff >= ev.br_cents:
        steps.append(("amo_full", (ev.br_cents, amo_eff)))
    if kind == K_PCT:
        cap = apply_rate(ev.br_cents, line.rate_bp) - amo_eff
        steps.append(("pct_br", (line.rate_bp, ev.br_cents, amo_eff, base, cap)))
    elif kind == K_PCT_PLUS:
        extra = line.cents * qty
        cap = apply_rate(ev.br_cents, line.rate_bp) - amo_eff + extra
        steps.append(("pct_br_plus", (line.rate_bp, ev.br_cents, amo_eff, extra, base, cap)))
    elif kind == K_FR:
        cap = base
        steps.append(("frais_reels", (reimbursable, amo_eff, base)))
    elif kind == K_PCT_FR:
        cap = apply_rate(reimbursable, line.rate_bp) - amo_eff
        steps.append(("pct_fr", (line.rate_bp, reimbursable, amo_eff, base, cap)))
    elif kind == K_AMO_PLUS:
        cap = line.cents * (qty if line.per == P_ITEM else 1)
        steps.append(("amo_plus", (line.cents, qty if line.per == P_ITEM else 1, base, cap)))
    elif kind == K_LIMIT:
        limit, why = _price_limit(plan, cov, ev, line)
        cap = min(reimbursable, limit) - amo_eff
        steps.append(("price_limit", (line.limit, limit, why, reimbursable, amo_eff, base, cap)))
    else:  # K_EUR
        if line.per == P_ITEM:
            cap = line.cents * qty - amo_eff
            steps.append(("eur_item", (line.cents, qty, amo_eff, base, cap)))
        elif line.per == P_DAY:
            days = ev.days or 0
            if line.days_per_year is not None and line.ceiling is not None:
                key = (line.ceiling, "d", day.year)
                used = st.get(key, 0)
                allowed = max(0, min(days, line.days_per_year - used))
                ceilings.append(
                    CeilingUse(
                        line.ceiling_label or line.label,
                        f"année {day.year}",
                        "jours",
                        line.days_per_year,
                        used,
                        allowed,
                    )
                )
                commits.append((key, used + allowed))
                days = allowed
            cap = line.cents * days - amo_eff
            steps.append(("eur_day", (line.cents, days, ev.days, amo_eff, base, cap)))
        else:
            cap = base  # the period ceiling below sets the amount
            steps.append(("eur_period", (line.cents, base)))
    if "dental_maitrise" in line.rules:  # « dans la limite des HLF » (Règlement 4-2)
        if ev.price_limit_cents is None:
            steps.append(("hlf_unknown", ()))
        elif min(reimbursable, ev.price_limit_cents) - amo_eff < cap:
            cap = min(reimbursable, ev.price_limit_cents) - amo_eff
            steps.append(("hlf_cap", (ev.price_limit_cents, amo_eff, cap)))
    pay = max(0, min(base, cap))

    # counters of items (implants) and of claims (one sports activity a year)
    if line.max_items_per_year is not None and line.ceiling is not None:
        key = (line.ceiling, "n", day.year)
        used = st.get(key, 0)
        allowed = max(0, min(qty, line.max_items_per_year - used))
        ceilings.append(
            CeilingUse(
                line.ceiling_label or line.label,
                f"année {day.year}",
                "implants",
                line.max_items_per_year,
                used,
                allowed,
            )
        )
        commits.append((key, used + allowed))
        if allowed < qty:
            pay = min(pay, max(0, line.cents * allowed - amo_eff))
            steps.append(("items_limit", (qty, allowed)))
    if line.max_claims_per_year is not None and line.ceiling is not None:
        key = (line.ceiling, "c", day.year)
        used = st.get(key, 0)
        if used >= line.max_claims_per_year:
            ceilings.append(
                CeilingUse(
                    line.ceiling_label or line.label,
                    f"année {day.year}",
                    "activités",
                    line.max_claims_per_year,
                    used,
                    0,
                )
            )
            steps.append(("claims_limit", (used, line.max_claims_per_year)))
            return done(line, 0, ceilings)
        commits.append((key, used + 1))
        ceilings.append(
            CeilingUse(
                line.ceiling_label or line.label,
                f"année {day.year}",
                "activités",
                line.max_claims_per_year,
                used,
                1,
            )
        )

    # periodicities (optical elements, hearing aids) — may refuse the event
    if line.periodicity is not None:
        capped = _periodicity(plan, cov, ev, line, st, age, pay, amo_eff, steps, ceilings, commits)
        if capped is None:
            return done(line, 0, ceilings)
        pay = capped

    # shared euro ceilings per period
    if (
        line.ceiling is not None
        and line.per in (P_YEAR, P_SEMESTER, P_24M, P_EYE_YEAR)
        and kind
        in (
            K_EUR,
            K_AMO_PLUS,
        )
    ):
        pay = _period_ceiling(plan, ev, line, st, pay, amo_eff, steps, ceilings, commits)

    # contrat responsable: hearing aid of class II at most 1 700 € AMO included
    if line.hearing_cap:
        ref = plan.ref_value("hearing_aid_class2_max", day)
        if ref is not None and pay > ref[0] - amo_eff:
            pay = max(0, ref[0] - amo_eff)
            steps.append(("hearing_cap", (ref[0], amo_eff, pay)))

    # contrat responsable: the ticket modérateur is always covered (docs I-28)
    if line.tm_floor and ev.br_cents and amo_eff:
        floor = min(base, max(0, ev.br_cents - amo_eff))
        if pay < floor:
            steps.append(("tm_floor", (ev.br_cents, amo_eff, floor, pay)))
            _raise_consumption(commits, ceilings, floor - pay)
            pay = floor

    # orthodontics: prorata of the covered days of the semester of care (docs I-20)
    if line.prorata_semester:
        s_start, s_end, s_label = _semester(day)
        lo = max(s_start, cov.cover_start)
        hi = s_end if cov.cover_end is None else min(s_end, cov.cover_end)
        covered = (hi - lo).days + 1
        total = (s_end - s_start).days + 1
        if covered < total:
            prorated = mul_div_round(pay, covered, total)
            steps.append(("prorata", (s_label, covered, total, pay, prorated)))
            _raise_consumption(commits, ceilings, prorated - pay)
            pay = prorated

    for key, value in commits:
        st[key] = value
    return done(line, pay, ceilings)


def _raise_consumption(
    commits: list[tuple[Any, Any]], ceilings: list[CeilingUse], delta: int
) -> None:
    """Adjust the euro consumption recorded for this event by ``delta`` cents."""
    if not delta:
        return
    for i, (key, value) in enumerate(commits):
        if isinstance(value, int) and isinstance(key, tuple) and key[1] in ("y", "s", "ye"):
            commits[i] = (key, max(0, value + delta))
        elif isinstance(value, tuple) and len(value) == 2 and key[1] == "w":
            commits[i] = (key, (value[0], max(0, value[1] + delta)))
        elif isinstance(value, _OptWindow):
            commits[i] = (key, _replace_total(value, value.total + delta))
    for i, c in enumerate(ceilings):
        if c.unit == "cents":
            ceilings[i] = CeilingUse(
                c.label, c.period, c.unit, c.limit, c.used_before, max(0, c.consumed + delta)
            )


def _replace_total(w: _OptWindow, total: int) -> _OptWindow:
    return _OptWindow(w.anchor, w.count, w.basket, total, w.cats, w.replaced)


def _price_limit(plan: Plan, cov: Coverage, ev: CareEvent, line: CompiledLine) -> tuple[int, str]:
    """The PLV / HLF of the item: from the event, else a reference value (docs I-29, G-14)."""
    if ev.price_limit_cents is not None:
        return ev.price_limit_cents, "indiqué par la demande"
    key: str | None = None
    if ev.benefit == "aide_auditive":
        age = age_on(cov.birth_date, ev.date)
        adult_age = plan.ref_value("hearing_aid_adult_age", ev.date)
        if adult_age is not None:
            key = (
                "hearing_aid_class1_plv_adult"
                if age >= adult_age[0]
                else "hearing_aid_class1_plv_under_20"
            )
    elif ev.benefit == "optique_monture" and age_on(cov.birth_date, ev.date) >= 16:
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
        line.source,
    )


def _period_ceiling(
    plan: Plan,
    ev: CareEvent,
    line: CompiledLine,
    st: dict[Any, Any],
    pay: int,
    amo_eff: int,
    steps: list[Step],
    ceilings: list[CeilingUse],
    commits: list[tuple[Any, Any]],
) -> int:
    assert line.ceiling is not None
    limit = line.cents
    label = line.ceiling_label or line.label
    # what the event itself may take before the shared ceiling
    if line.per_session_cents is not None:
        session_cap = line.per_session_cents * ev.quantity
        if pay > session_cap:
            steps.append(("per_session", (line.per_session_cents, ev.quantity, session_cap)))
            pay = session_cap
    if line.half_for_one_eye:
        if ev.eye is None:
            raise EventError("opération du champ de la vision : indiquer eye = left, right ou both")
        if ev.eye != "both":
            half = mul_div_round(limit, 1, 2)
            if pay > half:
                steps.append(("one_eye_half", (limit, half)))
                pay = half
    counts_amo = line.kind == K_EUR  # euro ceilings include the AMO share (docs I-15)
    if line.per == P_EYE_YEAR:
        if ev.eye is None:
            raise EventError("opération du champ de la vision : indiquer eye = left, right ou both")
        eyes = ("left", "right") if ev.eye == "both" else (ev.eye,)
        total = 0
        remaining_pay = pay
        for eye in eyes:
            key = (line.ceiling, "ye", ev.date.year, eye)
            used = st.get(key, 0)
            room = max(0, limit - used - (amo_eff if counts_amo and not total else 0))
            take = min(remaining_pay, room)
            remaining_pay -= take
            total += take
            commits.append((key, used + take))
            side = "œil gauche" if eye == "left" else "œil droit"
            ceilings.append(
                CeilingUse(f"{label} — {side}", f"année {ev.date.year}", "cents", limit, used, take)
            )
        if total < pay:
            steps.append(("ceiling", (pay, total)))
        return total
    key, period_label, new_anchor = _period(line, ev, st, plan.rule("cure_24").value or 24)
    if new_anchor is not None:
        used = 0
    else:
        raw = st.get(key, 0)
        used = int(raw[1] if isinstance(raw, tuple) else raw)
    room = max(0, limit - used - (amo_eff if counts_amo else 0))
    take = min(pay, room)
    if take < pay:
        steps.append(("ceiling", (pay, take)))
    consumed = take + (amo_eff if counts_amo else 0)
    if line.per == P_24M:
        anchor = new_anchor if new_anchor is not None else st[key][0]
        commits.append((key, (anchor, used + consumed)))
    else:
        commits.append((key, used + consumed))
    ceilings.append(CeilingUse(label, period_label, "cents", limit, used, consumed))
    return take


def _periodicity(
    plan: Plan,
    cov: Coverage,
    ev: CareEvent,
    line: CompiledLine,
    st: dict[Any, Any],
    age: int,
    pay: int,
    amo_eff: int,
    steps: list[Step],
    ceilings: list[CeilingUse],
    commits: list[tuple[Any, Any]],
) -> int | None:
    """Check and record an optical or hearing periodicity.

    Returns the amount still payable after the contrat responsable caps on the equipment, or
    ``None`` when the periodicity refuses the event.
    """
    day = ev.date
    kind = line.periodicity
    if kind == "hearing":
        if ev.ear is None:
            raise EventError("aide auditive : indiquer ear = left ou right (une aide par oreille)")
        if ev.quantity != 1:
            raise EventError("aide auditive : un événement par appareil (quantity = 1), avec ear")
        months = plan.rule("hearing_period").value or 48
        ear_key = ("ha", ev.ear)
        last = st.get(ear_key)
        side = "oreille gauche" if ev.ear == "left" else "oreille droite"
        if last is not None and day < add_months(last, months):
            steps.append(("periodicity_hearing", (side, last, add_months(last, months))))
            return None
        commits.append((ear_key, day))
        steps.append(("hearing_ok", (side, last, months)))
        return pay

    slot = 2 if ev.second_equipment else 1
    if ev.second_equipment:
        steps.append(("second_equipment", ()))
    elem = "frame" if kind in ("optical_frame", "replacement_frame") else "lens"
    key = ("opt", slot, elem)
    other_key = ("opt", slot, "lens" if elem == "frame" else "frame")
    child_age = plan.rule("optical_child_age").value or 16
    if age < child_age:
        months = plan.rule("optical_period_child").value or 12
    else:
        months = plan.rule("optical_period_adult").value or 24
    w: _OptWindow | None = st.get(key)
    qty = ev.quantity
    max_count = 1 if elem == "frame" else 2
    elem_label = "monture" if elem == "frame" else "verres"
    if qty > max_count:
        raise EventError(f"{elem_label} : au plus {max_count} par équipement (quantity = {qty})")
    replacement = kind in ("replacement_frame", "replacement_lens")
    used_before = 0
    if replacement:
        if w is None:
            steps.append(("replacement_no_equipment", (elem_label,)))
            return None
        start, end = add_months(w.anchor, 12), add_months(w.anchor, 23)
        if not (start <= day < end):
            steps.append(("replacement_window", (w.anchor, start, end)))
            return None
        if w.replaced + qty > max_count:
            steps.append(("replacement_used", (elem_label, w.replaced, max_count)))
            return None
        used_before = w.replaced
        new = _OptWindow(w.anchor, w.count, w.basket, w.total, w.cats, w.replaced + qty)
        steps.append(("replacement_ok", (w.anchor, start, end)))
    elif w is None or day >= add_months(w.anchor, months):
        new = _OptWindow(day, qty, ev.basket, 0, ())
        steps.append(("optical_new", (elem_label, months, w.anchor if w else None)))
    elif w.count + qty <= max_count:
        if elem == "lens" and w.basket is not None and w.basket != ev.basket:
            steps.append(("lens_mix", ()))
            return None
        used_before = w.count
        new = _OptWindow(w.anchor, w.count + qty, w.basket or ev.basket, w.total, w.cats)
        steps.append(("optical_join", (elem_label, w.anchor)))
    else:
        renewal = ev.renewal
        ok = False
        rule = ""
        if renewal == "vision_change":
            if age >= child_age:
                rule = "optical_renewal_vision"
                ok = day >= add_months(w.anchor, plan.rule(rule).value or 12)
            else:
                rule = "optical_renewal_child_lenses"
                ok = elem == "lens"
        elif renewal == "child_face":
            rule = "optical_renewal_child_face"
            ok = age <= 6 and day >= add_months(w.anchor, plan.rule(rule).value or 6)
        elif renewal == "medical":
            rule = "optical_renewal_medical"
            ok = elem == "lens"
        if not ok:
            nxt = add_months(w.anchor, months)
            steps.append(("periodicity_optical", (elem_label, w.anchor, nxt, renewal)))
            return None
        new = _OptWindow(day, qty, ev.basket, 0, ())
        steps.append(("optical_renewal", (elem_label, rule, w.anchor)))

    # contrat responsable caps on class B elements: frame ≤ 100 €, equipment ≤ case a) to f),
    # the mutual and the AMO together (R871-2 3°, Règlement particuliers IV-2 3°)
    cap = pay
    if line.frame_cap:
        ref = plan.ref_value("optical_frame_class_b_max", day)
        if ref is not None:
            room = max(0, ref[0] - new.total - amo_eff)
            if room < cap:
                cap = room
                steps.append(("frame_cap", (ref[0], new.total, amo_eff, cap)))
    cats = new.cats
    if kind == "optical_lens" and ev.basket == "libre" and ev.lens_category:
        cats = cats + (ev.lens_category,) * qty
    if line.equipment_caps and cats:
        other: _OptWindow | None = st.get(other_key)
        other_total = 0
        if other is not None and day < add_months(other.anchor, months):
            other_total = other.total
        a, b = cats[0], cats[1] if len(cats) > 1 else cats[0]
        case = _EQUIPMENT_CASE.get((a, b) if a <= b else (b, a))
        ref = plan.ref_value(f"optical_equipment_max_{case}", day) if case else None
        if ref is not None:
            room = max(0, ref[0] - new.total - other_total - amo_eff)
            if room < cap:
                cap = room
                steps.append(
                    ("equipment_cap", (case, ref[0], new.total + other_total, amo_eff, cap))
                )
    final = min(pay, cap)
    end_day = add_months(new.anchor, months) - dt.timedelta(days=1)
    ceilings.append(
        CeilingUse(
            f"Équipement optique{' n° 2' if slot == 2 else ''} — "
            + ("forfaits de remplacement " if replacement else "")
            + elem_label,
            f"période du {new.anchor:%d/%m/%Y} au {end_day:%d/%m/%Y}",
            "montures" if elem == "frame" else "verres",
            max_count,
            used_before,
            qty,
        )
    )
    total = new.total + final + amo_eff
    commits.append((key, _OptWindow(new.anchor, new.count, new.basket, total, cats, new.replaced)))
    return final


def _prime(
    plan: Plan, ev: CareEvent, line: CompiledLine, steps: list[Step], done: Any
) -> Settlement:
    if ev.enrolled_on is None:
        raise EventError(
            "prime de naissance ou d'adoption : indiquer enrolled_on, la date d'inscription de "
            f"l'enfant au contrat ({plan.rule('prime').source})"
        )
    months = plan.rule("prime").value or 3
    deadline = add_months(ev.date, months)
    if ev.enrolled_on > deadline:
        steps.append(("enrolment_late", (ev.enrolled_on, deadline)))
        result: Settlement = done(line, 0, (), True)
        return result
    pay = line.cents * ev.quantity
    steps.append(("prime", (line.cents, ev.quantity, ev.enrolled_on, deadline)))
    result = done(line, pay, (), True)
    return result


# --- the ledger: consumption as a value ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    key: tuple[dt.date, int]
    event: CareEvent
    settlement: Settlement


@dataclass(frozen=True, slots=True)
class Ledger:
    """What one beneficiary has consumed: the settled events and the resulting counters."""

    coverage: Coverage | None = None
    entries: tuple[_Entry, ...] = ()  # empty when the history is not kept
    state: Mapping[Any, Any] = field(default_factory=lambda: MappingProxyType({}))
    last_key: tuple[dt.date, int] | None = None  # order key of the last settled event
    next_seq: int = 0

    @property
    def settlements(self) -> tuple[Settlement, ...]:
        return tuple(e.settlement for e in self.entries)


@dataclass(frozen=True, slots=True)
class BatchResult:
    settlements: tuple[Settlement, ...]  # the batch's events, in settlement order
    revised: tuple[Settlement, ...]  # earlier settlements a late event changed
    ledger: Ledger


def initial_state(cov: Coverage) -> dict[Any, Any]:
    """Counters before the first event: equipment bought before the adhesion (I-9-2-3)."""
    st: dict[Any, Any] = {}
    if cov.last_optical_equipment is not None:
        d = cov.last_optical_equipment
        st[("opt", 1, "frame")] = _OptWindow(d, 1, None, 0, ())
        st[("opt", 1, "lens")] = _OptWindow(d, 2, None, 0, ())
    for ear, d in cov.last_hearing_aids.items():
        st[("ha", ear)] = d
    return st


def settle(
    plan: Plan,
    cov: Coverage,
    events: Iterable[CareEvent],
    ledger: Ledger | None = None,
    keep_history: bool = True,
) -> BatchResult:
    """Settle a batch of one beneficiary's events, continuing ``ledger``.

    Events are settled in (care date, reception order). An event dated before the ledger's
    last one (or a changed cover) re-settles the whole history; the earlier settlements that
    change are returned in ``revised``. With ``keep_history=False`` (the benchmark's path) the
    ledger keeps only its counters, and such a late event is refused (:class:`PlanError`).
    """
    if ledger is None or ledger.coverage != cov:
        check_coverage(plan, cov)
    ledger = ledger or Ledger()
    batch = list(events)
    new = [((ev.date, ledger.next_seq + i), ev) for i, ev in enumerate(batch)]
    new.sort(key=lambda x: x[0])
    next_seq = ledger.next_seq + len(batch)
    changed_cover = ledger.coverage is not None and ledger.coverage != cov
    late = bool(new) and ledger.last_key is not None and new[0][0] < ledger.last_key
    if not (changed_cover or late):
        st = initial_state(cov) if ledger.last_key is None else dict(ledger.state)
        settled = [settle_event(plan, cov, ev, st, k[1]) for k, ev in new]
        entries = ledger.entries
        if keep_history:
            entries = entries + tuple(
                _Entry(k, ev, s) for (k, ev), s in zip(new, settled, strict=True)
            )
        last = new[-1][0] if new else ledger.last_key
        return BatchResult(
            tuple(settled), (), Ledger(cov, entries, MappingProxyType(st), last, next_seq)
        )
    if ledger.last_key is not None and not ledger.entries:
        raise PlanError(
            "ce registre ne garde pas l'historique des événements : un événement antérieur au "
            "dernier réglé, ou un changement de couverture, ne peut pas y être intégré"
        )
    # a late event (or a changed cover): re-settle the whole history, in order
    previous = {e.key: e.settlement for e in ledger.entries}
    merged = sorted([(e.key, e.event) for e in ledger.entries] + new, key=lambda x: x[0])
    st = initial_state(cov)
    entries_l: list[_Entry] = []
    fresh: list[Settlement] = []
    revised: list[Settlement] = []
    for k, ev in merged:
        s = settle_event(plan, cov, ev, st, k[1])
        entries_l.append(_Entry(k, ev, s))
        if k in previous:
            if previous[k] != s:
                revised.append(s)
        else:
            fresh.append(s)
    last = merged[-1][0] if merged else None
    return BatchResult(
        tuple(fresh),
        tuple(revised),
        Ledger(cov, tuple(entries_l), MappingProxyType(st), last, next_seq),
    )


def check_coverage(plan: Plan, cov: Coverage) -> None:
    """Refuse a cover the range cannot have (:class:`PlanError`, the whole request)."""
    for _, name in cov.formulas:
        if name not in plan.formulas:
            raise PlanError(
                f"formule inconnue « {name} » pour la gamme {plan.range_label} "
                f"(formules : {', '.join(plan.formulas)})"
            )
    for day, name in cov.formulas[1:]:
        if (day.month, day.day) != (1, 1):
            raise PlanError(
                f"changement de formule vers {name} le {day:%d/%m/%Y} : un changement de formule "
                "prend effet au 1er janvier",
                plan.rule("formula_change").source,
            )
    if cov.birth_date > cov.cover_start:
        raise PlanError("beneficiary.birth_date postérieure au début de la couverture")
