"""An independent check that no small figure can be recomputed from the published ones.

Written apart from :mod:`mutuelle.reporting.disclosure` (which eliminates with fractions, one
group of cells at a time): here, dense elimination modulo a large prime. A cell is determined
by the published figures exactly when removing its column lowers the rank of the equations
restricted to the unpublished cells.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from mutuelle.reporting.disclosure import THRESHOLD, Cell, Equation

P = (1 << 61) - 1


def _determined_columns(rows: list[list[int]], ncols: int) -> set[int]:
    """Columns whose value the rows fix: after full reduction (Gauss-Jordan modulo P), pivot
    columns whose row has no other non-zero entry."""
    m = [r[:] for r in rows]
    pivots: list[tuple[int, int]] = []
    rank = 0
    for col in range(ncols):
        pivot = next((i for i in range(rank, len(m)) if m[i][col]), None)
        if pivot is None:
            continue
        m[rank], m[pivot] = m[pivot], m[rank]
        inv = pow(m[rank][col], P - 2, P)
        m[rank] = [(v * inv) % P for v in m[rank]]
        for i in range(len(m)):
            if i != rank and m[i][col]:
                f = m[i][col]
                m[i] = [(a - f * b) % P for a, b in zip(m[i], m[rank], strict=True)]
        pivots.append((rank, col))
        rank += 1
    return {col for r, col in pivots if sum(1 for v in m[r] if v) == 1}


def recomputable(
    equations: Iterable[Equation], published: Collection[Any], unknown: Collection[Any]
) -> set[Any]:
    """The unknown cells an attacker recomputes from the published values and the equations."""
    names = sorted(set(unknown), key=repr)
    index = {k: j for j, k in enumerate(names)}
    rows = []
    for eq in equations:
        row = [0] * len(names)
        touches = False
        for k, coef in eq.terms:
            if k in index:
                row[index[k]] = (row[index[k]] + coef) % P
                touches = True
            elif k not in published:
                raise AssertionError(f"{k!r} neither published nor unknown")
        if touches:
            rows.append(row)
    return {names[j] for j in _determined_columns(rows, len(names))}


def leaks(
    cells: Mapping[Any, Cell], equations: Iterable[Equation], published: Collection[Any]
) -> set[Any]:
    """Small cells (1 to 10 people) that are not published but can be recomputed."""
    unknown = [k for k in cells if k not in published]
    small = {k for k in unknown if 1 <= cells[k].people < THRESHOLD}
    return recomputable(list(equations), published, unknown) & small
