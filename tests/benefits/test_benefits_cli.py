"""``mutuelle benefits`` and ``mutuelle reimburse`` as a user runs them."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from mutuelle.cli import main

ISSUE_CODES = [
    "generaliste", "specialiste", "pharmacie", "analyses", "auxiliaires",
    "hospitalisation_sejour", "hospitalisation_honoraires", "forfait_journalier",
    "forfait_patient_urgences", "chambre_particuliere", "medecines_douces", "optique_monture",
    "optique_verre", "lentilles", "dentaire_soins", "dentaire_100_sante", "dentaire_maitrise",
    "dentaire_libre", "implant", "aide_auditive", "cure_thermale_forfait", "prime_naissance",
]  # fmt: skip

EXAMPLE = {
    "offer": "grenoble-2025",
    "range": "residents",
    "formula": "Belledonne",
    "cover_start": "2025-01-01",
    "beneficiary": {"birth_date": "1980-06-15"},
    "events": [
        {"id": "e1", "date": "2025-03-10", "benefit": "generaliste", "dptam": True,
         "billed_cents": 3000, "br_cents": 3000, "amo_cents": 2100,
         "participation_forfaitaire_cents": 200},
    ],
}  # fmt: skip


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, data: Any, name: str = "care.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_the_issue_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "reimburse", write(tmp_path, EXAMPLE), "--json")
    assert code == 0
    (e,) = json.loads(out)["events"]
    assert (e["id"], e["mutuelle_cents"], e["amo_cents"], e["out_of_pocket_cents"]) == (
        "e1",
        900,
        2100,
        200,
    )
    assert e["line"] == "Médecins généralistes adhérents à un DPTAM : OPTAM ou OPTAM-CO"
    assert "125 %" in e["rule"] and "l. 5975" in e["source"]


def test_the_issue_codes_exist(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "benefits", "--range", "residents", "--json")
    assert code == 0
    (rng,) = json.loads(out)["ranges"]
    codes = {b["code"] for b in rng["benefits"]}
    assert set(ISSUE_CODES) <= codes
    for b in rng["benefits"]:
        assert b["label"] and b["category"]
        assert all("l. " in ln["source"] for ln in b["lines"])


def test_benefits_for_tns_names_the_refused_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "benefits", "--range", "tns", "--json")
    (rng,) = json.loads(out)["ranges"]
    assert "generaliste" in rng["refused_codes"]["codes"]
    assert "G-10" in rng["refused_codes"]["reason"]
    code, out, _ = call(capsys, "benefits")
    assert code == 0 and "Codes refusés pour cette gamme" in out


def test_an_event_that_cannot_be_settled_gets_its_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = {**EXAMPLE, "events": [
        EXAMPLE["events"][0],
        {"id": "e2", "date": "2024-12-31", "benefit": "pharmacie", "billed_cents": 1000,
         "br_cents": 1000, "amo_cents": 650},
        {"id": "e3", "date": "2025-04-01", "benefit": "kine", "billed_cents": 1000},
    ]}  # fmt: skip
    code, out, _ = call(capsys, "reimburse", write(tmp_path, data), "--json")
    assert code == 0
    result = json.loads(out)
    errors = {e["id"]: e["error"] for e in result["events"] if "error" in e}
    assert "hors de la période de couverture" in errors["e2"]
    assert "prestation inconnue" in errors["e3"]
    assert result["totals"]["errors"] == 2 and result["totals"]["mutuelle_cents"] == 900


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "JSON invalide"),
        ([], "objet JSON"),
        ({**EXAMPLE, "cover_start": "01/01/2025"}, "cover_start"),
        ({k: v for k, v in EXAMPLE.items() if k != "events"}, "events"),
        ({**EXAMPLE, "events": [{"id": "x", "date": "2025-01-01"}]}, "benefit"),
        ({**EXAMPLE, "events": [{**EXAMPLE["events"][0], "billed_cents": "30 €"}]}, "centimes"),
        ({**EXAMPLE, "events": [{**EXAMPLE["events"][0], "amo_cents": 99999}]}, "AMO"),
        ({**EXAMPLE, "range": "retraites"}, "gamme inconnue"),
        ({**EXAMPLE, "formula": "Chartreuse"}, "formule inconnue"),
        (
            {**EXAMPLE, "formula_changes": [{"date": "2025-07-01", "formula": "Vanoise"}]},
            "1er janvier",
        ),
        ({**EXAMPLE, "offer": "paris-2030"}, "offre inconnue"),
        ({**EXAMPLE, "events": [EXAMPLE["events"][0], EXAMPLE["events"][0]]}, "double"),
    ],
)
def test_malformed_input_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: Any, message: str
) -> None:
    path = write(tmp_path, content)
    code, out, err = call(capsys, "reimburse", path, "--json")
    assert code == 2
    assert message in json.loads(out)["error"]
    code, out, err = call(capsys, "reimburse", path)
    assert code == 2 and message in err and "Traceback" not in err


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "reimburse", "/nonexistent/care.json")
    assert code == 2 and "fichier introuvable" in err


def test_a_family_year_reads_as_a_staff_member_expects(capsys: pytest.CaptureFixture[str]) -> None:
    path = resources.files("mutuelle.examples") / "soins-claire-belledonne.json"
    code, out, _ = call(capsys, "reimburse", str(path))
    assert code == 0
    # each settlement names its line, its computation, its source, and the ceiling left
    assert "Ligne : Monture" in out and "Source : Tableau de garanties" in out
    assert "Plafond bien-être" in out and "reste 0,00 €" in out
    assert "nouvelle période de 24 mois (précédente prise en charge le 01/09/2022)" in out
    assert "Chambre particulière" in out and "45,00 € par jour × 4 jour(s)" in out
    assert "Total : frais" in out and "0 refusé(s)" in out


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        ("soins-claire-belledonne.json", 0),
        ("soins-lucas-enfant-vercors.json", 0),
        ("soins-nadia-tns.json", 2),
    ],
)
def test_the_example_claims_settle(
    capsys: pytest.CaptureFixture[str], name: str, errors: int
) -> None:
    path = resources.files("mutuelle.examples") / name
    code, out, _ = call(capsys, "reimburse", str(path), "--json")
    assert code == 0 and json.loads(out)["totals"]["errors"] == errors
