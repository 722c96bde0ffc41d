"""Small-cell suppression: no published figure about 1 to 10 people, and no suppressed figure
that the published ones let anyone recompute — within a table, across tables, across periods,
across exports made at different times."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.reporting.oracle import leaks, recomputable

from mutuelle.reporting.disclosure import Cell, Equation, Status, protect
from mutuelle.reporting.periods import Period, periods_of_year
from mutuelle.reporting.tables import (
    Axis,
    Counts,
    Family,
    Record,
    TableSpec,
    Unit,
    add_period_sums,
    add_table,
    dims,
)


def table_2d(values: list[list[int]]) -> tuple[dict[Any, Cell], list[Equation]]:
    """A table with its row totals, column totals and grand total (built here, apart from
    the library's table builder)."""
    r, c = len(values), len(values[0])
    cells: dict[Any, Cell] = {}
    eqs: list[Equation] = []
    for i in range(r):
        for j in range(c):
            cells[(i, j)] = Cell((i, j), values[i][j], values[i][j], 0)
    for i in range(r):
        t = sum(values[i])
        cells[(i, "T")] = Cell((i, "T"), t, t, 1)
        eqs.append(Equation.total((i, "T"), [(i, j) for j in range(c)]))
    for j in range(c):
        t = sum(values[i][j] for i in range(r))
        cells[("T", j)] = Cell(("T", j), t, t, 1)
        eqs.append(Equation.total(("T", j), [(i, j) for i in range(r)]))
    g = sum(map(sum, values))
    cells[("T", "T")] = Cell(("T", "T"), g, g, 2)
    eqs.append(Equation.total(("T", "T"), [(i, "T") for i in range(r)]))
    eqs.append(Equation.total(("T", "T"), [("T", j) for j in range(c)]))
    return cells, eqs


def published(prot: Any) -> set[Any]:
    return {k for k, s in prot.status.items() if s is Status.PUBLISHED}


def another_table(values: list[list[int]], suppressed: set[Any], key: Any) -> bool:
    """Is there another table of non-negative counts, with every published figure unchanged,
    where the inner cell ``key`` differs? Search a cycle of suppressed cells through ``key`` in
    the table extended by its margins, and move one person around it."""
    r, c = len(values), len(values[0])
    rows = [*range(r), "T"]
    cols = [*range(c), "T"]
    edges = {(i, j) for i in rows for j in cols if (i, j) in suppressed}
    # Breadth-first search from key's row to key's column without using key itself.
    start, goal = ("r", key[0]), ("c", key[1])
    prev: dict[Any, Any] = {start: None}
    frontier = [start]
    while frontier and goal not in prev:
        nxt = []
        for node in frontier:
            side, x = node
            for i, j in edges:
                if (i, j) == key:
                    continue
                if side == "r" and i == x:
                    other = ("c", j)
                elif side == "c" and j == x:
                    other = ("r", i)
                else:
                    continue
                if other not in prev:
                    prev[other] = (node, (i, j))
                    nxt.append(other)
        frontier = nxt
    if goal not in prev:
        return False
    path = [key]
    node = goal
    while prev[node] is not None:
        node, edge = prev[node]
        path.append(edge)
    # Alternate +1/-1 on the extended matrix (margins counted negatively, the grand total
    # positively), then check every sum and every count.
    grid = [[0] * (c + 1) for _ in range(r + 1)]
    for n, (i, j) in enumerate(path):
        ii, jj = (r if i == "T" else i), (c if j == "T" else j)
        sign = 1 if n % 2 == 0 else -1
        margin = (i == "T") != (j == "T")
        grid[ii][jj] += -sign if margin else sign
    new = [[values[i][j] + grid[i][j] for j in range(c)] for i in range(r)]
    if any(v < 0 for row in new for v in row):
        return False
    ok_rows = all(sum(new[i]) == sum(values[i]) + grid[i][c] for i in range(r))
    ok_cols = all(
        sum(new[i][j] for i in range(r)) == sum(values[i][j] for i in range(r)) + grid[r][j]
        for j in range(c)
    )
    ok_grand = sum(map(sum, new)) == sum(map(sum, values)) + grid[r][c]
    changed = new[key[0]][key[1]] != values[key[0]][key[1]]
    return ok_rows and ok_cols and ok_grand and changed


small_or_not = st.one_of(st.integers(0, 12), st.integers(11, 80))
tables = st.integers(1, 5).flatmap(
    lambda r: st.integers(1, 4).flatmap(
        lambda c: st.lists(st.lists(small_or_not, min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


@settings(max_examples=200, deadline=None)
@given(tables)
def test_no_small_cell_is_published_or_recomputable(values: list[list[int]]) -> None:
    cells, eqs = table_2d(values)
    prot = protect(cells.values(), eqs)
    pub = published(prot)
    for k in pub:
        assert cells[k].people == 0 or cells[k].people >= 11, k
    assert leaks(cells, eqs, pub) == set()
    assert prot.failures == ()


@settings(max_examples=150, deadline=None)
@given(tables)
def test_each_suppressed_small_cell_has_another_possible_value(values: list[list[int]]) -> None:
    """Not only linear algebra: another table of non-negative whole counts fits every
    published figure and changes the small cell."""
    cells, eqs = table_2d(values)
    prot = protect(cells.values(), eqs)
    hidden = prot.suppressed()
    for k in hidden:
        if 1 <= cells[k].people < 11 and k[0] != "T" and k[1] != "T":
            assert another_table(values, hidden, k), (values, k)


def test_the_complement_is_the_smallest_cell_of_the_row_and_never_a_zero() -> None:
    cells, eqs = table_2d([[5, 0, 20, 30]])
    prot = protect(cells.values(), eqs)
    assert prot.status[(0, 0)] is Status.PRIMARY
    assert prot.status[(0, 1)] is Status.PUBLISHED  # a known zero would hide nothing
    assert prot.status[(0, 2)] is Status.SECONDARY
    assert prot.status[(0, 3)] is Status.PUBLISHED
    # In one row the column totals repeat the cells: they are suppressed with them.
    assert prot.status[("T", 0)].suppressed and prot.status[("T", 2)].suppressed


def test_a_naive_protection_of_each_period_alone_leaks_and_the_joint_one_does_not() -> None:
    """Q1: 5 complaints about X (suppressed in Q1's table), 40 about Y. Q2: 30 and 30. The
    semester, protected alone, publishes 35 and 70: 35 − 30 = 5 gives Q1's small cell back."""
    by_period = {"Q1": {"x": 5, "y": 40}, "Q2": {"x": 30, "y": 30}}
    by_period["S1"] = {k: by_period["Q1"][k] + by_period["Q2"][k] for k in ("x", "y")}
    cells: dict[Any, Cell] = {}
    eqs: list[Equation] = []
    for p, row in by_period.items():
        for k, v in row.items():
            cells[(p, k)] = Cell((p, k), v, v)
        t = sum(row.values())
        cells[(p, "T")] = Cell((p, "T"), t, t, 1)
        eqs.append(Equation.total((p, "T"), [(p, "x"), (p, "y")]))
    nesting = [Equation.total(("S1", k), [("Q1", k), ("Q2", k)]) for k in ("x", "y", "T")]
    naive: set[Any] = set()
    for p in by_period:
        mine = {k: c for k, c in cells.items() if k[0] == p}
        prot = protect(mine.values(), [e for e in eqs if e.terms[0][0][0] == p])
        naive |= published(prot)
    assert ("Q1", "x") in leaks(cells, eqs + nesting, naive)
    joint = protect(cells.values(), eqs + nesting)
    assert leaks(cells, eqs + nesting, published(joint)) == set()


people = st.lists(
    st.tuples(st.sampled_from("abcde"), st.integers(0, 364), st.sampled_from("uv")),
    min_size=0,
    max_size=120,
)


@settings(max_examples=60, deadline=None)
@given(people)
def test_quarters_semesters_and_the_year_together_never_give_back_a_small_cell(
    persons: list[tuple[str, int, str]],
) -> None:
    """Every export of the year (4 quarters, 2 semesters, the year; two groupings of the same
    people, by category and by category × kind) put side by side."""
    import datetime as dt

    fam = Family()
    periods = periods_of_year(2025)
    cat = Axis("cat", tuple((c, c) for c in "abcde"))
    kind = Axis("kind", (("u", "u"), ("v", "v")))
    for p in periods:
        recs = [
            Record(dims({"cat": c, "kind": k}))
            for c, day, k in persons
            if p.contains(dt.date(2025, 1, 1) + dt.timedelta(days=day))
        ]
        counts = Counts(recs, Unit.PEOPLE)
        add_table(fam, TableSpec("by_cat", "", "n", cat), p.key, counts)
        add_table(fam, TableSpec("by_cat_kind", "", "n", cat, kind), p.key, counts)
    add_period_sums(fam, ["n"], periods)
    prot = protect(fam.cells.values(), fam.equations)
    pub = published(prot)
    assert all(fam.cells[k].people in (0,) or fam.cells[k].people >= 11 for k in pub)
    assert leaks(fam.cells, fam.equations, pub) == set()


def test_a_figure_published_before_stays_and_a_small_correction_is_not_revealed() -> None:
    """Q1 was published with 30 people in category a; two late entries make it 32. Q2 and the
    semester come later: publishing both would give 32 − 30 = 2 late entries."""
    q1 = {"a": 30, "b": 40}
    q2 = {"a": 25, "b": 50}
    late = {"a": 32, "b": 40}
    cells: dict[Any, Cell] = {}
    eqs: list[Equation] = []
    for p, row in (("Q1", late), ("Q2", q2)):
        for k, v in row.items():
            cells[(p, k)] = Cell((p, k), v, v)
    for k in ("a", "b"):
        v = late[k] + q2[k]
        cells[("S1", k)] = Cell(("S1", k), v, v)
        eqs.append(Equation.total(("S1", k), [("Q1", k), ("Q2", k)]))
    prior = {("Q1", "a"): q1["a"], ("Q1", "b"): q1["b"]}
    prot = protect(cells.values(), eqs, prior)
    assert prot.status[("Q1", "b")] is Status.PUBLISHED  # unchanged: stays as published
    assert prot.status[("Q1", "a")] is Status.HIDDEN  # changed: never published again
    pub = published(prot)
    assert ("Q1", "a") not in recomputable(eqs, pub, set(cells) - pub)


def test_figures_that_contradict_each_other_are_refused() -> None:
    cells = {k: Cell(k, v, v) for k, v in (("t", 10), ("a", 4), ("b", 5))}
    try:
        protect(cells.values(), [Equation.total("t", ["a", "b"], "total")])
    except ValueError as exc:
        assert "ne s'additionnent pas" in str(exc)
    else:
        raise AssertionError("inconsistent figures accepted")


def test_an_amount_about_few_households_is_suppressed_whatever_its_size() -> None:
    cells = {
        "total": Cell("total", 900_000, 60, 2),
        "optique": Cell("optique", 500_000, 4),  # 5 000 € but 4 households
        "dentaire": Cell("dentaire", 250_000, 30),
        "soins": Cell("soins", 150_000, 40),
    }
    prot = protect(cells.values(), [Equation.total("total", ["optique", "dentaire", "soins"])])
    assert prot.status["optique"] is Status.PRIMARY
    assert prot.status["dentaire"] is Status.SECONDARY  # the fewest households after it
    assert prot.shown("total") == 900_000


def test_counts_helper_adds_subcombinations() -> None:
    counts = Counts(
        Counter({(("a", "x"), ("b", "y")): 3, (("a", "x"), ("b", "z")): 2}), Unit.PEOPLE
    )
    assert counts.get((("a", "x"),)) == (5, 5)
    assert counts.get(()) == (5, 5)
    assert counts.get((("b", "z"),)) == (2, 2)
    assert Period.parse("2025-S1").children()[1].key == "2025-Q2"
