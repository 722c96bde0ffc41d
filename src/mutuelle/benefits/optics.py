"""Optical and hearing periodicities, and the contrat responsable caps on class B optics.

Règlement particuliers 4-3-1 and its Annexe 2, footnotes (1) to (4) of the tables, R871-2 3° and
6° CSS (docs I-19, I-23, I-25): an optical equipment is a frame and two lenses, each element with
its own period (24 months, 12 under 16) opened by the purchase that starts it; early renewals
(vision change, a child's face, a medical situation); a second equipment with its own periods;
the TNS replacement lump sums from the 13th to the 23rd month; one hearing aid per ear per 4
years. Class B elements stay within 100 € for the frame and the case a) to f) maximum for the
equipment, the mutual and the AMO together.

The state of an element is read from the ledger (:class:`~mutuelle.benefits.consumption.Working`):
its current window, the frames or lenses counted in it, the euros reimbursed on it (mutual +
AMO), the replacement lump sums used, the basket and the class B lens categories (tags).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mutuelle.benefits.consumption import (
    Consumption,
    Element,
    HearingSlot,
    OpticalSlot,
    Period,
    Unit,
    Working,
)
from mutuelle.benefits.events import CareEvent, Coverage
from mutuelle.benefits.limits import CeilingUse, EventError, Pending
from mutuelle.benefits.plan import CompiledLine, Periodicity, Plan
from mutuelle.benefits.steps import (
    BenefitStep,
    EquipmentCap,
    FrameCap,
    HearingOk,
    HearingPeriodicity,
    LensMix,
    OpticalJoin,
    OpticalNew,
    OpticalPeriodicity,
    OpticalRenewal,
    ReplacementNoEquipment,
    ReplacementOk,
    ReplacementUsed,
    ReplacementWindow,
    SecondEquipment,
)
from mutuelle.dates import add_months, age_on
from mutuelle.refusal import Code

# optical equipment maxima (contrat responsable, R871-2 3° a) to f), restated by Règlement
# particuliers IV-2 3°, l. 2888-2917) by the two lens categories
_EQUIPMENT_CASE = {
    ("simple", "simple"): "a",
    ("complexe", "simple"): "b",
    ("complexe", "complexe"): "c",
    ("simple", "tres_complexe"): "d",
    ("complexe", "tres_complexe"): "e",
    ("tres_complexe", "tres_complexe"): "f",
}
_COUNT = {"frame": Unit.FRAMES, "lens": Unit.LENSES}


@dataclass(frozen=True, slots=True)
class _Element:
    """An optical element's current window, read from the ledger."""

    period: Period
    count: int
    basket: str | None
    total: int  # mutual + AMO reimbursed on it (contrat responsable maxima include AMO)
    cats: tuple[str, ...]  # categories of its class B lenses
    replaced: int  # TNS replacement lump sums used in this period


def _element(ws: Working, key: OpticalSlot) -> _Element | None:
    w = ws.window(key)
    if w is None:
        return None
    unit = _COUNT[key.element]
    baskets = ws.tagged(key, w, unit)
    return _Element(
        w,
        ws.used(key, w, unit),
        baskets[0] if baskets else None,
        ws.used(key, w, Unit.CENTS),
        ws.tagged(key, w, Unit.CLASS_B_LENSES),
        ws.used(key, w, Unit.REPLACEMENTS),
    )


def optical_months(plan: Plan, age: int) -> int:
    """The optical period at this age (Règlement particuliers 4-3-1: one year under 16)."""
    p = plan.parameters
    return (
        p.optical_period_child_months
        if age < p.optical_child_age
        else p.optical_period_adult_months
    )


def opening(plan: Plan, cov: Coverage) -> tuple[Consumption, ...]:
    """The periods opened before the adhesion: the last optical equipment and hearing aids
    (Règlement particuliers I-9-2-3, « date de facturation du dernier équipement »)."""
    out: list[Consumption] = []
    if cov.last_optical_equipment is not None:
        d = cov.last_optical_equipment
        months = optical_months(plan, age_on(cov.birth_date, d))
        period = Period(d, add_months(d, months) - dt.timedelta(days=1), 1)
        out.append(Consumption(OpticalSlot(1, "frame"), period, Unit.FRAMES, 1))
        lenses = plan.parameters.optical_lenses_per_equipment
        out.append(Consumption(OpticalSlot(1, "lens"), period, Unit.LENSES, lenses))
    months = plan.parameters.hearing_period_months
    for ear, d in cov.last_hearing_aids.items():
        period = Period(d, add_months(d, months) - dt.timedelta(days=1), 1)
        out.append(Consumption(HearingSlot(ear), period, Unit.DEVICES, 1))  # type: ignore[arg-type]
    return tuple(out)


