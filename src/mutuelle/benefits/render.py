"""Settlements as plain French and as plain data (the ``--json`` shape) — no I/O here.

The engine records each step it took as a typed value (:mod:`mutuelle.benefits.steps`); this
module turns them into sentences a staff member can read, each with the rule's source in the
beneficiary's own texts (resolved against the plan of their range).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from mutuelle.benefits.engine import CeilingUse, Settlement, batch_totals
from mutuelle.benefits.plan import Plan, category_label
from mutuelle.benefits.steps import LINE, BenefitStep
from mutuelle.benefits.wording import render
from mutuelle.explain import Cited
from mutuelle.money import format_euros


def _e(cents: int) -> str:
    return format_euros(cents)


def _d(day: dt.date | None) -> str:
    return "—" if day is None else f"{day:%d/%m/%Y}"


def step_cite(plan: Plan, step: BenefitStep) -> Cited | None:
    """The source of a step in the beneficiary's texts (None: the guarantee line's own)."""
    rule = plan.rules.get(step.rule_id) if step.rule_id != LINE else None
    return rule.cite if rule is not None else None


def explain_steps(plan: Plan, s: Settlement, *, public: bool = False) -> list[dict[str, str]]:
    """Each step of a settlement as a sentence with its source, then the amount paid
    (``public``: the sources as residents read them)."""
    out: list[dict[str, str]] = []
    for step in s.steps:
        item = {"text": render(step)}
        cite = step_cite(plan, step)
        if cite is not None:
            item["source"] = cite.public() if public else cite.staff()
        out.append(item)
    if s.error is None and s.line is not None:
        out.append({"text": f"Remboursement de la Mutuelle : {_e(s.mutuelle_cents)}."})
    return out


def _ceiling(c: CeilingUse) -> dict[str, Any]:
    return {
        "label": c.label,
        "period": c.period,
        "unit": c.unit,
        "limit": c.limit,
        "used_before": c.used_before,
        "consumed": c.consumed,
        "remaining": c.remaining,
    }


def ceiling_text(c: CeilingUse) -> str:
    if c.unit == "cents":
        return (
            f"{c.label}, {c.period} : plafond {_e(c.limit)}, déjà consommé {_e(c.used_before)}, "
            f"consommé ici {_e(c.consumed)}, reste {_e(c.remaining)}"
        )
    unit = c.unit if c.limit > 1 else c.unit.rstrip("s")
    return (
        f"{c.label}, {c.period} : {c.limit} {unit} au plus, déjà {c.used_before}, "
        f"ici {c.consumed}, reste {c.remaining}"
    )


def line_rules(plan: Plan, s: Settlement) -> list[dict[str, str]]:
    if s.line is None:
        return []
    return [
        {"rule": plan.rules[r].title, "source": plan.rules[r].source}
        for r in s.line.rules
        if r in plan.rules
    ]


def settlement_to_dict(plan: Plan, s: Settlement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": s.event_id,
        "date": s.date.isoformat(),
        "benefit": s.benefit,
    }
    if s.error is not None:
        out["error"] = s.error
        if s.error_source:
            out["source"] = s.error_source
        return out
    steps = explain_steps(plan, s)
    out.update(
        {
            "formula": s.formula,
            "billed_cents": s.billed_cents,
            "amo_cents": s.amo_cents,
            "amo_paid_cents": s.amo_paid_cents,
            "mutuelle_cents": s.mutuelle_cents,
            "out_of_pocket_cents": s.out_of_pocket_cents,
            "line": s.line.label if s.line else None,
            "category": category_label(s.line.category) if s.line else None,
            "rule": " ".join(x["text"] for x in steps),
            "source": s.line.source if s.line else plan.rules["not_in_table"].source,
            "explanation": steps,
            "ceilings": [_ceiling(c) for c in s.ceilings],
            "rules": line_rules(plan, s),
        }
    )
    return out


def batch_to_dict(
    plan: Plan, settlements: Sequence[Settlement], revised: Sequence[Settlement] = ()
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "offer": plan.offer_id,
        "range": plan.range_id,
        "events": [settlement_to_dict(plan, s) for s in settlements],
        "totals": batch_totals(settlements),
    }
    if revised:
        out["revised"] = [settlement_to_dict(plan, s) for s in revised]
    return out


def settlement_text(
    plan: Plan, s: Settlement, label_of: dict[str, str | None] | None = None
) -> str:
    """A staff member's reading of one settlement."""
    head = f"{s.event_id} · {_d(s.date)} · {s.benefit}"
    if label_of is not None and label_of.get(s.event_id):
        head += f" — {label_of[s.event_id]}"
    if s.error is not None:
        lines = [head, f"    REFUSÉ — {s.error}"]
        if s.error_source:
            lines.append(f"    Source : {s.error_source}")
        return "\n".join(lines)
    label = s.line.label if s.line else "prestation hors tableau"
    lines = [f"{head} · formule {s.formula}", f"    Ligne : {label}"]
    amo = f"AMO {_e(s.amo_cents)}"
    if s.amo_paid_cents != s.amo_cents:
        amo += f" (versé {_e(s.amo_paid_cents)} après participation forfaitaire et franchise)"
    lines.append(
        f"    Frais {_e(s.billed_cents)} · {amo} · Mutuelle {_e(s.mutuelle_cents)} · "
        f"Reste à charge {_e(s.out_of_pocket_cents)}"
    )
    for step in explain_steps(plan, s):
        lines.append(f"    - {step['text']}")
    for c in s.ceilings:
        lines.append(f"    ▸ {ceiling_text(c)}")
    lines.append(f"    Source : {s.line.source if s.line else plan.rules['not_in_table'].source}")
    return "\n".join(lines)
