"""Ceilings and counters: what an event may still take, and the entries it consumes.

* euro ceilings shared by lines (``ceiling`` in the table data): per calendar year, calendar
  half-year (orthodontics), 24-month window opened by the first claim (thermal cure), per eye
  and calendar year (refractive surgery); an euro ceiling « AMO comprise » counts the AMO share
  (docs I-15, I-20);
* counters per calendar year: days (companion, 15 days), implants (3), activities (one sport);
* the per-session amount (bien-être) and the half forfait of one eye (vision surgery).

Nothing here changes the ledger: each function adds its entries to the event's
:class:`Pending`, which the engine applies when the event is settled (and drops when a rule
refuses it afterwards).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from mutuelle.benefits.consumption import (
    ActivityCounter,
    Consumption,
    DayCounter,
    EyeCeiling,
    ItemCounter,
    Key,
    OpticalSlot,
    Period,
    SemesterCeiling,
    Unit,
    WindowCeiling,
    Working,
    YearCeiling,
    semester_period,
    year_period,
)
from mutuelle.benefits.events import CareEvent
from mutuelle.benefits.plan import CompiledLine, Kind, Per, Plan
from mutuelle.benefits.steps import BenefitStep, CeilingReached, ItemsLimit, OneEyeHalf, PerSession
from mutuelle.dates import add_months
from mutuelle.money import mul_div_round
from mutuelle.refusal import Code, Refusal


class EventError(Refusal):
    """An event that cannot be settled (turned into ``Settlement.error`` with its code)."""

    default_code = Code.EVENT_FIELD
    source_in_str = False


@dataclass(frozen=True, slots=True)
class CeilingUse:
    """A ceiling or a counter this settlement consumed, and what remains of it (display)."""

    label: str
    period: str  # "année 2025", "1er semestre 2025", "période du … au …"
    unit: str  # "cents", "jours", "implants", "activités", "verres", "montures"
    limit: int
    used_before: int
    consumed: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used_before - self.consumed)


class Pending:
    """An event's consumption until it is settled: its entries and what it shows."""

    __slots__ = ("bases", "ceilings", "entries")

    def __init__(self) -> None:
        self.entries: list[Consumption] = []
        self.bases: list[int] = []  # what was used on the entry's key and period before
        self.ceilings: list[CeilingUse] = []

    def add(self, entry: Consumption, used_before: int = 0) -> None:
        self.entries.append(entry)
        self.bases.append(used_before)

    def raise_cents(self, delta: int) -> None:
        """Adjust the euro consumption of this event by ``delta`` cents (the ticket
        modérateur floor, docs I-28; the orthodontic prorata, docs I-20)."""
        if not delta:
            return
        for i, e in enumerate(self.entries):
            if e.unit is not Unit.CENTS:
                continue
            if isinstance(e.key, OpticalSlot):  # mutual + AMO reimbursed on the element
                self.entries[i] = replace(e, amount=e.amount + delta)
            else:  # a ceiling's consumption never goes below nothing
                base = self.bases[i]
                self.entries[i] = replace(e, amount=max(0, base + e.amount + delta) - base)
        for i, c in enumerate(self.ceilings):
            if c.unit == "cents":
                self.ceilings[i] = replace(c, consumed=max(0, c.consumed + delta))

    def commit(self, ws: Working) -> tuple[Consumption, ...]:
        for e in self.entries:
            ws.apply(e)
        return tuple(self.entries)


def _label(line: CompiledLine) -> str:
    return line.ceiling_label or line.label


def days_allowed(line: CompiledLine, ev: CareEvent, days: int, ws: Working, p: Pending) -> int:
    """Days paid within the yearly count (« dans la limite de 15 jours par an »)."""
    assert line.days_per_year is not None and line.ceiling is not None
    key, period = DayCounter(line.ceiling), year_period(ev.date)
    used = ws.used(key, period, Unit.DAYS)
    allowed = max(0, min(days, line.days_per_year - used))
    p.ceilings.append(
        CeilingUse(
            _label(line), f"année {ev.date.year}", "jours", line.days_per_year, used, allowed
        )
    )
    p.add(Consumption(key, period, Unit.DAYS, allowed), used)
    return allowed


def items_allowed(
    line: CompiledLine, ev: CareEvent, ws: Working, p: Pending, steps: list[BenefitStep]
) -> int:
    """Items paid within the yearly count (« limité à 3 implants/an/bénéficiaire »)."""
    assert line.max_items_per_year is not None and line.ceiling is not None
    key, period = ItemCounter(line.ceiling), year_period(ev.date)
    used = ws.used(key, period, Unit.IMPLANTS)
    qty = ev.quantity
    allowed = max(0, min(qty, line.max_items_per_year - used))
    p.ceilings.append(
        CeilingUse(
            _label(line),
            f"année {ev.date.year}",
            "implants",
            line.max_items_per_year,
            used,
            allowed,
        )
    )
    p.add(Consumption(key, period, Unit.IMPLANTS, allowed), used)
    if allowed < qty:
        steps.append(ItemsLimit(qty, allowed, line.max_items_per_year))
    return allowed


