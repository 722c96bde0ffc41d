"""Reporting periods: the quarters, semesters and years of the steering committee.

Convention art. 5 (seed l. 1988): « un comité de pilotage par trimestre la première année du
partenariat, puis au rythme minimal d'un comité de pilotage par semestre les années
suivantes »; art. 2.2 (l. 1896): the P/C ratio is communicated every quarter. A period is a
calendar quarter (``2025-Q1``), semester (``2025-S1``) or year (``2025``): the town only ever
sees these fixed, nested periods, so the figures of two periods can be protected together
(:mod:`mutuelle.reporting.disclosure`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from mutuelle.dates import days_in_month


class PeriodKind(StrEnum):
    QUARTER = "quarter"
    SEMESTER = "semester"
    YEAR = "year"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def months(self) -> int:
        return _MONTHS[self]


_KIND_LABELS = {
    PeriodKind.QUARTER: "trimestre",
    PeriodKind.SEMESTER: "semestre",
    PeriodKind.YEAR: "année",
}

_MONTHS = {PeriodKind.QUARTER: 3, PeriodKind.SEMESTER: 6, PeriodKind.YEAR: 12}

_RE = re.compile(r"^\s*(\d{4})(?:-?([QqTtSs])([1-4]))?\s*$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True, slots=True)
class Period:
    year: int
    kind: PeriodKind
    index: int = 1  # 1-4 for a quarter, 1-2 for a semester, 1 for a year

    def __post_init__(self) -> None:
        top = {PeriodKind.QUARTER: 4, PeriodKind.SEMESTER: 2, PeriodKind.YEAR: 1}[self.kind]
        if not 1 <= self.index <= top:
            raise PeriodError(f"{self.kind.label} n° {self.index} inexistant")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2025-Q1`` (or ``2025-T1``), ``2025-S2``, ``2025``."""
        m = _RE.match(text)
        if not m:
            raise PeriodError(
                f"période illisible : {text!r} (attendu 2025-Q1 pour un trimestre, 2025-S1 "
                "pour un semestre, 2025 pour une année)"
            )
        year = int(m.group(1))
        if m.group(2) is None:
            return cls(year, PeriodKind.YEAR)
        letter = m.group(2).upper()
        kind = PeriodKind.SEMESTER if letter == "S" else PeriodKind.QUARTER
        index = int(m.group(3))
        if kind is PeriodKind.SEMESTER and index > 2:
            raise PeriodError(f"période illisible : {text!r} (il n'y a que deux semestres)")
        return cls(year, kind, index)

    @property
    def key(self) -> str:
        match self.kind:
            case PeriodKind.QUARTER:
                return f"{self.year}-Q{self.index}"
            case PeriodKind.SEMESTER:
                return f"{self.year}-S{self.index}"
            case PeriodKind.YEAR:
                return f"{self.year}"

    @property
    def label(self) -> str:
        """« 1er trimestre 2025 », « 2e semestre 2025 », « année 2025 »."""
        if self.kind is PeriodKind.YEAR:
            return f"année {self.year}"
        nth = "1er" if self.index == 1 else f"{self.index}e"
        return f"{nth} {self.kind.label} {self.year}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1 + (self.index - 1) * _MONTHS[self.kind], 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        month = self.index * _MONTHS[self.kind]
        return dt.date(self.year, month, days_in_month(self.year, month))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def quarters(self) -> tuple[Period, ...]:
        first = (self.start.month - 1) // 3 + 1
        n = self.kind.months // 3
        return tuple(Period(self.year, PeriodKind.QUARTER, first + i) for i in range(n))

    def children(self) -> tuple[Period, ...]:
        """The periods that add up to this one: a year = two semesters, a semester = two
        quarters, a quarter has none."""
        match self.kind:
            case PeriodKind.YEAR:
                return (
                    Period(self.year, PeriodKind.SEMESTER, 1),
                    Period(self.year, PeriodKind.SEMESTER, 2),
                )
            case PeriodKind.SEMESTER:
                return self.quarters()
            case PeriodKind.QUARTER:
                return ()

    @property
    def recency(self) -> tuple[dt.date, int]:
        """Sort key, the most recent last: by end date, a quarter after the semester or year
        that ends with it."""
        return (self.end, -_MONTHS[self.kind])

    def previous_day(self) -> dt.date:
        return self.start - dt.timedelta(days=1)

    def closed_on(self, today: dt.date) -> bool:
        """A period can be reported once it is over (its last day is before ``today``)."""
        return self.end < today

    def __str__(self) -> str:
        return self.key


def periods_of_year(year: int) -> tuple[Period, ...]:
    """The seven periods of a year, quarters first: Q1-Q4, S1, S2, the year."""
    return (
        *(Period(year, PeriodKind.QUARTER, i) for i in range(1, 5)),
        Period(year, PeriodKind.SEMESTER, 1),
        Period(year, PeriodKind.SEMESTER, 2),
        Period(year, PeriodKind.YEAR),
    )


def closed_periods(first_year: int, today: dt.date) -> tuple[Period, ...]:
    """Every period of the years ``first_year``… that is over on ``today``."""
    out: list[Period] = []
    for year in range(first_year, today.year + 1):
        out.extend(p for p in periods_of_year(year) if p.closed_on(today))
    return tuple(out)
