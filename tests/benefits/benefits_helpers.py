"""Helpers of the benefits tests: a cover, an event, settling them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mutuelle.benefits import CareEvent, Coverage, Plan, compile_plan, settle
from mutuelle.benefits.engine import Settlement


def plan_for(range_id: str) -> Plan:
    return compile_plan("grenoble-2025", range_id)


def cover(
    range_id: str = "residents",
    formula: str = "Belledonne",
    start: str = "2025-01-01",
    birth: str = "1980-06-15",
    end: str | None = None,
    changes: tuple[tuple[str, str], ...] = (),
    last_optical: str | None = None,
    last_hearing: dict[str, str] | None = None,
) -> Coverage:
    formulas = (
        (dt.date.fromisoformat(start), formula),
        *((dt.date.fromisoformat(d), f) for d, f in changes),
    )
    return Coverage(
        offer="grenoble-2025",
        range=range_id,
        formulas=formulas,
        cover_start=dt.date.fromisoformat(start),
        cover_end=dt.date.fromisoformat(end) if end else None,
        birth_date=dt.date.fromisoformat(birth),
        last_optical_equipment=dt.date.fromisoformat(last_optical) if last_optical else None,
        last_hearing_aids={k: dt.date.fromisoformat(v) for k, v in (last_hearing or {}).items()},
    )


def event(benefit: str, date: str = "2025-03-10", id: str = "e", **kw: Any) -> CareEvent:
    for k in ("enrolled_on",):
        if isinstance(kw.get(k), str):
            kw[k] = dt.date.fromisoformat(kw[k])
    return CareEvent(id=id, date=dt.date.fromisoformat(date), benefit=benefit, **kw)


def run(cov: Coverage, *events: CareEvent) -> list[Settlement]:
    """Settle events of one beneficiary; results in settlement (date, input) order."""
    return list(settle(plan_for(cov.range), cov, events).settlements)


def one(cov: Coverage, ev: CareEvent) -> Settlement:
    (s,) = run(cov, ev)
    return s
