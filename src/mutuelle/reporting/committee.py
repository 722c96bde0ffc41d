"""The steering committee's reports: every closed period built and protected together.

``compute(facts, rules, today, prior)`` builds the family of figures of every quarter, semester
and year closed on ``today`` and protects it at once (the figures of reports already published,
``prior``, stay fixed); ``report(built, protection, period)`` gives one period's report as the
committee reads it; ``published_values`` the figures it fixes once published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from mutuelle.reporting.disclosure import Protection, protect
from mutuelle.reporting.facts import Facts
from mutuelle.reporting.family import build_family
from mutuelle.reporting.periods import Period, closed_periods
from mutuelle.reporting.report import (
    DisplayTable,
    Draft,
    Ref,
    Report,
    Section,
    Value,
    resolve_draft,
)
from mutuelle.reporting.rules import SteeringRules
from mutuelle.reporting.sections import draft
from mutuelle.reporting.tables import Family, Key


@dataclass
class Built:
    family: Family
    drafts: dict[str, Draft]
    periods: tuple[Period, ...]


class PeriodNotAvailable(KeyError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def build(
    facts: Facts, rules: SteeringRules, today: dt.date, first_year: int | None = None
) -> Built:
    """Every period closed on ``today``, from ``first_year`` (default: the launch year)."""
    periods = closed_periods(first_year or rules.outreach.launch_year, today)
    fam, layouts = build_family(facts, rules, periods, today)
    drafts = {p.key: draft(p, facts, rules, layouts, today) for p in periods}
    return Built(fam, drafts, periods)


def compute(
    facts: Facts,
    rules: SteeringRules,
    today: dt.date,
    prior: Mapping[Key, int] | None = None,
    first_year: int | None = None,
) -> tuple[Built, Protection]:
    built = build(facts, rules, today, first_year)
    return built, protect(built.family.cells.values(), built.family.equations, prior)


def _guarded(d: Draft, protection: Protection) -> Draft:
    """Plain figures derived from protected ones (the P/C's loadings and ratio) are shown only
    when every protected figure of their row is."""

    def guard(vals: tuple[Value, ...]) -> tuple[Value, ...]:
        hidden = [v for v in vals if isinstance(v, Ref) and protection.shown(v.key) is None]
        if not hidden:
            return vals
        return tuple(v if isinstance(v, Ref) else hidden[0] for v in vals)

    sections = []
    for s in d.sections:
        if s.id != "pc":
            sections.append(s)
            continue
        tables = tuple(
            DisplayTable(
                t.id,
                t.title,
                t.row_header,
                t.columns,
                tuple((label, guard(vals)) for label, vals in t.rows),
                (t.total[0], guard(t.total[1])) if t.total else None,
                t.formats,
                t.note,
                t.source,
                t.chart,
            )
            for t in s.tables
        )
        sections.append(
            Section(
                s.id,
                s.number,
                s.title,
                s.source,
                tables,
                s.lists,
                s.checks,
                s.notes,
                s.unavailable,
            )
        )
    return Draft(d.period_key, d.period_label, d.start, d.end, d.offer, tuple(sections), d.notes)


def _draft(built: Built, period_key: str) -> Draft:
    if period_key not in built.drafts:
        known = ", ".join(built.drafts) or "aucune"
        raise PeriodNotAvailable(
            f"période {period_key} non disponible : seules les périodes terminées sont "
            f"rapportées (disponibles : {known})"
        )
    return built.drafts[period_key]


def report(built: Built, protection: Protection, period_key: str, generated_on: dt.date) -> Report:
    d = _guarded(_draft(built, period_key), protection)
    return resolve_draft(
        d,
        protection,
        generated_on,
        f"Mutuelle communale — rapport au comité de pilotage — {d.period_label}",
        (),
    )


def published_values(built: Built, protection: Protection, period_key: str) -> dict[Key, int]:
    """The protected figures a period's report shows (fixed once it is published)."""
    out: dict[Key, int] = {}
    d = _guarded(_draft(built, period_key), protection)
    for s in d.sections:
        for t in s.tables:
            for _, vals in (*t.rows, *((t.total,) if t.total else ())):
                for v in vals:
                    if isinstance(v, Ref):
                        shown = protection.shown(v.key)
                        if shown is not None:
                            out[v.key] = shown
    return out
