"""What a settlement's guarantee is called, for staff and on the décompte: the label of the
guarantee line of the offer's table that settled it (the wording ``mutuelle benefits``
prints), never the engine's code (« generaliste », « medecines_douces »).

A benefit code can have several lines (with or without a DPTAM practitioner, 100 % Santé or
free-priced basket, lens category): the line is the one the engine selects for the event
(``mutuelle.benefits.engine._select``: basket, then lens category, then DPTAM — an unknown
DPTAM reads as « non adhérent », the engine's ``DptamUnknown``), in the settlement's formula.
The table's typography that only makes sense inside the table (a trailing « : » or « , »,
footnote calls « (2) », « * », « (*) ») is dropped (docs I-251).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mutuelle.benefits.plan import Plan, category_label

__all__ = ["BenefitLabel", "benefit_label", "clean_label"]

# footnote calls and list punctuation at the end of a table cell (docs I-251)
_TRAILING = re.compile(r"(?:\s*(?:\(\d+\)|\(\*\)|\*+|:|,|;))+\s*$")


@dataclass(frozen=True, slots=True)
class BenefitLabel:
    label: str  # the guarantee line, « Médecins généralistes non adhérents à un DPTAM … »
    section: str  # its section of the table, « Soins courants – Honoraires médicaux »


def clean_label(text: str) -> str:
    return _TRAILING.sub("", text).strip()


def benefit_label(
    plan: Plan, benefit: str, event: Mapping[str, Any], formula: str | None = None
) -> BenefitLabel | None:
    """The label of the line that settles ``benefit`` for this event (the stored event's
    fields: ``basket``, ``lens_category``, ``dptam``); None for a code the plan lacks."""
    choices = plan.codes.get(benefit)
    if not choices:
        return None
    cands = list(choices)
    for attr, unknown in (("basket", None), ("lens_category", None), ("dptam", False)):
        if any(getattr(c, attr) is not None for c in cands):
            want = event.get(attr)
            want = unknown if want is None else want
            cands = [c for c in cands if getattr(c, attr) == want] or cands
    by_formula = cands[0].by_formula
    line = by_formula.get(formula or "") or next(iter(by_formula.values()))
    section = line.section or category_label(line.category)
    return BenefitLabel(clean_label(line.label) or plan.code_labels[benefit], section)
