"""What a beneficiary has consumed, as data: entries, and the ledger's state as their fold.

Each settlement returns the entries it consumed (``Settlement.consumption``); the equipment
bought before the adhesion opens the first periods (:func:`mutuelle.benefits.engine.opening`).
An entry (:class:`Consumption`) is plain data:

============  =================================================================================
``key``       a typed key (:data:`Key`), with a stable string ``key.id``:
              ``year:<ceiling>`` (a euro ceiling per calendar year), ``semester:<ceiling>``
              (per calendar half-year), ``24_months:<ceiling>`` (a 24-month window opened by
              its first claim), ``eye_year:<ceiling>:<eye>`` (per eye and calendar year),
              ``days:<ceiling>`` / ``items:<ceiling>`` / ``activities:<ceiling>`` (counters of
              days, implants, activities per calendar year), ``optical:<1|2>:<frame|lens>``
              (an optical element of the first or second equipment), ``hearing:<left|right>``
``period``    ``start`` and ``end`` (inclusive) of the calendar period or of the window, and
              ``window``: 0 for a calendar period, 1, 2, … for the successive windows of a key
              (a window is opened by a purchase or a first claim, and two can start the same
              day: an early renewal)
``unit``      :class:`Unit`: ``cents``, ``days``, ``implants``, ``activities``, ``frames``,
              ``lenses``, ``replacements``, ``class_b_lenses``, ``devices``
``amount``    what was consumed (a count, or cents — the euro ceilings count the AMO share
              where the table says « AMO comprise », docs I-15)
``tag``       for an optical element: the basket of a frame or lens (``100_sante``/``libre``),
              the category of a class B lens; ``None`` otherwise
============  =================================================================================

``Consumption.to_dict`` / ``from_dict`` give the row a database (append-only, one per entry and
per settlement) or a columnar engine stores. :func:`fold` rebuilds the state exactly from the
entries in their settlement order: sums per (key, period, unit), the current window of each
rolling key (its greatest ``window``), the tags in order. The engine itself only changes its
state by applying entries, so the fold of the opening entries and of every settlement's entries
*is* the ledger's state (``tests/benefits/test_benefits_properties.py``). A re-settlement (a
late line) replaces the settlements it revises: their old entries are cancelled, the new ones
appended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, Literal

Eye = Literal["left", "right"]
Element = Literal["frame", "lens"]


class Unit(StrEnum):
    CENTS = "cents"
    DAYS = "days"
    IMPLANTS = "implants"
    ACTIVITIES = "activities"
    FRAMES = "frames"
    LENSES = "lenses"
    REPLACEMENTS = "replacements"
    CLASS_B_LENSES = "class_b_lenses"
    DEVICES = "devices"


@dataclass(frozen=True, slots=True)
class _Ceiling:
    """A ceiling or a counter shared by the lines that name it (``ceiling`` in the table)."""

    ceiling: str
    KIND: ClassVar[str] = ""
    rolling: ClassVar[bool] = False

    @property
    def id(self) -> str:
        return f"{self.KIND}:{self.ceiling}"


@dataclass(frozen=True, slots=True)
class YearCeiling(_Ceiling):
    """A euro ceiling per calendar year (« par année civile »)."""

    KIND = "year"


@dataclass(frozen=True, slots=True)
class SemesterCeiling(_Ceiling):
    """A euro ceiling per calendar half-year (orthodontics, docs I-20)."""

    KIND = "semester"


@dataclass(frozen=True, slots=True)
class WindowCeiling(_Ceiling):
    """A euro ceiling per 24-month window opened by its first claim (thermal cure, I-20)."""

    KIND = "24_months"
    rolling = True


@dataclass(frozen=True, slots=True)
class EyeCeiling:
    """A euro ceiling per eye and calendar year (refractive surgery)."""

    ceiling: str
    eye: Eye
    rolling = False

    @property
    def id(self) -> str:
        return f"eye_year:{self.ceiling}:{self.eye}"


@dataclass(frozen=True, slots=True)
class DayCounter(_Ceiling):
    """Days per calendar year (companion costs: 15 days)."""

    KIND = "days"


@dataclass(frozen=True, slots=True)
class ItemCounter(_Ceiling):
    """Items per calendar year (implants: 3)."""

    KIND = "items"


@dataclass(frozen=True, slots=True)
class ActivityCounter(_Ceiling):
    """Paid claims per calendar year (one sports activity)."""

    KIND = "activities"


@dataclass(frozen=True, slots=True)
class OpticalSlot:
    """An element of an optical equipment (the first, or the second one of footnote (1))."""

    equipment: Literal[1, 2]
    element: Element
    rolling = True

    @property
    def id(self) -> str:
        return f"optical:{self.equipment}:{self.element}"


@dataclass(frozen=True, slots=True)
class HearingSlot:
    """A hearing aid, per ear."""

    ear: Eye
    rolling = True

    @property
    def id(self) -> str:
        return f"hearing:{self.ear}"


Key = (
    YearCeiling
    | SemesterCeiling
    | WindowCeiling
    | EyeCeiling
    | DayCounter
    | ItemCounter
    | ActivityCounter
    | OpticalSlot
    | HearingSlot
)
_SIMPLE: dict[str, type[_Ceiling]] = {
    k.KIND: k
    for k in (YearCeiling, SemesterCeiling, WindowCeiling, DayCounter, ItemCounter, ActivityCounter)
}


def parse_key(text: str) -> Key:
    """The key of its stable string (``ValueError`` for a string no key writes)."""
    kind, _, rest = text.partition(":")
    if kind in _SIMPLE and rest:
        return _SIMPLE[kind](rest)  # type: ignore[return-value]
    if kind == "eye_year":
        ceiling, _, eye = rest.rpartition(":")
        if ceiling and eye in ("left", "right"):
            return EyeCeiling(ceiling, eye)  # type: ignore[arg-type]
    if kind == "optical":
        n, _, element = rest.partition(":")
        if n in ("1", "2") and element in ("frame", "lens"):
            return OpticalSlot(int(n), element)  # type: ignore[arg-type]
    if kind == "hearing" and rest in ("left", "right"):
        return HearingSlot(rest)  # type: ignore[arg-type]
    raise ValueError(f"clé de consommation illisible : {text!r}")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive
    window: int = 0  # 0: a calendar period; 1, 2, …: the successive windows of a rolling key


def year_period(day: dt.date) -> Period:
    return Period(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31))


def semester_period(day: dt.date) -> Period:
    if day.month <= 6:
        return Period(dt.date(day.year, 1, 1), dt.date(day.year, 6, 30))
    return Period(dt.date(day.year, 7, 1), dt.date(day.year, 12, 31))


@dataclass(frozen=True, slots=True)
class Consumption:
    """One entry: ``amount`` of ``unit`` consumed on ``key`` in ``period``."""

    key: Key
    period: Period
    unit: Unit
    amount: int
    tag: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key.id,
            "period_start": self.period.start.isoformat(),
            "period_end": self.period.end.isoformat(),
            "window": self.period.window,
            "unit": self.unit.value,
            "amount": self.amount,
            "tag": self.tag,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Consumption:
        return cls(
            key=parse_key(str(data["key"])),
            period=Period(
                dt.date.fromisoformat(str(data["period_start"])),
                dt.date.fromisoformat(str(data["period_end"])),
                int(data.get("window", 0)),
            ),
            unit=Unit(data["unit"]),
            amount=int(data["amount"]),
            tag=data.get("tag"),
        )


Total = tuple[Key, Period, Unit]


@dataclass(frozen=True)
class LedgerState:
    """The fold of the entries: what was consumed per (key, period, unit), the current window
    of each rolling key, and the tags of the optical elements, in order."""

    totals: Mapping[Total, int]
    windows: Mapping[Key, Period]
    tags: Mapping[Total, tuple[str, ...]]


class Working:
    """The state while a batch is settled: entries are applied to it, nothing else changes it."""

    __slots__ = ("tags", "totals", "windows")

    def __init__(self, state: LedgerState | None = None) -> None:
        self.totals: dict[Total, int] = dict(state.totals) if state else {}
        self.windows: dict[Key, Period] = dict(state.windows) if state else {}
        self.tags: dict[Total, tuple[str, ...]] = dict(state.tags) if state else {}

    def apply(self, e: Consumption) -> None:
        k = (e.key, e.period, e.unit)
        self.totals[k] = self.totals.get(k, 0) + e.amount
        if e.key.rolling:
            current = self.windows.get(e.key)
            if current is None or e.period.window > current.window:
                self.windows[e.key] = e.period
        if e.tag is not None:
            self.tags[k] = (*self.tags.get(k, ()), e.tag)

    def used(self, key: Key, period: Period, unit: Unit) -> int:
        return self.totals.get((key, period, unit), 0)

    def window(self, key: Key) -> Period | None:
        return self.windows.get(key)

    def tagged(self, key: Key, period: Period, unit: Unit) -> tuple[str, ...]:
        return self.tags.get((key, period, unit), ())

    def freeze(self) -> LedgerState:
        return LedgerState(
            MappingProxyType(dict(self.totals)),
            MappingProxyType(dict(self.windows)),
            MappingProxyType(dict(self.tags)),
        )


def fold(entries: Iterable[Consumption], state: LedgerState | None = None) -> LedgerState:
    """The state after ``entries`` (in their order), from ``state`` or from nothing."""
    w = Working(state)
    for e in entries:
        w.apply(e)
    return w.freeze()


EMPTY = LedgerState(MappingProxyType({}), MappingProxyType({}), MappingProxyType({}))
