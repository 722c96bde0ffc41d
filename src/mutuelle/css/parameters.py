"""The figures a CSS screening needs on a given date, as plain immutable data (pure core).

A :class:`CssParameters` is built by :mod:`mutuelle.css.loader` from the parameters of the
``openfisca-france`` package and the small local override file (``data/override.yaml``); the
screening (:func:`mutuelle.css.screening.screen`) takes it as an argument and does no I/O.

Units: money in integer cents, rates in basis points (``mutuelle.money``). Every figure carries
the date it applies from and its source, so a result can say where each number comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mutuelle.money import Cents


@dataclass(frozen=True)
class Figure:
    """One dated, sourced value: ``value`` in cents or basis points (see ``unit``)."""

    name: str
    value: int
    unit: str  # "cents" | "bp" | "years"
    since: dt.date
    source: str


@dataclass(frozen=True)
class CeilingTable:
    """Annual resource ceilings (cents) by household size, as published for one period."""

    since: dt.date
    until: dt.date  # last day the table is known valid (the day before the next 1 April)
    free: tuple[Cents, Cents, Cents, Cents]  # 1, 2, 3, 4 persons
    free_each_additional: Cents
    participation: tuple[Cents, Cents, Cents, Cents]
    participation_each_additional: Cents
    source: str

    def ceiling_free(self, persons: int) -> Cents:
        return _by_size(self.free, self.free_each_additional, persons)

    def ceiling_participation(self, persons: int) -> Cents:
        return _by_size(self.participation, self.participation_each_additional, persons)


def _by_size(first_four: tuple[int, int, int, int], each_additional: int, persons: int) -> int:
    if persons < 1:
        raise ValueError("a household counts at least one person")
    if persons <= 4:
        return first_four[persons - 1]
    return first_four[3] + (persons - 4) * each_additional


@dataclass(frozen=True)
class ParticipationBand:
    """Monthly participation of one person whose age on 1 January is in [min_age, max_age]."""

    min_age: int
    max_age: int | None  # None: no upper bound
    monthly: Figure  # cents

    def contains(self, age: int) -> bool:
        return age >= self.min_age and (self.max_age is None or age <= self.max_age)

    @property
    def label(self) -> str:
        if self.max_age is None:
            return f"{self.min_age} ans et plus"
        if self.min_age == 0:
            return f"moins de {self.max_age + 1} ans"
        return f"{self.min_age} à {self.max_age} ans"


@dataclass(frozen=True)
class ForfaitLogement:
    """Flat housing amount added to resources (R861-5, R861-7 CSS): a rate of the RSA amount.

    ``rates_*`` are for households of 1, 2, and 3 or more persons (basis points of the monthly
    RSA amount of a household of that size); ``rsa_factors_bp`` the RSA amount of a household of
    1, 2 and 3 or more persons relative to the one-person amount.
    """

    rsa_base: Figure  # monthly RSA amount, one person (cents)
    rsa_factors_bp: tuple[Figure, Figure, Figure]  # 1 p (10 000 bp), 2 p, 3 p or more
    rates_without_aid: tuple[Figure, Figure, Figure]  # owner, housed free of charge
    rates_with_aid: tuple[Figure, Figure, Figure]  # tenant receiving a housing aid


@dataclass(frozen=True)
class CssParameters:
    """Everything the screening reads, valid for the date ``on``."""

    on: dt.date  # the date the parameters were read for
    ceilings: CeilingTable
    plafond_base: Figure  # openfisca's one-person base (checked equal to the table's 1st cell)
    majoration_participation: Figure  # + 35 % (L861-1 2°), bp: checks the table
    dependant_age_limit: Figure  # R861-2: persons under 25 (years)
    participation_bands: tuple[ParticipationBand, ...]
    forfait_logement: ForfaitLogement
    openfisca_version: str
    overrides_applied: tuple[str, ...]  # the override entries used for this date

    @property
    def valid_on(self) -> dt.date:
        """The latest date the installed figures are known valid (ceilings revalued 1 April)."""
        return self.ceilings.until

    @property
    def outdated(self) -> bool:
        """True when the date asked is after the installed figures' known validity."""
        return self.on > self.valid_on

    def figures(self) -> tuple[Figure, ...]:
        fl = self.forfait_logement
        return (
            self.plafond_base,
            self.majoration_participation,
            self.dependant_age_limit,
            *(b.monthly for b in self.participation_bands),
            fl.rsa_base,
            *fl.rsa_factors_bp,
            *fl.rates_without_aid,
            *fl.rates_with_aid,
        )