def hearing(
    plan: Plan, ev: CareEvent, ws: Working, pay: int, steps: list[BenefitStep], p: Pending
) -> int | None:
    """One hearing aid per ear per period (footnote (4), docs I-23); None when refused."""
    if ev.ear is None:
        raise EventError(
            "aide auditive : indiquer ear = left ou right (une aide par oreille)",
            code=Code.EVENT_FIELD,
        )
    if ev.quantity != 1:
        raise EventError(
            "aide auditive : un événement par appareil (quantity = 1), avec ear",
            code=Code.EVENT_INCONSISTENT,
        )
    months = plan.parameters.hearing_period_months
    key = HearingSlot(ev.ear)  # type: ignore[arg-type]
    w = ws.window(key)
    last = w.start if w is not None else None
    side = "oreille gauche" if ev.ear == "left" else "oreille droite"
    day = ev.date
    if last is not None and day < add_months(last, months):
        steps.append(HearingPeriodicity(side, last, add_months(last, months), months))
        return None
    period = Period(
        day, add_months(day, months) - dt.timedelta(days=1), 1 if w is None else w.window + 1
    )
    p.add(Consumption(key, period, Unit.DEVICES, 1))
    steps.append(HearingOk(side, last, months))
    return pay


def optics(
    plan: Plan,
    ev: CareEvent,
    line: CompiledLine,
    ws: Working,
    age: int,
    pay: int,
    amo_eff: int,
    steps: list[BenefitStep],
    p: Pending,
) -> int | None:
    """Check and record an optical element's periodicity; what is still payable after the
    contrat responsable caps on the equipment, or None when the periodicity refuses it."""
    pa = plan.parameters
    day = ev.date
    kind = line.periodicity
    slot: int = 2 if ev.second_equipment else 1
    if ev.second_equipment:
        steps.append(SecondEquipment())
    elem: Element = (
        "frame" if kind in (Periodicity.OPTICAL_FRAME, Periodicity.REPLACEMENT_FRAME) else "lens"
    )
    key = OpticalSlot(slot, elem)  # type: ignore[arg-type]
    other_key = OpticalSlot(slot, "lens" if elem == "frame" else "frame")  # type: ignore[arg-type]
    child_age = pa.optical_child_age
    months = optical_months(plan, age)
    w = _element(ws, key)
    qty = ev.quantity
    max_count = 1 if elem == "frame" else pa.optical_lenses_per_equipment
    elem_label = "monture" if elem == "frame" else "verres"
    if qty > max_count:
        raise EventError(
            f"{elem_label} : au plus {max_count} par équipement (quantity = {qty})",
            plan.rule("optical_lenses_per_equipment").cite,
            code=Code.EVENT_INCONSISTENT,
        )
    replacement = kind in (Periodicity.REPLACEMENT_FRAME, Periodicity.REPLACEMENT_LENS)
    used_before = 0
    new_window = False
    if replacement:
        if w is None:
            steps.append(ReplacementNoEquipment(elem_label))
            return None
        first, last = pa.replacement_from_months, pa.replacement_until_months
        start, end = add_months(w.period.start, first), add_months(w.period.start, last)
        if not (start <= day < end):
            steps.append(ReplacementWindow(w.period.start, start, end, first, last))
            return None
        if w.replaced + qty > max_count:
            steps.append(ReplacementUsed(elem_label, w.replaced, max_count))
            return None
        used_before = w.replaced
        steps.append(ReplacementOk(w.period.start, start, end, first, last))
    elif w is None or day >= add_months(w.period.start, months):
        new_window = True
        steps.append(OpticalNew(elem_label, months, w.period.start if w else None))
    elif w.count + qty <= max_count:
        if elem == "lens" and w.basket is not None and w.basket != ev.basket:
            steps.append(LensMix())
            return None
        used_before = w.count
        steps.append(OpticalJoin(elem_label, w.period.start))
    else:
        renewal = ev.renewal
        ok = False
        rule = ""
        if renewal == "vision_change":
            if age >= child_age:
                rule = "optical_renewal_vision"
                ok = day >= add_months(w.period.start, pa.renewal_vision_months)
            else:
                rule = "optical_renewal_child_lenses"
                ok = elem == "lens"
        elif renewal == "child_face":
            rule = "optical_renewal_child_face"
            ok = age <= pa.renewal_child_face_age and day >= add_months(
                w.period.start, pa.renewal_child_face_months
            )
        elif renewal == "medical":
            rule = "optical_renewal_medical"
            ok = elem == "lens"
        if not ok:
            nxt = add_months(w.period.start, months)
            steps.append(OpticalPeriodicity(elem_label, w.period.start, nxt, renewal))
            return None
        new_window = True
        steps.append(OpticalRenewal(elem_label, rule, w.period.start))

    cats: tuple[str, ...]
    if new_window:
        n = 1 if w is None else w.period.window + 1
        period = Period(day, add_months(day, months) - dt.timedelta(days=1), n)
        total_before, cats = 0, ()
    else:
        assert w is not None
        period, total_before, cats = w.period, w.total, w.cats
    class_b = kind == Periodicity.OPTICAL_LENS and ev.basket == "libre" and ev.lens_category
    if class_b:
        assert ev.lens_category is not None
        cats = (*cats, *(ev.lens_category,) * qty)

    # contrat responsable caps on class B elements: frame ≤ 100 €, equipment ≤ case a) to f),
    # the mutual and the AMO together (R871-2 3°, Règlement particuliers IV-2 3°)
    cap = pay
    if line.flags.frame_cap:
        limit = _reference(plan, "optical_frame_class_b_max", day, "optical_frame_cap")
        room = max(0, limit - total_before - amo_eff)
        if room < cap:
            cap = room
            steps.append(FrameCap(limit, total_before, amo_eff, cap))
    if line.flags.equipment_caps and cats:
        other = _element(ws, other_key)
        other_total = 0
        if other is not None and day < add_months(other.period.start, months):
            other_total = other.total
        a, b = cats[0], cats[1] if len(cats) > 1 else cats[0]
        case = _EQUIPMENT_CASE.get((a, b) if a <= b else (b, a))
        if case is not None:
            limit = _reference(plan, f"optical_equipment_max_{case}", day, "optical_equipment_caps")
            room = max(0, limit - total_before - other_total - amo_eff)
            if room < cap:
                cap = room
                steps.append(EquipmentCap(case, limit, total_before + other_total, amo_eff, cap))
    final = min(pay, cap)
    end_day = add_months(period.start, months) - dt.timedelta(days=1)
    p.ceilings.append(
        CeilingUse(
            f"Équipement optique{' n° 2' if slot == 2 else ''} — "
            + ("forfaits de remplacement " if replacement else "")
            + elem_label,
            f"période du {period.start:%d/%m/%Y} au {end_day:%d/%m/%Y}",
            "montures" if elem == "frame" else "verres",
            max_count,
            used_before,
            qty,
        )
    )
    if replacement:
        p.add(Consumption(key, period, Unit.REPLACEMENTS, qty), used_before)
    else:
        p.add(Consumption(key, period, _COUNT[elem], qty, ev.basket), used_before)
    if class_b:
        for _ in range(qty):
            p.add(Consumption(key, period, Unit.CLASS_B_LENSES, 1, ev.lens_category))
    p.add(Consumption(key, period, Unit.CENTS, final + amo_eff), total_before)
    return final


def _reference(plan: Plan, key: str, day: dt.date, rule_id: str) -> int:
    """A contrat responsable limit in force on the care date; refused without one."""
    ref = plan.ref_value(key, day)
    if ref is None:
        raise EventError(
            f"aucune valeur de référence « {key} » en vigueur le {day:%d/%m/%Y} : le plafond du "
            "contrat responsable ne peut pas être appliqué",
            plan.rule(rule_id).cite,
            code=Code.REFERENCE_VALUE,
        )
    return ref[0]
