"""The simulator: every formula of the household's range side by side (pricing core), what is
refused and why, the savings a newborn brings (``mutuelle.pricing.newborn``). Shapes the core's
answer for a person to read; decides nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from mutuelle.explain import Cited, Step
from mutuelle.offers.model import Offer
from mutuelle.pricing import (
    FormulaQuote,
    Household,
    Member,
    NewbornSaving,
    Quote,
    QuoteRefused,
    newborn_savings,
    quote,
)
from mutuelle.pricing.checks import agent_majoration
from mutuelle.pricing.household import AgentFacts
from mutuelle.vocabulary import Role
from mutuelle.web.public.common import person_label, plain_refusal
from mutuelle.web.public.refusals import AGENT_CODES

__all__ = [
    "FormulaColumn",
    "NewbornSaving",
    "PersonPrice",
    "Simulation",
    "member_problems",
    "simulate",
    "to_household",
]


def to_household(
    offer: Offer,
    rid: str,
    start: dt.date,
    members: list[dict[str, Any]],
    agent_entry: dt.date | None = None,
    agent_last_cover_end: dt.date | None = None,
) -> Household:
    core_members = []
    for i, m in enumerate(members):
        core_members.append(
            Member(
                role=m["role"],
                birth_date=m["birth_date"],
                index=i,
                name=person_label(m),
                proof=m.get("proof"),
                disabled=bool(m.get("disabled")),
                agent=AgentFacts(
                    public_service_entry=agent_entry, last_reference_cover_end=agent_last_cover_end
                )
                if rid == "agents" and m["role"] == "adherent"
                else None,
            )
        )
    return Household(range=rid, date=start, members=tuple(core_members))  # type: ignore[arg-type]


def member_problems(offer: Offer, hh: Household, members: list[dict[str, Any]]) -> dict[str, str]:
    """Refusals that concern one person, keyed by the form field to show them beside: the
    member (under 16, no tariff for the age) and each child (too old, proof missing)."""
    problems: dict[str, str] = {}
    adherent = hh.members[0]
    try:
        quote(offer, Household(range=hh.range, date=hh.date, members=(adherent,)))
    except QuoteRefused as exc:
        if exc.code not in AGENT_CODES:  # the agents' questions have their own fields
            problems[members[0]["field"]] = plain_refusal(exc)
    for m, core_m in zip(members[1:], hh.members[1:], strict=True):
        try:
            quote(offer, Household(range=hh.range, date=hh.date, members=(adherent, core_m)))
        except QuoteRefused as exc:
            if exc.code not in AGENT_CODES and m["field"] not in problems:
                problems[m["field"]] = plain_refusal(exc)
    return problems


# --- the simulator ------------------------------------------------------------------------


@dataclass
class PersonPrice:
    label: str
    age: int
    monthly_cents: int
    year_cents: int
    free_until: dt.date | None
    notes: tuple[str, ...]
    steps: tuple[Step, ...]


@dataclass
class FormulaColumn:
    formula: str
    ok: bool
    monthly_cents: int = 0
    twelve_cents: int = 0
    year_cents: int = 0
    structure: str = ""
    persons: list[PersonPrice] = field(default_factory=list)
    notes: tuple[str, ...] = ()
    error: str = ""
    source: str = ""  # staff rendering (the public one: ``cite.public()``)
    cite: Cited | None = None
    cheapest: bool = False
    newborn: NewbornSaving | None = None
    family_rate: bool = False


@dataclass
class Simulation:
    offer: Offer
    range_id: str
    range_label: str
    start: dt.date
    period_end: dt.date
    months_left: int
    columns: list[FormulaColumn]
    notes: tuple[str, ...]
    quote: Quote
    quote_members: tuple[Member, ...] = ()
    surcharge: Surcharge | None = None  # the agents' late-entry surcharge, when there is one

    @property
    def priced(self) -> list[FormulaColumn]:
        return [c for c in self.columns if c.ok]

    @property
    def refused(self) -> list[FormulaColumn]:
        return [c for c in self.columns if not c.ok]

    @property
    def persons(self) -> list[str]:
        return [p.label for p in self.priced[0].persons] if self.priced else []

    @property
    def person_rows(self) -> list[dict[str, Any]]:
        """Persons × formulas (the detail table)."""
        if not self.priced:
            return []
        first = self.priced[0].persons
        return [
            {
                "label": p.label,
                "age": p.age,
                "cells": [(c, c.persons[i]) for c in self.priced],
            }
            for i, p in enumerate(first)
        ]

    @property
    def show_newborn(self) -> bool:
        """The « un bébé à venir ? » lines, for households with an adult under 50 (a display
        choice: the exemption itself has no age condition)."""
        return any(c.newborn for c in self.priced) and any(
            m.role in ("adherent", "spouse") and self.start.year - m.birth_date.year < 50
            for m in self.quote_members
        )


@dataclass(frozen=True)
class Surcharge:
    """The agents' late-entry surcharge (Règlement agents, Cotisations 1-1), for the headline:
    its rate, in words, and the step that computed it (its rule and source)."""

    bp: int
    rate: str  # « 10 % »
    steps: tuple[Step, ...]


def surcharge_of(offer: Offer, hh: Household) -> Surcharge | None:
    """The surcharge the pricing core applies to this household's member (None: none)."""
    from mutuelle.money import format_rate

    rule = offer.ranges[hh.range].pricing.agent_majoration
    if rule is None:
        return None
    try:
        m = agent_majoration(offer, offer.ranges[hh.range], hh)
    except QuoteRefused:
        return None
    if m is None or m.bp <= 0:
        return None
    return Surcharge(m.bp, format_rate(m.bp), tuple(m.steps))


