"""The offer data is the text: every tariff cell against the seed, and the data validates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel
from tests.seed_tariffs import read_grids

from mutuelle.money import parse_euros
from mutuelle.offers import Offer
from mutuelle.offers.model import Source, TariffGrid

GRID_FILES = {"annexe4": "annexe4", "annexe5": "annexe5", "annexe6": "annexe6"}
DOCS = Path(__file__).resolve().parents[1] / "docs" / "interpretations.md"


def test_every_tariff_cell_is_the_text(offer: Offer, seed_lines: list[str]) -> None:
    seed = read_grids(seed_lines)
    checked = 0
    for (annex, table), rows in seed.items():
        grid = offer.grids[annex]
        data_rows = grid.tables[table].rows  # type: ignore[index]
        assert [r.text for r in data_rows] == [r.label for r in rows], (annex, table)
        for data_row, seed_row in zip(data_rows, rows, strict=True):
            assert data_row.line == seed_row.line, (annex, table, seed_row.label)
            cents = tuple(None if c is None else parse_euros(c) for c in data_row.eur)
            assert cents == seed_row.cells, (annex, table, seed_row.label)
            checked += sum(c is not None for c in cents)
    # 63 adult rows + 20 child rows (×5), 11 student rows (×5), 20 + 10 + 10 TNS rows (×7),
    # minus the four blank cells (G-01, G-02).
    assert checked == (63 + 20 + 11) * 5 + (20 + 10 + 10) * 7 - 4


def test_blank_cells_are_declared_gaps(offer: Offer) -> None:
    blanks = {
        (g.id, t, row.age, f)
        for g in offer.grids.values()
        for t, table in g.tables.items()
        for row in table.rows
        for f, cell in zip(g.formulas, row.eur, strict=True)
        if cell is None
    }
    assert blanks == {
        ("annexe4", "adult", "80+", "Beaufortain"),
        ("annexe4", "adult", "80+", "Vanoise"),
        ("annexe6", "family", "56-60", "ADR"),
        ("annexe6", "family", "56-60", "AER"),
    }


def _grid_yaml(name: str) -> dict:
    folder = Path(__file__).resolve().parents[1] / "src/mutuelle/offers/data/grenoble-2025/tariffs"
    path = next(folder.glob(f"{name}-*.yaml"))
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_loader_refuses_an_undeclared_blank() -> None:
    raw = _grid_yaml("annexe4")
    raw["gaps"] = []
    with pytest.raises(ValueError, match="not declared"):
        TariffGrid.model_validate(raw)


def test_loader_refuses_a_gap_that_is_not_blank() -> None:
    raw = _grid_yaml("annexe5")
    raw["gaps"] = [
        {"table": "student", "age": "18", "formulas": ["Bauges"], "interpretation": "G-01"}
    ]
    with pytest.raises(ValueError, match="declared but cell"):
        TariffGrid.model_validate(raw)


def test_loader_refuses_holes_in_the_ages() -> None:
    raw = _grid_yaml("annexe5")
    del raw["tables"]["student"]["rows"][3]
    with pytest.raises(ValueError, match="not contiguous"):
        TariffGrid.model_validate(raw)


def test_loader_refuses_a_malformed_amount() -> None:
    raw = _grid_yaml("annexe5")
    raw["tables"]["student"]["rows"][0]["eur"][0] = "15,6O"
    with pytest.raises(ValueError, match="illisible"):
        TariffGrid.model_validate(raw)


def _sources(offer: Offer) -> list[Source]:
    out: list[Source] = []

    def walk(value: object) -> None:
        if isinstance(value, Source):
            out.append(value)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(offer)
    return out


def test_every_source_line_lies_in_its_document(offer: Offer, seed_lines: list[str]) -> None:
    """A cited line must fall inside the annex it names (so a reviewer finds the sentence)."""
    starts = sorted((d.line, key) for key, d in offer.documents.items() if d.line)
    sources = _sources(offer)
    assert len(sources) > 30
    for src in sources:
        doc = offer.documents[src.doc]
        if doc.line is None:
            continue
        assert src.line is not None
        following = [line for line, _ in starts if line > doc.line]
        end = min(following) if following else len(seed_lines)
        assert doc.line <= src.line < end, (src, doc.title)
        assert seed_lines[src.line - 1].strip(), f"{src} cites a blank line"


@pytest.mark.parametrize(
    ("line", "phrase"),
    [
        (2245, "âgées d'au moins 16 ans"),
        (2755, "calculé par différence entre l'année en cours et l'année de naissance"),
        (2761, "au prorata du temps à courir"),
        (2773, "Le 1<sup>er</sup> enfant est couvert gratuitement durant 6 mois"),
        (2780, "à compter du 4<sup>ème</sup> enfant"),
        (2412, "Cotisation « Etudiant » : le Membre participant étudiant, sans ayant-droit"),
        (4042, "une majoration égale à 2% par année"),
        (5091, "à compter du 3<sup>ème</sup> enfant"),
        (5074, "Taux Unique FAMILIAL"),
        (4906, "1<sup>er</sup> jour du mois suivant la réception"),
        (1884, "garanties pour toute la durée de la convention"),
    ],
)
def test_rule_sources_quote_the_sentence(seed_lines: list[str], line: int, phrase: str) -> None:
    """The lines the pricing rules cite hold the sentence they implement."""
    assert phrase in seed_lines[line - 1]


def test_every_interpretation_is_documented(offer: Offer) -> None:
    text = DOCS.read_text(encoding="utf-8")
    headings = set(re.findall(r"^### ([GI]-\d{2}) — ", text, flags=re.M))
    assert set(offer.interpretations) <= headings
    used = {s.interpretation for s in _sources(offer) if s.interpretation}
    used |= {g.interpretation for grid in offer.grids.values() for g in grid.gaps}
    assert used <= set(offer.interpretations)
