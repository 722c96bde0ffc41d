"""``mutuelle revise``: the committee's decision becomes next year's offer folder, which the
loader checks cell by cell and the quote engine prices."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from mutuelle.cli import main
from mutuelle.money import mul_div_round, parse_euros
from mutuelle.offers import OfferNotFound, latest_offer_id, load_offer
from mutuelle.offers.loader import OfferInvalid
from mutuelle.pricing import Household, Member, quote
from mutuelle.pricing.engine import FormulaQuote
from mutuelle.reporting.rules import load_steering


@pytest.fixture
def offers_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "offres"
    monkeypatch.setenv("MUTUELLE_OFFERS_PATH", str(out))
    load_offer.cache_clear()
    load_steering.cache_clear()
    yield out
    load_offer.cache_clear()
    load_steering.cache_clear()


def revise(out: Path, *extra: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:
    code = main(["revise", "--from", "grenoble-2025", "--out", str(out), "--json", *extra])
    printed = capsys.readouterr().out
    return code, json.loads(printed)


def test_a_capped_increase_gives_a_folder_the_quote_engine_prices(
    offers_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, result = revise(
        offers_path,
        *("--pc-bp", "11240", "--rate-bp", "660", "--year", "2027"),
        *("--decision", "COPIL du 20/11/2026"),
        capsys=capsys,
    )
    assert code == 0, result
    assert result["offer"] == "grenoble-2027" and result["pc"] == "112,40 %"
    load_offer.cache_clear()
    new, old = load_offer("grenoble-2027"), load_offer("grenoble-2025")
    assert new.valid_from == dt.date(2027, 1, 1)
    family = Household(
        "residents",
        dt.date(2027, 1, 1),
        (Member("adherent", dt.date(1980, 6, 15), 0), Member("child", dt.date(2019, 4, 2), 1)),
    )
    q_new = quote(new, family, "Belledonne").formulas[0]
    assert isinstance(q_new, FormulaQuote)
    # By hand: adult 47 years 48,12 € × 1,066 = 51,296 → 51,30 €; child 26,46 € × 1,066 =
    # 28,206 → 28,21 €.
    assert [m.monthly_cents for m in q_new.members] == [5130, 2821]
    # The cell's source names the decision and the seed line of the cell it comes from.
    assert "COPIL du 20/11/2026" in q_new.members[0].source
    assert "l. 5813" in q_new.members[0].source
    # Every cell of every grid is the old one × 1,066 rounded half up; blanks stay blank (G-01).
    for gid, grid in new.grids.items():
        for tid, table in grid.tables.items():
            old_rows = old.grids[gid].tables[tid].rows  # type: ignore[index]
            for row, old_row in zip(table.rows, old_rows, strict=True):
                for cell, before in zip(row.eur, old_row.eur, strict=True):
                    if before is None:
                        assert cell is None
                    else:
                        assert parse_euros(cell) == mul_div_round(parse_euros(before), 10660, 10000)
    assert new.grids["annexe4"].revision is not None
    assert new.grids["annexe4"].revision.decision == "COPIL du 20/11/2026"


def test_the_loader_refuses_a_revised_cell_edited_by_hand(
    offers_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = revise(
        offers_path,
        *("--pc-bp", "11700", "--rate-bp", "720", "--year", "2027", "--decision", "COPIL"),
        capsys=capsys,
    )
    assert code == 0
    path = offers_path / "grenoble-2027" / "tariffs" / "annexe5-etudiants.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    row = next(iter(data["tables"].values()))["rows"][0]
    row["eur"][0] = "99,99"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_offer.cache_clear()
    with pytest.raises(OfferInvalid, match="révisé de 720 pb"):
        load_offer("grenoble-2027")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--pc-bp", "11240", "--rate-bp", "700", "--year", "2027"), "plafond de 6,6 %"),
        (("--pc-bp", "10900", "--rate-bp", "100", "--year", "2027"), "aucune revalorisation"),
        (("--pc-bp", "11800", "--rate-bp", "500", "--year", "2026"), "LFSS 2026"),
    ],
)
def test_decisions_outside_the_rule_write_nothing(
    offers_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, result = revise(offers_path, *args, "--decision", "COPIL du 20/11/2026", capsys=capsys)
    assert code == 2
    assert message in result["error"] + result.get("source", "")
    assert not offers_path.exists() or not any(offers_path.iterdir())


def test_the_2026_freeze_allows_unchanged_tariffs_and_nothing_is_overwritten(
    offers_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--pc-bp", "11800", "--rate-bp", "0", "--decision", "COPIL du 18/11/2025")
    code, result = revise(offers_path, *args, capsys=capsys)
    assert code == 0 and result["offer"] == "grenoble-2026"
    assert "ne peut être augmenté" in result["freeze"]
    code, result = revise(offers_path, *args, capsys=capsys)
    assert code == 2 and "existe déjà" in result["error"]


def test_next_years_folder_is_not_the_default_offer_before_its_first_day(
    offers_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # I-270: once the committee's decision is written as grenoble-2027, a quote of
    # December 2026 is still priced on the grids in force (2025's, frozen for 2026).
    code, _ = revise(
        offers_path,
        *("--pc-bp", "11240", "--rate-bp", "660", "--year", "2027"),
        *("--decision", "COPIL du 20/11/2026"),
        capsys=capsys,
    )
    assert code == 0
    load_offer.cache_clear()
    assert latest_offer_id(dt.date(2026, 12, 2)) == "grenoble-2025"
    assert latest_offer_id(dt.date(2026, 12, 31)) == "grenoble-2025"
    assert latest_offer_id(dt.date(2027, 1, 1)) == "grenoble-2027"
    with pytest.raises(OfferNotFound, match="aucune offre en vigueur le 01/01/2024"):
        latest_offer_id(dt.date(2024, 1, 1))