def request_surcharge(offer: Offer, adhesion: Any) -> Surcharge | None:
    """The surcharge of a filed request (an agent's), from what the request recorded."""
    if adhesion.range != "agents":
        return None
    member = Member(
        role="adherent",
        birth_date=adhesion.member.birth_date,
        index=0,
        agent=AgentFacts(
            public_service_entry=adhesion.agent_service_entry,
            last_reference_cover_end=adhesion.agent_last_reference_cover_end,
        ),
    )
    return surcharge_of(offer, Household(range="agents", date=adhesion.start, members=(member,)))


STRUCTURE_WORDS = {
    "adult_child": "cotisations adulte et enfant",
    "student": "tarif étudiant",
    "family": "taux unique familial (toute la famille pour un seul prix)",
}


def simulate(offer: Offer, hh: Household) -> Simulation:
    """Every formula of the range, side by side (raises QuoteRefused for the household)."""
    q = quote(offer, hh)
    rng = offer.ranges[hh.range]
    columns: list[FormulaColumn] = []
    for f in q.formulas:
        if isinstance(f, FormulaQuote):
            persons = [
                PersonPrice(
                    label=m.member.name or Role(m.member.role).addressed,
                    age=m.age,
                    monthly_cents=m.monthly_cents,
                    year_cents=m.year_cents,
                    free_until=m.free_until,
                    notes=m.notes,
                    steps=tuple(m.steps),
                )
                # In the order the visitor typed them (the core ranks children by age).
                for m in sorted(f.members, key=lambda m: m.member.index)
            ]
            columns.append(
                FormulaColumn(
                    formula=f.formula,
                    ok=True,
                    monthly_cents=f.monthly_cents,
                    twelve_cents=12 * f.monthly_cents,
                    year_cents=f.year_cents,
                    structure=STRUCTURE_WORDS.get(f.structure, f.structure),
                    persons=persons,
                    notes=f.notes,
                    family_rate=f.structure == "family",
                )
            )
        else:
            columns.append(
                FormulaColumn(
                    formula=f.formula, ok=False, error=f.error, source=f.source, cite=f.cite
                )
            )
    priced = [c for c in columns if c.ok]
    if priced:
        cheapest = min(priced, key=lambda c: (c.year_cents, c.monthly_cents))
        cheapest.cheapest = True
    savings = newborn_savings(offer, hh)
    for col in columns:
        if col.ok:
            col.newborn = savings.get(col.formula)
    months_left = 12 - hh.date.month + 1
    return Simulation(
        offer=offer,
        range_id=hh.range,
        range_label=rng.label,
        start=hh.date,
        period_end=q.period_end,
        months_left=months_left,
        columns=columns,
        notes=q.notes,
        quote=q,
        quote_members=hh.members,
        surcharge=surcharge_of(offer, hh),
    )
