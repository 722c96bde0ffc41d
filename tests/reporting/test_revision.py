"""The revision rule of convention art. 2.2, worked by hand from its table (seed l. 1900-1904):

    P/C min.   P/C max.   Evolution des tarifs
    110,01 %   115,00 %   6,60 %
    115,01 %   120,00 %   7,20 %
    120,01 %   135,00 %   8,00 %
    135,01 %   150,00 %   10,50 %

and « garanties … sous réserve d'un ratio annuel P/C ne dépassant pas 110 % » (l. 1884).
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from mutuelle.reporting.revision import (
    Outcome,
    RevisionRefused,
    check_decision,
    next_offer_id,
    revise_cell,
    revision_rule,
)
from mutuelle.reporting.rules import SteeringRules


def pc(percent: str) -> Fraction:
    """« 112,35 » → 112.35 % as an exact fraction."""
    return Fraction(percent.replace(",", ".")) / 100


@pytest.mark.parametrize(
    ("ratio", "outcome", "cap", "line"),
    [
        ("95", Outcome.NO_CHANGE, None, None),
        ("110", Outcome.NO_CHANGE, None, None),  # exactly 110 %: « ne dépassant pas 110 % »
        ("110,01", Outcome.CAPPED, 660, 1901),  # the first row's lower bound
        ("110,004", Outcome.CAPPED, 660, 1901),  # above 110 % though below 110,01 % (I-140)
        ("112,5", Outcome.CAPPED, 660, 1901),
        ("115", Outcome.CAPPED, 660, 1901),  # the first row's upper bound
        ("115,01", Outcome.CAPPED, 720, 1902),
        ("120", Outcome.CAPPED, 720, 1902),
        ("120,01", Outcome.CAPPED, 800, 1903),
        ("135", Outcome.CAPPED, 800, 1903),
        ("135,01", Outcome.CAPPED, 1050, 1904),
        ("150", Outcome.CAPPED, 1050, 1904),  # the last row's upper bound
        ("150,01", Outcome.BEYOND_TABLE, None, None),  # beyond the table: no cap, said so
        ("210", Outcome.BEYOND_TABLE, None, None),
    ],
)
def test_the_table_row_by_row(
    rules: SteeringRules, ratio: str, outcome: Outcome, cap: int | None, line: int | None
) -> None:
    ans = revision_rule(rules.revision, rules.citation, pc(ratio), 2026)
    assert ans.outcome is outcome
    assert ans.max_increase_bp == cap
    if line is not None:
        assert ans.row is not None and ans.row.source.line == line
        assert f"l. {line}" in ans.source
    assert str(ans.effective_on) == "2027-01-01"  # « effective au 1er janvier de l'année suivante »


def test_beyond_the_last_row_the_answer_says_there_is_no_cap(rules: SteeringRules) -> None:
    ans = revision_rule(rules.revision, rules.citation, pc("160"), 2026)
    assert "ne fixe aucun plafond" in ans.convention
    assert "G-66" in ans.source
    # The committee may still decide an increase: it is the parties' decision, recorded.
    d = check_decision(ans, 1500, "COPIL du 20/11/2026")
    assert d.rate_bp == 1500 and d.year == 2027


def test_the_2026_freeze_is_shown_beside_the_convention(rules: SteeringRules) -> None:
    ans = revision_rule(rules.revision, rules.citation, pc("118"), 2025)  # effective 1 Jan 2026
    assert ans.outcome is Outcome.CAPPED and ans.max_increase_bp == 720
    assert ans.freeze is not None and ans.freeze.year == 2026
    assert "ne peut être augmenté" in ans.freeze.text
    assert "LFSS 2026 art. 13" in ans.freeze.source
    with pytest.raises(RevisionRefused) as exc:
        check_decision(ans, 720, "COPIL du 18/11/2025")
    assert "la convention permettrait une hausse d'au plus 7,2 %" in exc.value.message
    assert "LFSS 2026" in exc.value.source
    # No increase in 2026 is allowed; keeping (or lowering) the tariffs is.
    assert check_decision(ans, 0, "COPIL du 18/11/2025").rate_bp == 0
    # The year after, no freeze.
    assert revision_rule(rules.revision, rules.citation, pc("118"), 2026).freeze is None


def test_decisions_the_rule_does_not_allow_are_refused(rules: SteeringRules) -> None:
    ans = revision_rule(rules.revision, rules.citation, pc("112"), 2026)
    with pytest.raises(RevisionRefused, match="supérieure au plafond de 6,6 %"):
        check_decision(ans, 661, "COPIL du 20/11/2026")
    assert check_decision(ans, 660, "COPIL du 20/11/2026").rate_bp == 660
    guaranteed = revision_rule(rules.revision, rules.citation, pc("110"), 2026)
    with pytest.raises(RevisionRefused, match="aucune revalorisation"):
        check_decision(guaranteed, 100, "COPIL du 20/11/2026")
    with pytest.raises(RevisionRefused, match="doit être nommée"):
        check_decision(ans, 300, "  ")


def test_a_revised_tariff_is_rounded_half_up_to_the_cent() -> None:
    assert revise_cell("22,29", 660) == "23,76"  # 22,29 × 1,066 = 23,761 14
    assert revise_cell("33,45", 660) == "35,66"  # 35,6577
    assert revise_cell("10,00", 1050) == "11,05"
    assert revise_cell("0,50", 1000) == "0,55"
    assert revise_cell("0,05", 1000) == "0,06"  # 0,055 → half up
    assert revise_cell(None, 660) is None  # a blank of the text stays blank (G-01)
    assert revise_cell("40,00", -500) == "38,00"


def test_the_new_folder_takes_the_year() -> None:
    assert next_offer_id("grenoble-2025", 2026) == "grenoble-2026"
    assert next_offer_id("grenoble-2025-bis", 2027) == "grenoble-2027-bis"
    assert next_offer_id("ville", 2027) == "ville-2027"
