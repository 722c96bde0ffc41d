"""``mutuelle quote``, ``css`` and ``reimburse`` on hostile files (issue 12, probe finding 6):
a document nested too deep or a date near year 9999 is a clear French error with exit status
2, never a traceback (today's main: ``RecursionError``, ``ValueError: year 10001``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutuelle import inputs
from mutuelle.cli import main

CLAIM = {
    "range": "residents",
    "formula": "Belledonne",
    "cover_start": "2026-01-01",
    "beneficiary": {"birth_date": "1980-06-15"},
    "events": [{"id": 1, "date": "2026-03-10", "benefit": "generaliste", "br_cents": 3000}],
}
HOUSEHOLD = {
    "range": "residents",
    "date": "2026-01-01",
    "members": [{"role": "adherent", "birth_date": "1980-06-15"}],
}
CSS = {
    "date": "2026-01-01",
    "members": [{"role": "adherent", "birth_date": "1980-06-15"}],
    "resources_cents": 0,
    "housing": "tenant",
}


def run(tmp_path: Path, command: str, text: str, capsys) -> tuple[int, str]:
    path = tmp_path / "entree.json"
    path.write_text(text, encoding="utf-8")
    status = main([command, str(path)])
    return status, capsys.readouterr().err


@pytest.mark.parametrize("command", ["quote", "css", "reimburse"])
@pytest.mark.parametrize("deep", ["[" * 100_000 + "]" * 100_000, '{"a":' * 50 + "1" + "}" * 50])
def test_deeply_nested_json_is_a_clear_error(tmp_path, capsys, command, deep) -> None:
    status, err = run(tmp_path, command, deep, capsys)
    assert status == 2
    assert "trop imbriqué : au plus 32 niveaux" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("command", "data", "where"),
    [
        ("reimburse", {**CLAIM, "cover_start": "9999-01-01"}, "cover_start"),
        (
            "reimburse",
            {**CLAIM, "events": [{**CLAIM["events"][0], "date": "9999-12-31"}]},
            "events[0].date",
        ),
        ("quote", {**HOUSEHOLD, "date": "9999-12-31"}, "date"),
        ("css", {**CSS, "date": "0001-01-01"}, "date"),
    ],
)
def test_a_date_out_of_range_is_a_clear_error(tmp_path, capsys, command, data, where) -> None:
    status, err = run(tmp_path, command, json.dumps(data), capsys)
    assert status == 2
    assert f"{where} : date" in err and "hors des années 1900-2100" in err


def test_files_within_the_bounds_still_work(tmp_path, capsys) -> None:
    assert run(tmp_path, "reimburse", json.dumps(CLAIM), capsys)[0] == 0
    assert run(tmp_path, "quote", json.dumps(HOUSEHOLD), capsys)[0] == 0


@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=12),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=4), c, max_size=3),
        max_leaves=40,
    )
)
def test_bounded_loading_accepts_what_json_accepts_within_the_bounds(doc) -> None:
    text = json.dumps(doc)
    try:
        assert inputs.loads(text) == json.loads(text)
    except inputs.InputBoundsError as exc:
        assert "trop imbriqué" in str(exc) or "hors des années" in str(exc)
