"""A quote as plain data (the ``--json`` shape) — no I/O here."""

from __future__ import annotations

from typing import Any

from mutuelle.pricing.engine import (
    FormulaQuote,
    FormulaRefusal,
    MemberQuote,
    Quote,
    StructureQuote,
    StructureRefusal,
)


def _member(m: MemberQuote) -> dict[str, Any]:
    out: dict[str, Any] = {
        "role": m.member.role,
        "birth_date": m.member.birth_date.isoformat(),
        "age": m.age,
        "tariff_cents": m.tariff_cents,
        "monthly_cents": m.monthly_cents,
        "year_cents": m.year_cents,
        "source": m.source,
        "explanation": [{"rule": s.rule, "source": s.source} for s in m.steps],
    }
    if m.member.name:
        out["name"] = m.member.name
    if m.free_until:
        out["free_until"] = m.free_until.isoformat()
    if m.notes:
        out["notes"] = list(m.notes)
    if m.months and any(c != m.monthly_cents for c in m.months):
        out["months_cents"] = list(m.months)
    return out


def _structure(s: StructureQuote | StructureRefusal) -> dict[str, Any]:
    if isinstance(s, StructureRefusal):
        return {"structure": s.structure, "error": s.error, "source": s.source}
    return {
        "structure": s.structure,
        "monthly_cents": s.monthly_cents,
        "year_cents": s.year_cents,
        "members": [_member(m) for m in s.members],
    }


def _formula(f: FormulaQuote | FormulaRefusal) -> dict[str, Any]:
    if isinstance(f, FormulaRefusal):
        return {"formula": f.formula, "error": f.error, "source": f.source}
    out: dict[str, Any] = {
        "formula": f.formula,
        "structure": f.structure,
        "monthly_cents": f.monthly_cents,
        "year_cents": f.year_cents,
        "members": [_member(m) for m in f.members],
        "months": [{"month": m.month.strftime("%Y-%m"), "cents": m.cents} for m in f.months],
    }
    if f.alternatives:
        out["alternatives"] = [_structure(a) for a in f.alternatives]
    if f.notes:
        out["notes"] = list(f.notes)
    return out


def quote_to_dict(q: Quote) -> dict[str, Any]:
    out: dict[str, Any] = {
        "offer": q.offer,
        "range": q.range,
        "date": q.date.isoformat(),
        "period_end": q.period_end.isoformat(),
        "formulas": [_formula(f) for f in q.formulas],
    }
    if q.notes:
        out["notes"] = list(q.notes)
    return out
