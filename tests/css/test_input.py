"""Reading the household to screen, and the ``mutuelle css`` command (exit codes, messages)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mutuelle.cli import main
from mutuelle.css import InvalidCssHousehold, parse_css_household

OK: dict[str, Any] = {
    "date": "2025-06-01",
    "members": [{"role": "adherent", "birth_date": "1980-01-01"}],
    "resources_cents": 950000,
    "housing": "tenant",
}


def _with(**changes: Any) -> dict[str, Any]:
    return {**OK, **changes}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "objet JSON"),
        (_with(resources_cents=9500.5), "nombre entier attendu"),
        (_with(resources_cents="950000"), "nombre entier attendu"),
        (_with(resources_cents=-1), "hors limites"),
        (_with(housing="locataire"), "non reconnue"),
        (_with(date="2025-02-30"), "date invalide"),
        (_with(members=[]), "au moins une personne"),
        (_with(colour="blue"), "champ inconnu"),
        ({k: v for k, v in OK.items() if k != "housing"}, "champ obligatoire absent"),
        (_with(members=[{"role": "spouse", "birth_date": "1980-01-01"}]), "exactement une"),
        (_with(members=[{"role": "adherent", "birth_date": "2026-01-01"}]), "postérieure"),
        (_with(housing_aid_monthly_cents=10000), "tenant_with_housing_aid"),
        (_with(receives_rsa="oui"), "true ou false"),
    ],
)
def test_unusable_input_is_refused_in_french(data: Any, message: str) -> None:
    with pytest.raises(InvalidCssHousehold, match=message):
        parse_css_household(data)


def test_a_valid_household_reads_back() -> None:
    hh = parse_css_household(
        _with(housing="tenant_with_housing_aid", housing_aid_monthly_cents=12000, receives_rsa=True)
    )
    assert hh.resources_cents == 950000
    assert hh.housing_aid_monthly_cents == 12000
    assert hh.receives_rsa
    assert hh.members[0].label == "demandeur n° 1"


def _write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "foyer.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_command_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["css", _write(tmp_path, OK), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == "free"  # 9 500 € ≤ 10 339 €, 1 person, June 2025
    assert out["ceiling_free_cents"] == 1_033_900
    assert out["parameters_valid_on"] == "2026-03-31"


def test_command_text_output_for_staff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["css", _write(tmp_path, _with(resources_cents=1_200_000))]) == 0
    out = capsys.readouterr().out
    assert "Probablement éligible à la Complémentaire santé solidaire avec participation" in out
    assert "Participation estimée : 14,00 € par mois" in out  # 45 on 1 January 2025
    assert "Où faire la demande" in out and "ameli.fr" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "JSON invalide"),
        (json.dumps(_with(housing="castle")), "non reconnue"),
        (json.dumps(_with(date="2023-06-01")), "G-30"),
    ],
)
def test_command_refuses_with_exit_2_and_a_json_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "foyer.json"
    path.write_text(content, encoding="utf-8")
    assert main(["css", str(path), "--json"]) == 2
    assert message in json.loads(capsys.readouterr().out)["error"]


def test_command_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["css", "/nonexistent/foyer.json"]) == 2
    assert "fichier introuvable" in capsys.readouterr().err
