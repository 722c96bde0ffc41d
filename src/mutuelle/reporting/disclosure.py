"""Small-cell suppression: no published figure about fewer than 11 people, and no way to
recompute one from the figures that are published.

The rule (issue 13, the steering committee's view): every cell under 11 people is suppressed
(*secret primaire*), and enough other cells with it (*secret secondaire*, the complement) that
no suppressed value can be recomputed from row or column totals, from another table, or by
differencing two exports — two nested periods (a quarter and its semester), two groupings of the
same people (by range and by household type), a stock and the flows that change it.

How: every figure the committee may ever receive is a :class:`Cell` named by the *quantity* it
counts (a key such as ``("persons", "2025-03-31", (("range", "tns"), ("role", "member")))``), so
the same quantity shown in two tables is one cell; every way figures add up is an
:class:`Equation` (a table's margins, a semester = its two quarters, stock at the end = stock at
the start + entries − exits). A suppressed cell can be recomputed exactly when its unit vector
lies in the row space of the equations restricted to the unknown (suppressed) cells — when it is
a pivot whose reduced row has no other unknown. :func:`protect` suppresses the small cells, then,
while one of them is still determined, adds the published cell with the fewest people among its
equations, until none is; each addition is never a zero (a known zero would not hide anything)
and preferably not a total. Exact arithmetic (fractions): no tolerance, no rounding.

What it does not claim: an interval narrower than the whole range may remain for a suppressed
value (the attacker knows counts are non-negative); the rule here is the issue's: not
recomputable. Figures already given to the committee (``prior``) are fixed: they stay published
and every later computation is protected together with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any

# Issue 13: « every cell under 11 people suppressed ».
THRESHOLD = 11
THRESHOLD_SOURCE = (
    "Issue 13 (vue de la Ville : toute case de moins de 11 personnes est masquée, ainsi que son "
    "complément) ; convention art. 1, 3 et 5 (la Ville ne voit que des agrégats)"
)

CellKey = Hashable


class Status(StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"  # about 1 to 10 people
    SECONDARY = "secondary"  # hidden so that a primary cell cannot be recomputed
    HIDDEN = "hidden"  # never published (its value may be derivable; protected if small)

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def suppressed(self) -> bool:
        return self is not Status.PUBLISHED


_STATUS_LABELS = {
    Status.PUBLISHED: "publiée",
    Status.PRIMARY: f"masquée : moins de {THRESHOLD} personnes",
    Status.SECONDARY: "masquée : complément d'une case de moins de 11 personnes",
    Status.HIDDEN: "non publiée",
}

# What the committee reads in place of a suppressed value (one mark for both kinds, so the
# primary cells cannot be told from their complements).
SECRET_MARK = "s"
SECRET_TEXT = f"s (secret : moins de {THRESHOLD} personnes, ou complément)"


@dataclass(frozen=True, slots=True)
class Cell:
    """One figure: ``value`` (a count of people, or cents) about ``people`` people.

    ``rank`` orders how aggregate the cell is (0 for an inner cell, higher for totals): a
    complement is taken among the least aggregate cells first. ``publish=False`` for a figure
    that is never shown (an opening stock) but may be derivable.
    """

    key: CellKey
    value: int
    people: int
    rank: int = 0
    publish: bool = True

    def __post_init__(self) -> None:
        if self.people < 0:
            raise ValueError(f"{self.key!r}: negative number of people")


@dataclass(frozen=True, slots=True)
class Equation:
    """``Σ coefficient × value = 0`` over cells (the way published figures add up)."""

    terms: tuple[tuple[CellKey, int], ...]
    why: str = ""

    @classmethod
    def total(cls, total: CellKey, parts: Iterable[CellKey], why: str = "") -> Equation:
        """``total = Σ parts``."""
        return cls(((total, 1), *((p, -1) for p in parts)), why)

    def cell_keys(self) -> tuple[CellKey, ...]:
        return tuple(k for k, _ in self.terms)


@dataclass(frozen=True)
class Protection:
    status: Mapping[CellKey, Status]
    values: Mapping[CellKey, int]
    # Small cells that stay recomputable because every figure they depend on was already
    # published (``prior``): staff must know; they are never published again.
    failures: tuple[CellKey, ...] = ()
    rounds: int = 0
    protects: Mapping[CellKey, CellKey] = field(default_factory=dict)  # complement → small cell

    def shown(self, key: CellKey) -> int | None:
        """The published value, or None when suppressed (or unknown)."""
        if self.status.get(key) is Status.PUBLISHED:
            return self.values[key]
        return None

    def suppressed(self) -> set[CellKey]:
        return {k for k, s in self.status.items() if s.suppressed}


@dataclass
class _Family:
    cells: dict[CellKey, Cell]
    equations: list[Equation]
    by_key: dict[CellKey, list[int]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for i, eq in enumerate(self.equations):
            for k in eq.cell_keys():
                self.by_key[k].append(i)


def check_equations(cells: Mapping[CellKey, Cell], equations: Sequence[Equation]) -> None:
    """Every equation holds on the values (raises ``ValueError`` naming the first that does
    not: the figures would contradict each other)."""
    for eq in equations:
        missing = [k for k in eq.cell_keys() if k not in cells]
        if missing:
            raise ValueError(f"équation sur des cases inconnues {missing!r} ({eq.why})")
        if sum(c * cells[k].value for k, c in eq.terms) != 0:
            raise ValueError(f"les chiffres ne s'additionnent pas : {eq.why or eq.terms!r}")


def protect(
    cells: Iterable[Cell],
    equations: Sequence[Equation],
    prior: Mapping[Any, int] | None = None,
    threshold: int = THRESHOLD,
) -> Protection:
    """Decide which cells are published. ``prior``: values already given to the committee
    (they stay published; a cell whose value has changed since is never published again, and
    the change itself is protected when it concerns fewer than ``threshold`` people)."""
    by_key: dict[CellKey, Cell] = {}
    for c in cells:
        if c.key in by_key and by_key[c.key] != c:
            raise ValueError(f"deux valeurs pour la même case {c.key!r}")
        by_key[c.key] = c
    check_equations(by_key, equations)
    prior = prior or {}
    fam = _Family(by_key, list(equations))

    status: dict[CellKey, Status] = {}
    sensitive: set[CellKey] = set()
    pinned: set[CellKey] = set()
    for k, cell in by_key.items():
        small = 1 <= cell.people < threshold
        if k in prior:
            if prior[k] == cell.value:
                status[k] = Status.PUBLISHED
                pinned.add(k)
                continue
            # Corrected after publication: never shown again; the correction is a small cell
            # when it concerns fewer than ``threshold`` people.
            status[k] = Status.HIDDEN
            if 1 <= abs(cell.value - prior[k]) < threshold or small:
                sensitive.add(k)
            continue
        if not cell.publish:
            status[k] = Status.HIDDEN
            if small:
                sensitive.add(k)
            continue
        if small:
            status[k] = Status.PRIMARY
            sensitive.add(k)
        else:
            status[k] = Status.PUBLISHED

    failures: list[CellKey] = []
    rounds = 0
    cache: dict[frozenset[CellKey], list[CellKey]] = {}
    protects: dict[CellKey, CellKey] = {}
    while True:
        rounds += 1
        unknown = {k for k, s in status.items() if s.suppressed}
        determined = [
            k for k in _determined(fam, unknown, cache) if k in sensitive and k not in failures
        ]
        if not determined:
            break
        chosen: dict[CellKey, CellKey] = {}
        touched: set[int] = set()
        for k in sorted(determined, key=_order):
            if touched.intersection(fam.by_key[k]):
                continue  # a complement chosen this round already sits in one of its equations
            comp = _complement(fam, k, status, pinned, unknown, cache)
            if comp is None:
                failures.append(k)
                continue
            chosen[comp] = k
            touched.update(fam.by_key[comp])
        for comp, protected in chosen.items():
            status[comp] = Status.SECONDARY
            protects[comp] = protected
    return Protection(
        status=status,
        values={k: c.value for k, c in by_key.items()},
        failures=tuple(sorted(set(failures), key=_order)),
        rounds=rounds,
        protects=protects,
    )


def _order(key: CellKey) -> str:
    return repr(key)


def _candidates(
    fam: _Family, eq_ids: Iterable[int], status: Mapping[CellKey, Status], pinned: set[CellKey]
) -> list[Cell]:
    out: dict[CellKey, Cell] = {}
    for i in eq_ids:
        for k in fam.equations[i].cell_keys():
            c = fam.cells[k]
            if status[k] is Status.PUBLISHED and k not in pinned and c.people >= 1 and c.value != 0:
                out[k] = c
    return list(out.values())


def _cost(c: Cell) -> tuple[int, int, int, str]:
    return (c.rank, c.people, abs(c.value), _order(c.key))


def _complement(
    fam: _Family,
    key: CellKey,
    status: Mapping[CellKey, Status],
    pinned: set[CellKey],
    unknown: set[CellKey],
    cache: dict[frozenset[CellKey], list[CellKey]],
    tries: int = 3,
) -> CellKey | None:
    """The published cell to suppress with ``key``: among the equations linked to it through
    unknown cells, the cheapest (least aggregate, fewest people, smallest value) whose
    suppression makes ``key`` no longer recomputable — tried in that order, a few at most; the
    cheapest of its own equations otherwise (the next round goes on from there)."""
    seen_eq: set[int] = set()
    seen_cells = {key}
    frontier = [key]
    while frontier:
        nxt: list[CellKey] = []
        for k in frontier:
            for i in fam.by_key[k]:
                if i in seen_eq:
                    continue
                seen_eq.add(i)
                for other in fam.equations[i].cell_keys():
                    if other not in seen_cells and status[other].suppressed:
                        seen_cells.add(other)
                        nxt.append(other)
        frontier = nxt
    cands = sorted(_candidates(fam, seen_eq, status, pinned), key=_cost)
    if not cands:
        return None
    for c in cands[:tries]:
        if key not in _determined(fam, unknown | {c.key}, cache):
            return c.key
    own = sorted(_candidates(fam, fam.by_key[key], status, pinned), key=_cost)
    return (own or cands)[0].key


def _determined(
    fam: _Family, unknown: set[CellKey], cache: dict[frozenset[CellKey], list[CellKey]]
) -> list[CellKey]:
    """The unknown cells whose value follows from the published ones (exact elimination, one
    connected group of unknown cells at a time; a group already solved is not solved again)."""
    rows_of: dict[CellKey, list[int]] = defaultdict(list)
    for k in unknown:
        for i in fam.by_key[k]:
            rows_of[k].append(i)
    # Connected components of unknown cells linked by equations.
    parent: dict[CellKey, CellKey] = {k: k for k in unknown}

    def find(x: CellKey) -> CellKey:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    eq_unknowns: dict[int, list[CellKey]] = defaultdict(list)
    for k, ids in rows_of.items():
        for i in ids:
            eq_unknowns[i].append(k)
    for ks in eq_unknowns.values():
        root = find(ks[0])
        for other in ks[1:]:
            r = find(other)
            if r != root:
                parent[r] = root
    groups: dict[CellKey, list[int]] = defaultdict(list)
    members: dict[CellKey, set[CellKey]] = defaultdict(set)
    for i, ks in eq_unknowns.items():
        root = find(ks[0])
        groups[root].append(i)
        members[root].update(ks)

    out: list[CellKey] = []
    for root, eq_ids in groups.items():
        group = frozenset(members[root])
        if group in cache:
            out.extend(cache[group])
            continue
        found: list[CellKey] = []
        cols: dict[CellKey, int] = {}
        rows: list[dict[int, Fraction]] = []
        for i in sorted(eq_ids):
            row: dict[int, Fraction] = {}
            for k, coef in fam.equations[i].terms:
                if k in unknown:
                    j = cols.setdefault(k, len(cols))
                    row[j] = row.get(j, Fraction(0)) + coef
            row = {j: v for j, v in row.items() if v}
            if row:
                rows.append(row)
        names = {j: k for k, j in cols.items()}
        for pivot, reduced in _rref(rows).items():
            if len(reduced) == 1:
                found.append(names[pivot])
        cache[group] = found
        out.extend(found)
    return out


def _rref(rows: Iterable[dict[int, Fraction]]) -> dict[int, dict[int, Fraction]]:
    """Reduced row echelon form of sparse rows: pivot column → its row (pivot entry 1, no
    other pivot column in it)."""
    basis: dict[int, dict[int, Fraction]] = {}
    for original in rows:
        r = dict(original)
        while True:
            col = next((c for c in r if c in basis), None)
            if col is None:
                break
            f = r[col]
            for c, v in basis[col].items():
                nv = r.get(c, Fraction(0)) - f * v
                if nv:
                    r[c] = nv
                else:
                    r.pop(c, None)
        if not r:
            continue
        p = min(r)
        f = r[p]
        r = {c: v / f for c, v in r.items()}
        for b in basis.values():
            g = b.get(p)
            if g:
                for c, v in r.items():
                    nv = b.get(c, Fraction(0)) - g * v
                    if nv:
                        b[c] = nv
                    else:
                        b.pop(c, None)
        basis[p] = r
    return basis
