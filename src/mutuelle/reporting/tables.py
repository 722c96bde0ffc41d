"""Tables of counts (or amounts) named by the quantity they count, and the equations that tie
them together, for :mod:`mutuelle.reporting.disclosure`.

A cell key is ``(measure, time, dims)``: ``time`` is a date (``"2025-03-31"``) for a stock,
a period key (``"2025-Q1"``) for a flow, ``""`` for a figure of its own (one action's
participants); ``dims`` a sorted tuple of (dimension, value). Two tables that show the same
quantity (the members of a range, in the table by prior cover and in the table by role) share
the cell, so suppressing it in one suppresses it in the other.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mutuelle.reporting.disclosure import Cell, Equation
from mutuelle.reporting.periods import Period, PeriodKind

Dims = tuple[tuple[str, str], ...]
Key = tuple[str, str, Dims]


def dims(pairs: Mapping[str, str] | Iterable[tuple[str, str]]) -> Dims:
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return tuple(sorted(items))


class Unit(StrEnum):
    PEOPLE = "people"  # a count of people (its own number of people)
    CENTS = "cents"  # an amount about some people (households)

    @property
    def label(self) -> str:
        return "personnes" if self is Unit.PEOPLE else "euros"


@dataclass(frozen=True, slots=True)
class Record:
    """One unit counted: its dimensions, its value (1 person, n participants, cents) and, for
    amounts, who it is about (the number of people of a cell is then the distinct ``who``)."""

    dims: Dims
    value: int = 1
    who: str | None = None


@dataclass(frozen=True)
class Axis:
    name: str
    values: tuple[tuple[str, str], ...]  # (value, label)
    total: str = "Total"


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    measure: str
    rows: Axis
    cols: Axis | None = None
    fixed: Dims = ()
    unit: Unit = Unit.PEOPLE
    note: str = ""
    value_label: str = "nombre"  # the column of a table without columns
    # Added to the cells' rank: a stock seen in several tables is worth more than a flow, so a
    # complement is taken among the flows first.
    priority: int = 0


@dataclass(frozen=True)
class Layout:
    """Where each figure of a table is: row label → the keys of its columns then its total."""

    spec: TableSpec
    time: str
    rows: tuple[tuple[str, tuple[Key, ...]], ...]
    total_row: tuple[Key, ...]
    col_labels: tuple[str, ...]

    def keys(self) -> list[Key]:
        out = [k for _, ks in self.rows for k in ks]
        out.extend(self.total_row)
        return out


@dataclass
class Family:
    """Every figure of every period the committee may receive, and how they add up."""

    cells: dict[Any, Cell] = field(default_factory=dict)  # Key → Cell
    equations: list[Equation] = field(default_factory=list)
    _eq_seen: set[frozenset[Any]] = field(default_factory=set)

    def add_cell(self, cell: Cell) -> None:
        old = self.cells.get(cell.key)
        if old is not None:
            if (old.value, old.people) != (cell.value, cell.people):
                raise ValueError(f"deux valeurs pour {cell.key!r} : {old.value} et {cell.value}")
            if cell.rank < old.rank or (cell.publish and not old.publish):
                self.cells[cell.key] = Cell(
                    old.key,
                    old.value,
                    old.people,
                    min(old.rank, cell.rank),
                    old.publish or cell.publish,
                )
            return
        self.cells[cell.key] = cell

    def add_equation(self, eq: Equation) -> None:
        sig = frozenset(eq.terms)
        if sig in self._eq_seen:
            return
        self._eq_seen.add(sig)
        self.equations.append(eq)


def _aggregate(records: Iterable[Record]) -> tuple[Counter[Dims], dict[Dims, set[str]]]:
    values: Counter[Dims] = Counter()
    who: dict[Dims, set[str]] = defaultdict(set)
    for r in records:
        values[r.dims] += r.value
        if r.who is not None:
            who[r.dims].add(r.who)
    return values, who


class Counts:
    """Values and numbers of people of any sub-combination of dimensions, from records (or,
    for counts of people, from an already aggregated ``Counter`` of dimensions)."""

    def __init__(self, records: Iterable[Record] | Counter[Dims], unit: Unit) -> None:
        self.unit = unit
        self._who: dict[Dims, set[str]]
        if isinstance(records, Counter):
            self._values, self._who = records, {}
        else:
            self._values, self._who = _aggregate(records)
        self._cache_by_names: dict[
            tuple[str, ...], tuple[dict[Dims, int], dict[Dims, set[str]]]
        ] = {}

    def get(self, want: Dims) -> tuple[int, int]:
        """(value, people) of the records whose dimensions include ``want``. Projected once
        per set of dimension names (a table asks many cells over the same names)."""
        names = tuple(n for n, _ in want)
        if names not in self._cache_by_names:
            values: dict[Dims, int] = defaultdict(int)
            who: dict[Dims, set[str]] = defaultdict(set)
            for d, v in self._values.items():
                got = dict(d)
                if not all(n in got for n in names):
                    continue
                key = tuple((n, got[n]) for n in names)
                values[key] += v
                if self.unit is Unit.CENTS:
                    who[key] |= self._who.get(d, set())
            self._cache_by_names[names] = (dict(values), dict(who))
        values_of, who_of = self._cache_by_names[names]
        value = values_of.get(want, 0)
        people = value if self.unit is Unit.PEOPLE else len(who_of.get(want, ()))
        return value, people


def add_table(family: Family, spec: TableSpec, time: str, counts: Counts) -> Layout:
    """The table's cells and margins (row totals, column totals, grand total) into ``family``."""

    def key(extra: Dims) -> Key:
        return (spec.measure, time, dims((*spec.fixed, *extra)))

    def cell(extra: Dims, rank: int) -> Key:
        k = key(extra)
        value, people = counts.get(k[2])
        family.add_cell(Cell(k, value, people, rank + spec.priority))
        return k

    rows_out: list[tuple[str, tuple[Key, ...]]] = []
    grand = cell((), 2)
    row_totals: list[Key] = []
    if spec.cols is None:
        for value, label in spec.rows.values:
            k = cell(((spec.rows.name, value),), 0)
            rows_out.append((label, (k,)))
            row_totals.append(k)
        family.add_equation(Equation.total(grand, row_totals, f"{spec.id} {time} : total"))
        return Layout(spec, time, tuple(rows_out), (grand,), (spec.value_label,))
    col_totals = [cell(((spec.cols.name, cv),), 1) for cv, _ in spec.cols.values]
    inner: list[list[Key]] = []
    for value, label in spec.rows.values:
        r = (spec.rows.name, value)
        ks = [cell((r, (spec.cols.name, cv)), 0) for cv, _ in spec.cols.values]
        total = cell((r,), 1)
        family.add_equation(Equation.total(total, ks, f"{spec.id} {time} : ligne {label}"))
        inner.append(ks)
        row_totals.append(total)
        rows_out.append((label, (*ks, total)))
    for j, (_, clabel) in enumerate(spec.cols.values):
        family.add_equation(
            Equation.total(col_totals[j], [ks[j] for ks in inner], f"{spec.id} {time} : {clabel}")
        )
    family.add_equation(Equation.total(grand, row_totals, f"{spec.id} {time} : total"))
    labels = (*(label for _, label in spec.cols.values), spec.cols.total)
    return Layout(spec, time, tuple(rows_out), (*col_totals, grand), labels)


def add_period_sums(family: Family, measures: Iterable[str], periods: Sequence[Period]) -> None:
    """A flow of a semester is the sum of its quarters, a year the sum of its semesters: one
    equation per figure present in all of them (so a quarter cannot be recovered as the
    difference between its semester and the other quarter)."""
    wanted = set(measures)
    by_qty: dict[tuple[str, Dims], set[str]] = defaultdict(set)
    for measure, time, d in family.cells:
        if measure in wanted:
            by_qty[(measure, d)].add(time)
    for p in periods:
        if p.kind is PeriodKind.QUARTER:
            continue
        parts = [c.key for c in p.children()]
        for (measure, d), times in by_qty.items():
            if p.key in times and all(t in times for t in parts):
                family.add_equation(
                    Equation.total(
                        (measure, p.key, d),
                        [(measure, t, d) for t in parts],
                        f"{measure} {p.key} = {' + '.join(parts)}",
                    )
                )
