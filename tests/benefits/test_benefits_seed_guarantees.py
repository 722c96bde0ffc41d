"""The guarantee data is the text: every row and cell of both tables, read from the seed.

This test reads the seed file and the YAML files itself (``yaml.safe_load``, not the project's
loader) and re-parses every printed cell with its own rules, then compares with what the loaded
offer computes. If they disagree, one of them misread the text.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from mutuelle.offers import load_offer

DATA = Path(str(resources.files("mutuelle.offers") / "data"))
TABLES = {
    "annexe7": (5973, 6057, 5),
    "annexe8": (6088, 6128, 7),
}


def norm(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text).replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return text[2:] if text.startswith("- ") else text


def seed_row(lines: list[str], n: int, width: int) -> list[str]:
    parts = [norm(c) for c in lines[n - 1].split("\t")]
    parts += [""] * (width + 1 - len(parts))
    return parts[: width + 1]


def expected(text: str) -> tuple[Any, ...]:
    """An independent reading of a printed cell: (kind, rate in bp, cents, extra)."""
    if text == "-":
        return ("none", 0, 0, None)
    if text == "Frais réels":
        return ("frais_reels", 0, 0, None)
    if m := re.fullmatch(r"(\d+)% Frais réels", text):
        return ("pct_fr", int(m[1]) * 100, 0, None)
    if m := re.fullmatch(r"(\d+)% BR", text):
        return ("pct_br", int(m[1]) * 100, 0, None)
    if m := re.fullmatch(r"(\d+)% BR \+ (\d+)€", text):
        return ("pct_br_plus", int(m[1]) * 100, int(m[2]) * 100, None)
    if m := re.fullmatch(r"AMO \+ (\d+) ?€", text):
        return ("amo_plus", 0, int(m[1]) * 100, None)
    if text.startswith("Prise en charge intégrale dans la limite du prix limite de vente"):
        return ("price_limit", 0, 0, "PLV")
    if text.startswith("Prise en charge intégrale dans la limite des honoraires limites"):
        return ("price_limit", 0, 0, "HLF")
    if m := re.match(r"(?:Plafond de )?(\d+) ?€", text):
        extra: Any = None
        if d := re.search(r"limite de (\d+) jours", text):
            extra = ("days", int(d[1]))
        if s := re.search(r"Max (\d+)€ p/séance", text):
            extra = ("session", int(s[1]) * 100)
        return ("eur", 0, int(m[1]) * 100, extra)
    raise AssertionError(f"cell the test cannot read: {text!r}")


def loaded_tuple(cell: Any) -> tuple[Any, ...]:
    extra: Any = None
    if cell.kind == "price_limit":
        extra = cell.limit
    elif cell.days_per_year is not None:
        extra = ("days", cell.days_per_year)
    elif cell.per_session_cents is not None:
        extra = ("session", cell.per_session_cents)
    return (cell.kind, cell.rate_bp, cell.cents, extra)


def raw_yaml(table: str) -> dict[str, Any]:
    path = DATA / "grenoble-2025" / "guarantees" / f"{table}.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_row_of_the_table_is_in_the_data(guarantee_seed: list[str], table: str) -> None:
    first, last, _ = TABLES[table]
    data = raw_yaml(table)
    described = {x["line"] for x in data["lines"]} | {x["line"] for x in data["rows"]}
    seed_rows = {n for n in range(first, last + 1) if "\t" in guarantee_seed[n - 1]}
    assert described == seed_rows, (
        f"rows of the seed not in the data: {sorted(seed_rows - described)}; "
        f"data rows that are not table rows: {sorted(described - seed_rows)}"
    )


@pytest.mark.parametrize("table", sorted(TABLES))
def test_labels_and_cells_are_printed_as_in_the_seed(guarantee_seed: list[str], table: str) -> None:
    _, _, width = TABLES[table]
    data = raw_yaml(table)
    for item in [*data["lines"], *data["rows"]]:
        row = seed_row(guarantee_seed, item["line"], width)
        label = item.get("label", item.get("text"))
        label_row = seed_row(guarantee_seed, item.get("label_line", item["line"]), width)
        assert label == label_row[0], f"l. {item['line']}: label {label!r} vs {label_row[0]!r}"
        if "cells" in item:
            assert list(item["cells"]) == row[1:], f"l. {item['line']}: cells differ"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_value_is_the_printed_cell(guarantee_seed: list[str], table: str) -> None:
    """Each formula's value equals the seed cell it is read from (own or named by a reading)."""
    _, _, width = TABLES[table]
    loaded = load_offer("grenoble-2025").guarantees[table]
    data = raw_yaml(table)
    formulas = data["formulas"]
    checked = 0
    for item in data["lines"]:
        reads = item.get("read", {})
        for i, formula in enumerate(formulas):
            cell = loaded.value(item["id"], formula)
            r = reads.get(formula)
            if r is None:
                text = seed_row(guarantee_seed, item["line"], width)[1 + i]
                assert text, f"{item['id']} {formula}: blank in the seed but read as a value"
            elif "gap" in r:
                assert cell.kind == "gap" and cell.gap == r["gap"]
                checked += 1
                continue
            elif "text" in r:
                text = r["text"]
                own = seed_row(guarantee_seed, item["line"], width)[1 + i]
                assert own and own != text, "a corrected text must correct a printed cell"
            else:
                src = seed_row(guarantee_seed, r.get("line", item["line"]), width)
                text = src[1 + r["cell"]]
                assert text, f"{item['id']} {formula}: reads a blank cell"
                assert r.get("interpretation"), "a reading names its interpretation"
            assert loaded_tuple(cell) == expected(text), f"{item['id']} {formula}: {text!r}"
            checked += 1
    assert checked == len(data["lines"]) * len(formulas)


