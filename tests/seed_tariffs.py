"""An independent reading of the tariff grids in the seed text, for the data tests.

Written without the project's loader or data: it finds each grid by its heading in the seed
and reads its tab-separated rows as printed. If the data and this reading disagree, one of
them misread the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EURO = re.compile(r"^(\d+),(\d{2}) €$")


@dataclass(frozen=True)
class SeedRow:
    line: int  # 1-based
    label: str  # "45 ans", "0 - 9 ans", "80 ans et +"
    cells: tuple[int | None, ...]  # cents, None where the text is blank


def _cents(cell: str) -> int | None:
    cell = cell.strip()
    if not cell:
        return None
    m = EURO.match(cell)
    assert m, f"unexpected tariff cell {cell!r}"
    return int(m.group(1)) * 100 + int(m.group(2))


def _find(lines: list[str], needle: str, start: int = 0) -> int:
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return i
    raise AssertionError(f"heading {needle!r} not found after line {start + 1}")


def _rows(lines: list[str], start: int, stop_markers: tuple[str, ...], width: int) -> list[SeedRow]:
    """Rows starting with an age after ``start`` until a line containing a stop marker."""
    out = []
    i = start
    while i < len(lines) and not any(m in lines[i] for m in stop_markers):
        text = re.sub(r"</?b>", "", lines[i])
        if re.match(r"^\d+", text) and "\t" in text:
            parts = text.split("\t")
            cells = [_cents(c) for c in parts[1:]]
            cells += [None] * (width - len(cells))
            out.append(SeedRow(i + 1, parts[0].strip(), tuple(cells[:width])))
        i += 1
    return out


def read_grids(lines: list[str]) -> dict[tuple[str, str], list[SeedRow]]:
    """(annex, table) → rows, for annexes 4, 5 and 6."""
    grids: dict[tuple[str, str], list[SeedRow]] = {}
    a4 = _find(
        lines, "Tarifs mensuels 2025", _find(lines, "# MUTUELLE COMMUNALE VILLE DE GRENOBLE")
    )
    a4_adults = _find(lines, "Adultes", a4)
    a4_children = _find(lines, "Enfants", a4_adults)
    grids[("annexe4", "adult")] = _rows(lines, a4_adults, ("Enfants",), 5)
    a5 = _find(lines, "Etudiants Tarifs mensuels 2025", a4_children)
    grids[("annexe4", "child")] = _rows(lines, a4_children, ("Etudiants Tarifs mensuels",), 5)
    a6 = _find(lines, "Travailleurs non salariés", a5)
    grids[("annexe5", "student")] = _rows(lines, a5, ("Travailleurs non salariés",), 5)
    child = _find(lines, "**ENFANT**", a6)
    adult = _find(lines, "**ADULTE**", child)
    family = _find(lines, "**FAMILLE**", adult)
    end = _find(lines, "# MUTUELLE COMMUNALE - VILLE DE GRENOBLE", family)
    grids[("annexe6", "child")] = _rows(lines, child, ("**ADULTE**",), 7)
    grids[("annexe6", "adult")] = _rows(lines, adult, ("**FAMILLE**",), 7)
    grids[("annexe6", "family")] = _rows(lines[:end], family, ("\0",), 7)
    return grids
