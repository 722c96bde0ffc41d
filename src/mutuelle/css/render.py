"""A screening result as plain data (the ``--json`` shape) — no I/O here."""

from __future__ import annotations

from typing import Any

from mutuelle.css.parameters import CssParameters, Figure
from mutuelle.css.screening import CssResult, MemberScreening


def _member(ms: MemberScreening) -> dict[str, Any]:
    out: dict[str, Any] = {
        "role": ms.member.role,
        "birth_date": ms.member.birth_date.isoformat(),
        "age": ms.age,
        "age_on_1_january": ms.age_on_1_january,
        "counted": ms.counted,
        "reason": ms.reason,
    }
    if ms.band is not None:
        out["participation_band"] = ms.band.label
        out["monthly_participation_cents"] = ms.monthly_participation_cents
    if ms.member.name:
        out["name"] = ms.member.name
    return out


def _figure(f: Figure) -> dict[str, Any]:
    return {
        "name": f.name,
        "value": f.value,
        "unit": f.unit,
        "since": f.since.isoformat(),
        "source": f.source,
    }


def parameters_to_dict(p: CssParameters) -> dict[str, Any]:
    t = p.ceilings
    return {
        "on": p.on.isoformat(),
        "valid_on": p.valid_on.isoformat(),
        "openfisca_france": p.openfisca_version,
        "overrides_applied": list(p.overrides_applied),
        "ceilings": {
            "since": t.since.isoformat(),
            "until": t.until.isoformat(),
            "free_cents": list(t.free),
            "free_each_additional_cents": t.free_each_additional,
            "participation_cents": list(t.participation),
            "participation_each_additional_cents": t.participation_each_additional,
            "source": t.source,
        },
        "participation_bands": [
            {
                "band": b.label,
                "min_age": b.min_age,
                "max_age": b.max_age,
                "monthly_cents": b.monthly.value,
                "source": b.monthly.source,
            }
            for b in p.participation_bands
        ],
        "figures": [_figure(f) for f in p.figures()],
    }


def result_to_dict(r: CssResult) -> dict[str, Any]:
    return {
        "verdict": r.verdict,
        "verdict_label": r.label,
        "monthly_participation_cents": r.monthly_participation_cents,
        "ceiling_free_cents": r.ceiling_free_cents,
        "ceiling_participation_cents": r.ceiling_participation_cents,
        "parameters_valid_on": r.parameters_valid_on.isoformat(),
        "parameters_since": r.parameters_since.isoformat(),
        "parameters_outdated": r.parameters.outdated,
        "date": r.date.isoformat(),
        "household_size": r.household_size,
        "resources_cents": r.resources_cents,
        "resources_period": {
            "from": r.resources_period[0].strftime("%Y-%m"),
            "to": r.resources_period[1].strftime("%Y-%m"),
        },
        "housing": r.housing,
        "housing_flat_amount_cents": r.housing_flat_amount_cents,
        "compared_resources_cents": r.compared_resources_cents,
        "members": [_member(m) for m in r.members],
        "explanation": [{"rule": s.rule, "source": s.source} for s in r.steps],
        "warnings": list(r.warnings),
        "notes": list(r.notes),
        "where_to_apply": [
            {"label": o.label, "detail": o.detail, "source": o.source} for o in r.where_to_apply
        ],
        "parameters": parameters_to_dict(r.parameters),
    }
