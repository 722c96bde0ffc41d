"""The quote acceptance cases (``cotisations.yaml``): a household as ``mutuelle quote`` reads it,
what each formula costs, or why the texts refuse it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from mutuelle.offers import load_offer
from mutuelle.pricing import FormulaQuote, FormulaRefusal, QuoteRefused, parse_household, quote

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cotisations.yaml").read_text(encoding="utf-8")
)
MEMBER_FIELDS = {
    "members": "monthly_cents",
    "year_members": "year_cents",
    "tariff_members": "tariff_cents",
    "ages": "age",
    "free_until": "free_until",
}


def _json(value: Any) -> Any:
    """The YAML input as the JSON ``mutuelle quote`` reads (dates as AAAA-MM-JJ)."""
    return json.loads(json.dumps(value, default=lambda d: d.isoformat()))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_a_quote_a_town_official_can_redo(case: dict[str, Any]) -> None:
    offer = load_offer("grenoble-2025")
    household = parse_household(_json(case["input"]))
    expected = case["expected"]
    if "refused" in expected:
        r = expected["refused"]
        with pytest.raises(QuoteRefused) as exc:
            quote(offer, household, case.get("formula"))
        assert exc.value.code == r["code"] and r["message"] in exc.value.message, case["why"]
        assert r["source"] in (exc.value.source or "")
        return
    q = quote(offer, household, case.get("formula"))
    by_name = {f.formula: f for f in q.formulas}
    for name, want in expected["formulas"].items():
        got = by_name[name]
        if "refused" in want:
            assert isinstance(got, FormulaRefusal) and want["refused"] in got.error, case["why"]
            assert want["source"] in got.source
            continue
        assert isinstance(got, FormulaQuote), got
        for key in ("monthly_cents", "year_cents", "structure"):
            if key in want:
                assert getattr(got, key) == want[key], case["why"]
        if "first_month_cents" in want:
            assert got.months[0].cents == want["first_month_cents"], case["why"]
        for key, attr in MEMBER_FIELDS.items():
            for member, value in zip(got.members, want.get(key, ()), strict=False):
                if value is not None:
                    if isinstance(value, dt.date | str) and attr == "free_until":
                        value = dt.date.fromisoformat(str(value))
                    assert getattr(member, attr) == value, case["why"]