def test_the_formula_names_head_the_residents_table(guarantee_seed: list[str]) -> None:
    for n in (5973, 5987, 6008, 6019, 6037, 6049, 6056):
        assert seed_row(guarantee_seed, n, 5)[1:] == raw_yaml("annexe7")["formulas"]


def test_tns_columns_follow_the_tns_tariff_grid(guarantee_seed: list[str]) -> None:
    """docs I-12: the TNS table lost its header; its columns are the grid's order (l. 5908)."""
    header = [norm(c) for c in guarantee_seed[5908 - 1].split("\t")][1:]
    assert header == raw_yaml("annexe8")["formulas"]


def test_blank_cells_read_as_gaps_are_blank_in_the_seed(guarantee_seed: list[str]) -> None:
    assert seed_row(guarantee_seed, 6032, 5)[4:] == ["", ""]  # G-11
    assert seed_row(guarantee_seed, 5995, 5)[1] == ""  # G-12
    assert seed_row(guarantee_seed, 6100, 7)[1].startswith("Entre le 13ème")  # G-13
    assert "dentaire" in guarantee_seed[6146 - 1]  # G-10: the footnote of a missing part


@pytest.mark.parametrize("table", sorted(TABLES))
def test_footnotes_are_where_the_data_says(guarantee_seed: list[str], table: str) -> None:
    for mark, fn in raw_yaml(table)["footnotes"].items():
        text = guarantee_seed[fn["line"] - 1]
        expected_mark = mark.replace("*", r"\* ") if mark == "(*)" else mark
        assert text.startswith(expected_mark), f"{mark} l. {fn['line']}: {text[:40]!r}"


DOC_SPANS = {
    "annexe1": (2113, 3466),
    "annexe2": (3467, 4796),
    "annexe3": (4797, 5777),
    "annexe7": (5969, 6080),
    "annexe8": (6088, 6160),
}


def test_rule_sources_point_into_their_document(guarantee_seed: list[str]) -> None:
    rules = raw_yaml("rules")["rules"]
    for rule in rules:
        for doc, sources in rule["sources"].items():
            lo, hi = DOC_SPANS[doc]
            for s in sources:
                assert lo <= s["line"] <= hi, f"{rule['id']} {doc} l. {s['line']}"
                assert guarantee_seed[s["line"] - 1].strip(), f"{rule['id']}: l. {s['line']} empty"


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        (2880, "1 700 euros par aide auditive"),  # hearing_aid_class2_max
        (2867, "limitée à 100 euros"),  # optical_frame_class_b_max
        (2890, "au maximum à 420 euros"),  # case a)
        (2896, "au maximum à 560 euros"),  # case b)
        (2898, "au maximum à 700 euros"),  # case c)
        (2908, "au maximum à 610 euros"),  # case d)
        (2910, "au maximum à 750 euros"),  # case e)
        (2912, "au maximum à 800 euros"),  # case f)
        (3012, "trois (3) implants"),  # implant_limit
        (2980, "15 jours par année civile"),  # accompagnant
        (3133, "une cure par période de 24 mois"),  # cure_24
        (3131, "plus de 50 kms"),  # cure_distance
        (3125, "période de quatre ans"),  # hearing_period
        (3054, "période deux ans"),  # optical_period_adult
        (3056, "période d'un an"),  # optical_period_child
        (3080, "période minimale d'un an"),  # optical_renewal_vision
        (3084, "période minimale de six mois"),  # optical_renewal_child_face
    ],
)
def test_reference_and_rule_values_are_in_the_seed(
    guarantee_seed: list[str], line: int, fragment: str
) -> None:
    assert fragment in guarantee_seed[line - 1]