def activity_allowed(line: CompiledLine, ev: CareEvent, ws: Working, p: Pending) -> int | None:
    """One more paid claim in the year (« une seule activité par an »): None, or the claims
    already paid when the count is reached."""
    assert line.max_claims_per_year is not None and line.ceiling is not None
    key, period = ActivityCounter(line.ceiling), year_period(ev.date)
    used = ws.used(key, period, Unit.ACTIVITIES)
    label, year = _label(line), f"année {ev.date.year}"
    if used >= line.max_claims_per_year:
        p.ceilings.append(CeilingUse(label, year, "activités", line.max_claims_per_year, used, 0))
        return used
    p.add(Consumption(key, period, Unit.ACTIVITIES, 1), used)
    p.ceilings.append(CeilingUse(label, year, "activités", line.max_claims_per_year, used, 1))
    return None


def _window_label(anchor: dt.date, months: int) -> str:
    end = add_months(anchor, months) - dt.timedelta(days=1)
    return f"période du {anchor:%d/%m/%Y} au {end:%d/%m/%Y}"


def semester_label(day: dt.date) -> str:
    return f"1er semestre {day.year}" if day.month <= 6 else f"2e semestre {day.year}"


def _period(
    plan: Plan, line: CompiledLine, ev: CareEvent, ws: Working
) -> tuple[Key, Period, str, bool]:
    """The key of the ceiling, its current period and label, and whether it opens now."""
    assert line.ceiling is not None
    day = ev.date
    if line.per == Per.YEAR:
        return YearCeiling(line.ceiling), year_period(day), f"année {day.year}", False
    if line.per == Per.SEMESTER:
        return SemesterCeiling(line.ceiling), semester_period(day), semester_label(day), False
    # Per.MONTHS_24: a window opened by the first settled claim (docs I-20)
    months = plan.parameters.cure_window_months
    key = WindowCeiling(line.ceiling)
    w = ws.window(key)
    if w is None or day >= add_months(w.start, months):
        end = add_months(day, months) - dt.timedelta(days=1)
        n = 1 if w is None else w.window + 1
        return key, Period(day, end, n), _window_label(day, months), True
    return key, w, _window_label(w.start, months), False


def period_ceiling(
    plan: Plan,
    ev: CareEvent,
    line: CompiledLine,
    ws: Working,
    pay: int,
    amo_eff: int,
    steps: list[BenefitStep],
    p: Pending,
) -> int:
    """What a shared euro ceiling still allows of ``pay``, and its consumption."""
    assert line.ceiling is not None
    limit = line.cents
    label = _label(line)
    # what the event itself may take before the shared ceiling
    if line.per_session_cents is not None:
        session_cap = line.per_session_cents * ev.quantity
        if pay > session_cap:
            steps.append(PerSession(line.per_session_cents, ev.quantity, session_cap))
            pay = session_cap
    if line.half_for_one_eye:
        if ev.eye is None:
            raise EventError("opération du champ de la vision : indiquer eye = left, right ou both")
        if ev.eye != "both":
            # « la moitié du forfait » (Règlement particuliers 4-3-3, l. 3108)
            half = mul_div_round(limit, 1, 2)
            if pay > half:
                steps.append(OneEyeHalf(limit, half))
                pay = half
    counts_amo = line.kind == Kind.EUR  # euro ceilings include the AMO share (docs I-15)
    if line.per == Per.EYE_YEAR:
        if ev.eye is None:
            raise EventError("opération du champ de la vision : indiquer eye = left, right ou both")
        eyes: tuple[str, ...] = ("left", "right") if ev.eye == "both" else (ev.eye,)
        total = 0
        remaining_pay = pay
        period = year_period(ev.date)
        for eye in eyes:
            eye_key = EyeCeiling(line.ceiling, eye)  # type: ignore[arg-type]
            used = ws.used(eye_key, period, Unit.CENTS)
            room = max(0, limit - used - (amo_eff if counts_amo and not total else 0))
            take = min(remaining_pay, room)
            remaining_pay -= take
            total += take
            p.add(Consumption(eye_key, period, Unit.CENTS, take), used)
            side = "œil gauche" if eye == "left" else "œil droit"
            p.ceilings.append(
                CeilingUse(f"{label} — {side}", f"année {ev.date.year}", "cents", limit, used, take)
            )
        if total < pay:
            steps.append(CeilingReached(pay, total))
        return total
    key, period, period_label, opens = _period(plan, line, ev, ws)
    used = 0 if opens else ws.used(key, period, Unit.CENTS)
    room = max(0, limit - used - (amo_eff if counts_amo else 0))
    take = min(pay, room)
    if take < pay:
        steps.append(CeilingReached(pay, take))
    consumed = take + (amo_eff if counts_amo else 0)
    p.add(Consumption(key, period, Unit.CENTS, consumed), used)
    p.ceilings.append(CeilingUse(label, period_label, "cents", limit, used, consumed))
    return take
