"""Every guarantee line of both tables, settled once, with the amount worked out by hand.

The cases are acceptance files a town official can read and propose
(``tests/acceptance/remboursements-*.yaml``, as OpenFisca writes its tests): each names the table
row (seed line), the care, the expected payment and the arithmetic, so a reviewer can redo it
from the text. Amounts are in cents; "AMO comprise" lines pay min(frais − AMO, plafond − AMO)
(docs I-15).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from benefits_helpers import cover, event, one

from mutuelle.offers import load_offer


@dataclass(frozen=True)
class Case:
    line_id: str  # the guarantee line the event must settle on
    range: str
    formula: str
    benefit: str
    expected: int  # mutuelle_cents
    why: str  # the hand computation, from the table row
    fields: dict[str, Any] = field(default_factory=dict)
    birth: str = "1980-06-15"


ACCEPTANCE = Path(__file__).resolve().parents[1] / "acceptance"


def load_cases(name: str) -> list[Case]:
    """The hand-worked cases of one table, as a town official reads them (YAML)."""
    data = yaml.safe_load((ACCEPTANCE / name).read_text(encoding="utf-8"))
    cases = []
    for c in data:
        event = dict(c["input"]["event"])
        cases.append(
            Case(
                line_id=c["expected"]["line"],
                range=c["input"]["range"],
                formula=c["input"]["formula"],
                benefit=event.pop("benefit"),
                expected=c["expected"]["mutuelle_cents"],
                why=f"{c['source']} : {c['why']}",
                fields=event,
                birth=c["input"]["beneficiary"]["birth_date"],
            )
        )
    return cases


RESIDENTS = load_cases("remboursements-particuliers-agents.yaml")
TNS = load_cases("remboursements-tns.yaml")

REPLACEMENT_LINES = {"optique_remplacement_monture", "optique_remplacement_verre"}


@pytest.mark.parametrize(
    "case", RESIDENTS + TNS, ids=lambda c: f"{c.range}-{c.formula}-{c.line_id}"
)
def test_guarantee_line_by_hand(case: Case) -> None:
    cov = cover(case.range, case.formula, birth=case.birth)
    s = one(cov, event(case.benefit, **case.fields))
    assert s.error is None, s.error
    assert s.line is not None and s.line.line_id == case.line_id
    assert s.mutuelle_cents == case.expected, case.why


def test_every_guarantee_line_has_a_hand_worked_case() -> None:
    """Done when: every line of both tables has at least one test worked out by hand."""
    offer = load_offer("grenoble-2025")
    covered = {
        "annexe7": {c.line_id for c in RESIDENTS},
        "annexe8": {c.line_id for c in TNS} | REPLACEMENT_LINES,  # see test_benefits_optics
    }
    for table_id, table in offer.guarantees.items():
        missing = {ln.id for ln in table.lines} - covered[table_id]
        assert not missing, f"{table_id}: lines without a hand-worked case: {sorted(missing)}"
