"""Needs-based advice (pure core): for the care a household expects in a year, what each
formula costs in total — the year's contributions (pricing engine) plus what is left to pay
after the Assurance Maladie and the Mutuelle (reimbursement engine) — on typical prices.

Typical prices are data (``offers/data/typical-care/typical-care-2025.yaml``): each item keeps
its tag ([C]/[S]/[A]/[U], as in regulation.md), its sources and its dates; only [C], [S] and [A]
items are offered as needs (docs I-72). They are typical prices, not quotes.

What it computes, for each formula of the household's range:

* ``premium_cents``: the contributions of a full calendar year (``quote`` from 1 January);
* per person, every need × quantity is turned into care events spread over the year and
  settled by :func:`mutuelle.benefits.settle` in that formula (ceilings per beneficiary and
  per year consumed in date order); the participation forfaitaire and the franchises stay with
  the person (never reimbursed, contrat responsable), minors are exempt, and each is capped at
  50 € a year and per person (regulation.md §2.4, docs I-73);
* ``total_cents`` = premium + out-of-pocket. A care the texts do not price in a formula (a
  gap of the guarantee tables) is counted as not reimbursed: the total is then an upper bound
  (``complete`` false, ``gaps`` say why) and the formula is not ranked (docs I-74).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mutuelle import yamlio
from mutuelle.benefits import CareEvent, Coverage, compile_plan, settle
from mutuelle.benefits.plan import PlanError
from mutuelle.dates import age_on
from mutuelle.explain import Cited
from mutuelle.offers.model import Offer
from mutuelle.pricing import FormulaQuote, Household, quote

Tag = Literal["C", "S", "A", "U"]
OFFERED_TAGS = ("C", "S", "A")
DEDUCTIBLE_CAP_CENTS = 5000  # 50 € a year per person, each kind (regulation.md §2.4 [S])
ADULT_AGE = 18  # participation forfaitaire and franchises: minors exempt (regulation.md §2.4)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Open(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow")


class SourceRef(_Frozen):
    url: str
    says: str
    tag: Tag


class SettleAs(_Frozen):
    benefit: str
    billed_cents: int | None = Field(default=None, ge=0)
    br_cents: int | None = Field(default=None, ge=0)
    amo_cents: int | None = Field(default=None, ge=0)
    dptam: bool | None = None
    basket: str | None = None
    lens_category: str | None = None
    quantity: int = Field(default=1, ge=1)
    days: int | None = Field(default=None, ge=1)
    price_limit_cents: int | None = Field(default=None, ge=0)


class TypicalItem(_Open):
    """One typical price, as researched (extra research fields are kept as they are)."""

    id: str
    label_fr: str
    category: str
    unit: str
    valid_from: dt.date
    valid_to: dt.date
    billed_cents: int | None
    br_cents: int | None = None
    amo_cents: int | None = None
    deductible_cents: int | None = 0
    deductible_kind: Literal["participation_forfaitaire", "franchise"] | None = None
    tag: Tag
    confidence: str
    notes: str = ""
    sources: tuple[SourceRef, ...] = ()
    settle_as: tuple[SettleAs, ...] = ()


class NeedDef(_Frozen):
    id: str
    label: str
    items: tuple[str, ...] = Field(min_length=1)
    max_per_year: int = Field(ge=1)
    min_age: int | None = None
    max_age: int | None = None
    # The child reference prices of the same need, up to ``child_max_age`` (issue 9).
    child_items: tuple[str, ...] = ()
    child_max_age: int | None = None

    def items_for(self, age: int) -> tuple[str, ...]:
        """The typical items of this need for a person of ``age`` (1 January)."""
        if self.child_items and self.child_max_age is not None and age <= self.child_max_age:
            return self.child_items
        return self.items

    def applies_to(self, age: int) -> bool:
        return (self.min_age is None or age >= self.min_age) and (
            self.max_age is None or age <= self.max_age
        )


class TypicalPrices(_Frozen):
    meta: dict[str, Any]
    items: tuple[TypicalItem, ...]
    needs: tuple[NeedDef, ...]

    @model_validator(mode="after")
    def _check(self) -> TypicalPrices:
        by_id = {i.id: i for i in self.items}
        if len(by_id) != len(self.items):
            raise ValueError("duplicate typical item id")
        for n in self.needs:
            if bool(n.child_items) != (n.child_max_age is not None):
                raise ValueError(f"need {n.id}: child_items and child_max_age go together")
            for ref in (*n.items, *n.child_items):
                item = by_id.get(ref)
                if item is None:
                    raise ValueError(f"need {n.id}: unknown item {ref!r}")
                if item.tag not in OFFERED_TAGS:
                    raise ValueError(f"need {n.id}: item {ref} is [{item.tag}], not offered")
                if not item.settle_as:
                    raise ValueError(f"need {n.id}: item {ref} has no settle_as")
                if not item.sources:
                    raise ValueError(f"need {n.id}: item {ref} has no source")
        return self

    def item(self, item_id: str) -> TypicalItem:
        return next(i for i in self.items if i.id == item_id)

    def need(self, need_id: str) -> NeedDef:
        return next(n for n in self.needs if n.id == need_id)


@functools.cache
def load_typical_prices() -> TypicalPrices:
    path = resources.files("mutuelle.offers") / "data" / "typical-care" / "typical-care-2025.yaml"
    data = yamlio.load(path.read_text(encoding="utf-8"))
    return TypicalPrices.model_validate(data)


# --- the advice -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonNeeds:
    label: str
    birth_date: dt.date
    quantities: Mapping[str, int]  # need id → how many in the year


@dataclass(frozen=True)
class CareResult:
    person: str
    need: str
    label: str  # the care, in the visitor's words
    count: int
    billed_cents: int
    amo_cents: int  # what the Assurance Maladie pays (after its deductions)
    mutuelle_cents: int
    out_of_pocket_cents: int
    gap: str | None = None  # the engine's refusal (a gap of the texts), if any
    gap_source: str | None = None
    explanations: tuple[str, ...] = ()


@dataclass(frozen=True)
class FormulaAdvice:
    formula: str
    premium_cents: int
    billed_cents: int
    amo_cents: int
    mutuelle_cents: int
    out_of_pocket_cents: int
    deductible_refund_cents: int  # the share of deductibles above the yearly caps
    cares: tuple[CareResult, ...]
    gaps: tuple[str, ...]
    cheapest: bool = False
    # Not joinable by this household (no published tariff, e.g. the 80+ column of Beaufortain
    # and Vanoise, G-01): what it would reimburse is still shown, its premium is unknown and it
    # is never ranked (issue 9).
    refusal: str = ""
    refusal_cite: Cited | None = None

    @property
    def joinable(self) -> bool:
        return not self.refusal

    @property
    def total_cents(self) -> int:
        return self.premium_cents + self.out_of_pocket_cents

    @property
    def complete(self) -> bool:
        return not self.gaps


@dataclass(frozen=True)
class Advice:
    year: int
    range_id: str
    formulas: tuple[FormulaAdvice, ...]
    refused: tuple[tuple[str, str, Cited | None], ...]  # (formula, why, source): not priced
    items_used: tuple[TypicalItem, ...]
    notes: tuple[str, ...] = field(default=())
    not_joinable: tuple[FormulaAdvice, ...] = ()  # what the refused formulas would reimburse

    @property
    def ranked(self) -> tuple[FormulaAdvice, ...]:
        return tuple(f for f in self.formulas if f.complete)


def _dates(year: int, count: int) -> list[dt.date]:
    """``count`` dates spread evenly over the year, in order, from mid-January."""
    start = dt.date(year, 1, 15).toordinal()
    return [dt.date.fromordinal(start + (k * 340) // max(1, count)) for k in range(count)]


def _events(
    prices: TypicalPrices,
    need: NeedDef,
    count: int,
    year: int,
    adult: bool,
    prefix: str,
    age: int | None = None,
) -> list[tuple[CareEvent, str]]:
    """Care events for ``count`` occurrences of ``need`` (the child references for a child);
    each with its deductible kind."""
    out: list[tuple[CareEvent, str]] = []
    refs = need.items if age is None else need.items_for(age)
    for k, day in enumerate(_dates(year, count)):
        for ref in refs:
            item = prices.item(ref)
            for j, part in enumerate(item.settle_as):
                billed = part.billed_cents if part.billed_cents is not None else item.billed_cents
                br = part.br_cents if part.br_cents is not None else (item.br_cents or 0)
                amo = part.amo_cents if part.amo_cents is not None else (item.amo_cents or 0)
                ded = (item.deductible_cents or 0) if adult and len(item.settle_as) == 1 else 0
                kind = item.deductible_kind or ""
                pf = ded if kind == "participation_forfaitaire" else 0
                ear = None
                if part.benefit == "aide_auditive":
                    ear = "left" if k % 2 == 0 else "right"
                ev = CareEvent(
                    id=f"{prefix}{need.id}-{k}-{ref}-{j}",
                    date=day,
                    benefit=part.benefit,
                    billed_cents=billed or 0,
                    br_cents=br,
                    amo_cents=amo,
                    participation_forfaitaire_cents=pf,
                    franchise_cents=ded if kind == "franchise" else 0,
                    dptam=part.dptam,
                    days=part.days,
                    quantity=part.quantity,
                    basket=part.basket,
                    lens_category=part.lens_category,
                    ear=ear,
                    price_limit_cents=part.price_limit_cents,
                    label=item.label_fr,
                )
                out.append((ev, kind if ded else ""))
    return out


def advise(
    offer: Offer,
    household: Household,
    people: Sequence[PersonNeeds],
    prices: TypicalPrices | None = None,
) -> Advice:
    """Premium + expected out-of-pocket for every formula of the household's range, for the
    calendar year of ``household.date`` (the premium of the whole year: quoted from 1 January).
    ``people`` follows ``household.members`` (same order)."""
    prices = prices or load_typical_prices()
    year = household.date.year
    jan1 = dt.date(year, 1, 1)
    q = quote(offer, Household(household.range, jan1, household.members))
    plan = compile_plan(offer.id, household.range)
    used: dict[str, TypicalItem] = {}
    results: list[FormulaAdvice] = []
    refused: list[tuple[str, str, Cited | None]] = []
    not_joinable: list[FormulaAdvice] = []
    for fq in q.formulas:
        if not isinstance(fq, FormulaQuote):
            refused.append((fq.formula, fq.error, fq.cite))
        cares: list[CareResult] = []
        gaps: list[str] = []
        refund = 0
        for pi, person in enumerate(people):
            age = age_on(person.birth_date, jan1)
            adult = age >= ADULT_AGE
            events: list[tuple[CareEvent, str]] = []
            owners: dict[str, tuple[str, int]] = {}
            for need_id, count in person.quantities.items():
                if count <= 0:
                    continue
                need = prices.need(need_id)
                evs = _events(prices, need, count, year, adult, f"p{pi}-", age)
                for ev, _ in evs:
                    owners[ev.id] = (need_id, count)
                events.extend(evs)
                for ref in need.items_for(age):
                    used[ref] = prices.item(ref)
            if not events:
                continue
            cov = Coverage(
                offer=offer.id,
                range=household.range,
                formulas=((jan1, fq.formula),),
                cover_start=jan1,
                cover_end=None,
                birth_date=person.birth_date,
            )
            try:
                batch = settle(plan, cov, [ev for ev, _ in events])
            except PlanError as exc:
                gaps.append(str(exc))
                continue
            kinds = {ev.id: kind for ev, kind in events}
            deductibles = {"participation_forfaitaire": 0, "franchise": 0}
            per_need: dict[str, list[Any]] = {}
            for s in batch.settlements:
                kind = kinds.get(s.event_id, "")
                if kind:
                    ev = next(e for e, _ in events if e.id == s.event_id)
                    deductibles[kind] += (
                        ev.participation_forfaitaire_cents
                        if kind == "participation_forfaitaire"
                        else ev.franchise_cents
                    )
                need_id = owners[s.event_id][0]
                per_need.setdefault(need_id, []).append(s)
            for need_id, settlements in per_need.items():
                need = prices.need(need_id)
                errs = [s for s in settlements if s.error]
                gap = errs[0].error if errs else None
                if gap:
                    gaps.append(f"{person.label} — {need.label} : {gap}")
                cares.append(
                    CareResult(
                        person=person.label,
                        need=need_id,
                        label=need.label,
                        count=person.quantities[need_id],
                        billed_cents=sum(s.billed_cents for s in settlements),
                        amo_cents=sum(s.amo_paid_cents for s in settlements),
                        mutuelle_cents=sum(s.mutuelle_cents for s in settlements),
                        out_of_pocket_cents=sum(s.out_of_pocket_cents for s in settlements),
                        gap=gap,
                        gap_source=errs[0].error_source if errs else None,
                    )
                )
            refund += sum(max(0, v - DEDUCTIBLE_CAP_CENTS) for v in deductibles.values())
        oop = sum(c.out_of_pocket_cents for c in cares) - refund
        joinable = isinstance(fq, FormulaQuote)
        (results if joinable else not_joinable).append(
            FormulaAdvice(
                formula=fq.formula,
                premium_cents=fq.year_cents if isinstance(fq, FormulaQuote) else 0,
                billed_cents=sum(c.billed_cents for c in cares),
                amo_cents=sum(c.amo_cents for c in cares) + refund,
                mutuelle_cents=sum(c.mutuelle_cents for c in cares),
                out_of_pocket_cents=oop,
                deductible_refund_cents=refund,
                cares=tuple(cares),
                gaps=tuple(dict.fromkeys(gaps)),
                refusal="" if isinstance(fq, FormulaQuote) else fq.error,
                refusal_cite=None if isinstance(fq, FormulaQuote) else fq.cite,
            )
        )
    ranked = [r for r in results if r.complete]
    if ranked:
        best = min(ranked, key=lambda r: (r.total_cents, r.premium_cents))
        results = [dataclasses.replace(r, cheapest=r is best) for r in results]
    return Advice(
        year=year,
        range_id=household.range,
        formulas=tuple(results),
        refused=tuple(refused),
        items_used=tuple(used.values()),
        notes=q.notes,
        not_joinable=tuple(not_joinable),
    )
