"""The parameters read from openfisca-france and the local override, and when to drop it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from mutuelle.css import CssParametersError, load_parameters
from mutuelle.css import loader as css_loader
from mutuelle.css.loader import (
    CS,
    PLAFOND_BASE,
    openfisca_version,
    read_override,
    to_bp,
    to_cents,
    upstream_values,
)

D = dt.date


def test_openfisca_figures_are_converted_exactly() -> None:
    p = load_parameters(D(2025, 6, 1))
    fl = p.forfait_logement
    assert fl.rsa_base.value == 646_52  # YAML 646.52, a float in Python: exact cents
    assert fl.rsa_base.since == D(2025, 4, 1)
    assert [f.value for f in fl.rsa_factors_bp] == [10_000, 15_000, 18_000]
    assert [f.value for f in fl.rates_without_aid] == [1_200, 1_400, 1_400]
    assert [f.value for f in fl.rates_with_aid] == [1_200, 1_600, 1_650]  # 0.165 → 1 650 bp
    assert [b.monthly.value for b in p.participation_bands] == [800, 1400, 2100, 2500, 3000]
    assert p.majoration_participation.value == 3_500
    assert p.dependant_age_limit.value == 25
    assert all(f.source for f in p.figures())


def test_conversion_refuses_what_is_not_exact() -> None:
    with pytest.raises(CssParametersError, match="centimes"):
        to_cents(Decimal("646.525"), "x")
    with pytest.raises(CssParametersError, match="points de base"):
        to_bp(Decimal("0.12345"), "x")


def test_loading_is_cached_per_date() -> None:
    assert load_parameters(D(2025, 6, 1)) is load_parameters(D(2025, 6, 1))


def _coefficients(on: str) -> tuple[list[Decimal], Decimal, Decimal]:
    def at(path: str) -> Decimal:
        return [v for v in upstream_values(f"{CS}.{path}") if v.since.isoformat() <= on][-1].value

    p2, p34, p5 = at("cmu.coeff_p2"), at("cmu.coeff_p3_p4"), at("cmu.coeff_p5_plus")
    return (
        [Decimal(1), 1 + p2, 1 + p2 + p34, 1 + p2 + 2 * p34],
        p5,
        at("acs.majoration_plafond_acs"),
    )


def _base(since: str) -> Decimal:
    overridden = read_override()["parameter_updates"].get(PLAFOND_BASE, [])
    values = {v.since.isoformat(): v.value for v in upstream_values(PLAFOND_BASE)}
    values.update({str(u["since"]): Decimal(str(u["value"])) for u in overridden})
    return values[since]


@pytest.mark.parametrize("table", read_override()["published_ceilings"], ids=lambda t: t["since"])
def test_published_tables_are_close_to_openfiscas_derivation(table: dict[str, Any]) -> None:
    """A typo in the override file shows here: every published cell is within 3 € of
    base × coefficient (R861-3) and, with participation, of that × 1,35 (L861-1 2°)."""
    since = str(table["since"])
    coefs, p5, maj = _coefficients(since)
    base = _base(since)
    for n in (1, 2, 3, 4):
        assert abs(Decimal(table["free"][n]) - base * coefs[n - 1]) < 3, n
        assert abs(Decimal(table["with_participation"][n]) - base * coefs[n - 1] * (1 + maj)) < 3
    assert abs(Decimal(table["free"]["each_additional"]) - base * p5) < 3
    assert abs(Decimal(table["with_participation"]["each_additional"]) - base * p5 * (1 + maj)) < 3
    assert Decimal(table["free"][1]) == base  # the loader checks it too


def test_a_table_inconsistent_with_openfiscas_base_is_refused(monkeypatch: Any) -> None:
    bad = {**read_override()}
    bad["published_ceilings"] = [
        {**bad["published_ceilings"][0], "free": {**bad["published_ceilings"][0]["free"], 1: "1"}}
    ]
    monkeypatch.setattr(css_loader, "read_override", lambda: bad)
    with pytest.raises(CssParametersError, match="incohérent"):
        css_loader.build_parameters(D(2024, 6, 1))


# --- when upstream catches up -------------------------------------------------------------------


def test_override_was_checked_against_the_installed_openfisca_france() -> None:
    assert read_override()["openfisca_france"] == openfisca_version(), (
        "openfisca-france was upgraded: re-check every entry of mutuelle/css/data/override.yaml "
        "against the new version (the tests below say which ones upstream now has), then update "
        "its openfisca_france field"
    )


@pytest.mark.parametrize(
    ("path", "update"),
    [(p, u) for p, us in read_override()["parameter_updates"].items() for u in us],
    ids=lambda x: x if isinstance(x, str) else str(x["since"]),
)
def test_upstream_has_not_caught_up_with_a_parameter_update(path: str, update: Any) -> None:
    """Fails when openfisca-france gets the value: then remove the entry from the override."""
    upstream = {v.since.isoformat(): v.value for v in upstream_values(path)}
    since = str(update["since"])
    assert max(upstream) < since, (
        f"openfisca-france {openfisca_version()} now has {path} from {max(upstream)} "
        f"({upstream[max(upstream)]}, ours: {update['value']} from {since}): remove this entry "
        "from mutuelle/css/data/override.yaml (the loader already prefers upstream)"
    )


@pytest.mark.parametrize("table", read_override()["published_ceilings"], ids=lambda t: t["since"])
def test_upstream_still_derives_other_ceilings_than_the_published_table(table: Any) -> None:
    """openfisca's cmu_c_plafond is round(base × coefficient) (model cmu.py). When that equals
    every published cell (upstream now truncates as the published table does), the table can go."""
    since = str(table["since"])
    coefs, _, _ = _coefficients(since)
    base = _base(since)  # upstream's value, or our parameter update where upstream lags
    derived = [int((base * c).quantize(Decimal(1), "ROUND_HALF_EVEN")) for c in coefs]
    published = [int(table["free"][n]) for n in (1, 2, 3, 4)]
    assert derived != published, (
        f"openfisca's derivation now gives the published {since} ceilings {published}: remove "
        "this table from mutuelle/css/data/override.yaml"
    )
