"""``mutuelle quote`` as a user runs it: files in, a table or JSON out, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mutuelle.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "mutuelle" / "examples"
ISSUE_EXAMPLE = {
    "offer": "grenoble-2025",
    "range": "residents",
    "date": "2025-01-01",
    "members": [{"role": "adherent", "birth_date": "1980-06-15"}],
}


def write(tmp_path: Path, data: object, name: str = "foyer.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_json_shape_of_the_issue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quote", write(tmp_path, ISSUE_EXAMPLE), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["offer"] == "grenoble-2025" and out["range"] == "residents"
    assert out["date"] == "2025-01-01"
    bauges = out["formulas"][0]
    assert bauges["formula"] == "Bauges"
    assert bauges["monthly_cents"] == 3345 and bauges["year_cents"] == 40140
    member = bauges["members"][0]
    assert member["role"] == "adherent" and member["age"] == 45
    assert member["monthly_cents"] == 3345 and "« 45 ans »" in member["source"]


def test_a_formula_without_tariff_has_an_error_with_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {**ISSUE_EXAMPLE, "members": [{"role": "adherent", "birth_date": "1940-01-01"}]}
    assert main(["quote", write(tmp_path, data), "--json"]) == 0
    vanoise = json.loads(capsys.readouterr().out)["formulas"][-1]
    assert vanoise["formula"] == "Vanoise" and "monthly_cents" not in vanoise
    assert "G-01" in vanoise["error"] and "l. 5847" in vanoise["source"]


def test_offer_defaults_to_the_latest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = {k: v for k, v in ISSUE_EXAMPLE.items() if k != "offer"}
    assert main(["quote", write(tmp_path, data), "--json", "--formula", "Vanoise"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["offer"] == "grenoble-2025"
    assert [f["formula"] for f in out["formulas"]] == ["Vanoise"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "JSON invalide ligne 1"),
        ([1, 2], "objet JSON"),
        ({**ISSUE_EXAMPLE, "range": "retraites"}, "residents"),
        ({**ISSUE_EXAMPLE, "date": "2025-02-30"}, "date invalide"),
        ({**ISSUE_EXAMPLE, "members": []}, "members"),
        (
            {**ISSUE_EXAMPLE, "members": [{"role": "spouse", "birth_date": "1980-01-01"}]},
            "exactement un membre participant",
        ),
        (
            {
                **ISSUE_EXAMPLE,
                "members": [{"role": "adherent", "birth_date": "1980-01-01", "age": 45}],
            },
            "champ inconnu",
        ),
        ({**ISSUE_EXAMPLE, "offer": "lyon-2030"}, "offre inconnue"),
        (
            {**ISSUE_EXAMPLE, "members": [{"role": "adherent", "birth_date": "2012-01-01"}]},
            "au moins 16 ans",
        ),
    ],
)
def test_unquotable_input_exits_2_with_a_json_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: object, message: str
) -> None:
    assert main(["quote", write(tmp_path, content), "--json"]) == 2
    captured = capsys.readouterr()
    error = json.loads(captured.out)["error"]
    assert message in error
    assert "Traceback" not in captured.err


def test_missing_file_and_unknown_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["quote", str(tmp_path / "absent.json")]) == 2
    assert "fichier introuvable" in capsys.readouterr().err
    assert main(["quote", write(tmp_path, ISSUE_EXAMPLE), "--formula", "Chartreuse"]) == 2
    assert "formule inconnue" in capsys.readouterr().err


def test_readable_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quote", str(EXAMPLES / "famille-residents.json")]) == 0
    out = capsys.readouterr().out
    assert "Bauges" in out and "123,38 €" in out  # 33,45 + 32,18 + 3 × 19,25
    assert "ne cotise pas jusqu'au 04/07/2025" in out  # Lou, 3rd child, 8 months (I-05)


def test_detail_explains_each_amount(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quote", str(EXAMPLES / "agent-ville.json"), "--formula", "Bauges"]) == 0
    out = capsys.readouterr().out
    assert "Majoration d'adhésion tardive : 5 année(s)" in out
    assert "Règlement agents Cotisations 1-1" in out


def test_every_example_quotes(capsys: pytest.CaptureFixture[str]) -> None:
    from mutuelle.commands.demo import EXAMPLES as HOUSEHOLDS

    for path in (EXAMPLES / name for name in HOUSEHOLDS):
        assert main(["quote", str(path), "--json"]) == 0, path
        out = json.loads(capsys.readouterr().out)
        assert any("monthly_cents" in f for f in out["formulas"]), path


def test_installed_command_never_shows_a_traceback(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("mutuelle")
    bad = write(tmp_path, '{"range": "residents", "date": "2025-01-01", "members": "x"}')
    proc = subprocess.run(
        [str(exe), "quote", bad, "--json"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert "error" in json.loads(proc.stdout)
    assert "Traceback" not in proc.stderr


def test_demo_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert out.count("Formule") == 5 and "boulanger" in out.lower()
