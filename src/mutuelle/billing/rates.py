"""The taxes inside a « toutes taxes comprises » contribution, as dated reference data
(``billing/data/billing.yaml``): the TSA (13.27 % for a responsible contract, CSS L.862-4) and,
for contributions falling due in 2026, the LFSS 2026 art. 13 contribution (2.05 %).

The price of the grid is TTC (Règlement particuliers III-1-1 « exprimé en euros toutes taxes,
contributions et impôts compris »); the taxes are computed « au jour de l'échéance des
cotisations » (same article), so the rates are those in force on the instalment's due date.
Both taxes are read as assessed on the contribution net of taxes (docs/interpretations.md
I-161): TTC = net × (1 + TSA + LFSS), the net rounded once by :func:`mutuelle.money.mul_div_round`,
the LFSS share of the net rounded, the TSA the rest (so the three parts sum to the TTC exactly).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from mutuelle.explain import Cited
from mutuelle.money import BP_PER_UNIT, apply_rate, mul_div_round
from mutuelle.yamlio import load

TAX_NAMES = ("tsa", "lfss_2026")


@dataclass(frozen=True, slots=True)
class RateLine:
    tax: str  # "tsa" or "lfss_2026"
    rate_bp: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    public: str

    def holds_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def cite(self) -> Cited:
        return Cited.outside(self.source, self.public)


@dataclass(frozen=True, slots=True)
class TaxRates:
    lines: tuple[RateLine, ...]

    def on(self, day: dt.date) -> dict[str, RateLine]:
        """The rate line of each tax in force on ``day`` (a tax not in force is absent)."""
        out: dict[str, RateLine] = {}
        for line in self.lines:
            if line.holds_on(day):
                if line.tax in out:
                    raise ValueError(f"deux taux de {line.tax} le {day:%d/%m/%Y}")
                out[line.tax] = line
        return out


@dataclass(frozen=True, slots=True)
class Split:
    """A TTC amount in its parts: net (the Mutuelle's product) + TSA + LFSS 2026."""

    ttc: int
    net: int
    tsa: int
    lfss: int

    def __post_init__(self) -> None:
        if self.net + self.tsa + self.lfss != self.ttc:
            raise ValueError("les parts ne font pas le montant TTC")

    def minus(self, other: Split) -> Split:
        return Split(
            self.ttc - other.ttc,
            self.net - other.net,
            self.tsa - other.tsa,
            self.lfss - other.lfss,
        )


ZERO = Split(0, 0, 0, 0)


def split(ttc: int, rates: TaxRates, due_on: dt.date) -> Split:
    """``ttc`` in its parts at the rates in force on ``due_on`` (docs I-161)."""
    lines = rates.on(due_on)
    tsa_bp = lines["tsa"].rate_bp if "tsa" in lines else 0
    lfss_bp = lines["lfss_2026"].rate_bp if "lfss_2026" in lines else 0
    net = mul_div_round(ttc, BP_PER_UNIT, BP_PER_UNIT + tsa_bp + lfss_bp)
    lfss = apply_rate(net, lfss_bp)
    return Split(ttc, net, ttc - net - lfss, lfss)


def _date(v: Any) -> dt.date | None:
    if v is None:
        return None
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def _data() -> dict[str, Any]:
    text = resources.files("mutuelle.billing").joinpath("data/billing.yaml").read_text("utf-8")
    data: dict[str, Any] = load(text)
    return data


@cache
def tax_rates() -> TaxRates:
    """The dated tax rates shipped with the code (read once)."""
    lines = []
    for tax, spec in _data()["taxes"].items():
        for ln in spec["lines"]:
            start = _date(ln["valid_from"])
            assert start is not None
            lines.append(
                RateLine(
                    tax,
                    int(ln["rate_bp"]),
                    start,
                    _date(ln["valid_to"]),
                    ln["source"],
                    ln["public"],
                )
            )
    return TaxRates(tuple(lines))


@cache
def articles() -> dict[str, dict[str, tuple[str, int]]]:
    """Where each règlement (offer document key) writes the billing rules: name → (ref, line)."""
    return {
        doc: {name: (a["ref"], int(a["line"])) for name, a in arts.items()}
        for doc, arts in _data()["articles"].items()
    }


def rejection_fee_allowed(document: str) -> bool:
    """Whether the règlement ``document`` lets the Mutuelle call back the bank's charge of a
    rejected debit (``billing.yaml`` ``rejection_fee``; docs I-241). A document not listed is
    an error, never a silent yes or no."""
    table: dict[str, bool] = _data()["rejection_fee"]
    if document not in table:
        raise KeyError(f"billing.yaml rejection_fee : règlement {document} non renseigné")
    return bool(table[document])
