"""Each formula in a few words a resident can compare: its level in the main care domains, read
from the range's guarantee table (``mutuelle.benefits.compile_plan``: the cells as published).
The seven TNS formulas have codes for names (ASOCLR … AER): without this, a visitor choosing
on the request form sees only the codes (issue 9). Shapes the table's text; decides nothing.
"""

from __future__ import annotations

import functools

from mutuelle.benefits import compile_plan
from mutuelle.offers.model import Offer

# The lines shown per formula, in this order, where the range's table has them: the care most
# households compare (a specialist, hospital fees, dental prostheses, glasses, hearing aids,
# and for TNS, whose table lost its soins courants, hospital and dental parts (G-10), lenses
# and alternative medicine).
KEY_LINES = (
    ("specialiste_dptam", "spécialiste (OPTAM)"),
    ("hospitalisation_honoraires_dptam", "honoraires à l'hôpital (OPTAM)"),
    ("dentaire_libre", "prothèse dentaire"),
    ("optique_verre_simple", "verre simple"),
    ("optique_verre_complexe", "verre complexe"),
    ("aide_auditive_libre", "aide auditive (classe II)"),
    ("lentilles_non_remboursees", "lentilles non remboursées"),
    ("bien_etre", "médecines douces"),
)


def _cell(text: str) -> str:
    text = " ".join(text.split())
    if text in ("", "-", "—"):
        return "non couvert"
    return text.split(" (", 1)[0].replace("p/an et p/bénéficiaire", "par an et par personne")


@functools.cache
def _levels(offer_id: str, rid: str) -> dict[str, str]:
    plan = compile_plan(offer_id, rid)
    cells: dict[str, dict[str, str]] = {}
    for choices in plan.codes.values():
        for choice in choices:
            for formula, line in choice.by_formula.items():
                cells.setdefault(line.line_id, {})[formula] = line.cell_text
    out: dict[str, str] = {}
    for formula in plan.formulas:
        parts = [
            f"{label} : {_cell(cells[line_id][formula])}"
            for line_id, label in KEY_LINES
            if formula in cells.get(line_id, {})
        ]
        out[formula] = " ; ".join(parts)
    return out


def formula_levels(offer: Offer, rid: str) -> dict[str, str]:
    """Formula → « verre simple 50 €, verre complexe 100 €, aide auditive (classe II) 100% BR,
    … » (the cells of the range's guarantee table)."""
    return _levels(offer.id, rid)


def formula_choices(
    offer: Offer, formulas: dict[str, tuple[str, ...]]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The request form's formula list, grouped by range (one ``<optgroup>`` each, the page's
    script shows only the group of the situation chosen); TNS codes carry their levels."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for rid, names in formulas.items():
        groups.setdefault(names, []).append(rid)
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for names, rids in groups.items():
        label = " / ".join(offer.ranges[r].label for r in rids)  # type: ignore[index]
        coded = any(n.isupper() for n in names)  # the TNS codes: described
        levels = formula_levels(offer, rids[0]) if coded else {}
        out.append(
            (
                label,
                [(n, f"{n} — {levels[n]}" if levels.get(n) else n) for n in names],
            )
        )
    return out
