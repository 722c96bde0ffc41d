"""Act codes of the Assurance Maladie → the benefit codes of the guarantee tables.

The table is data with a source per entry (``offers/data/reference/acts/act-codes-2025.yaml``):
exact codes (NGAP letter keys, B2 natures, pharmacy families), code prefixes (CCAM chapters) and
patterns (LPP, CIP13). An entry may say that the code alone does not tell the guarantee line
(``needs: benefit``, a gap of docs/interpretations.md): the line must then carry ``benefit``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mutuelle import yamlio

__all__ = ["Act", "ActTable", "UnknownAct", "load_acts"]


class UnknownAct(ValueError):
    """The code is in no entry of the table, or the entry needs ``benefit``."""

    def __init__(self, message: str, source: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.source = source


@dataclass(frozen=True, slots=True)
class Act:
    """What the table says of one code."""

    code: str
    system: str
    label: str
    benefit: str | None  # None: the code alone does not give the line (``gap``)
    source: str
    basket: str | None = None  # a code that is itself 100 % Santé (PAZ)
    reading: str | None = None  # docs/interpretations.md entry the mapping relies on
    gap: str | None = None


@dataclass(frozen=True)
class ActTable:
    id: str
    codes: dict[str, Act]
    prefixes: tuple[tuple[str, Act], ...]
    patterns: tuple[tuple[re.Pattern[str], Act], ...]

    def find(self, code: str) -> Act | None:
        code = code.strip().upper()
        if code in self.codes:
            return self.codes[code]
        for prefix, act in self.prefixes:
            if code.startswith(prefix):
                return act
        for pattern, act in self.patterns:
            if pattern.match(code):
                return act
        return None

    def benefit_of(self, code: str) -> Act:
        """The entry of ``code`` with a benefit; :class:`UnknownAct` otherwise."""
        act = self.find(code)
        if act is None:
            raise UnknownAct(
                f"code d'acte inconnu « {code} » : absent de la table des codes "
                f"({self.id}) ; indiquer « benefit » (mutuelle benefits) pour une facture saisie"
            )
        if act.benefit is None:
            raise UnknownAct(
                f"code d'acte « {code} » ({act.label}) : le code seul ne désigne pas la ligne de "
                f"garantie (docs/interpretations.md {act.gap}) ; indiquer « benefit »",
                act.source,
            )
        return act


def _act(raw: dict[str, Any], code: str) -> Act:
    return Act(
        code=code,
        system=str(raw["system"]),
        label=str(raw["label"]),
        benefit=raw.get("benefit"),
        source=str(raw["source"]),
        basket=raw.get("basket"),
        reading=raw.get("reading"),
        gap=raw.get("gap"),
    )


def _path() -> Path:
    base = resources.files("mutuelle.offers") / "data" / "reference" / "acts"
    return Path(str(base)) / "act-codes-2025.yaml"


@functools.cache
def load_acts() -> ActTable:
    data = yamlio.load_path(_path())
    codes = {str(r["code"]).upper(): _act(r, str(r["code"]).upper()) for r in data["codes"]}
    prefixes = tuple(
        (str(r["prefix"]).upper(), _act(r, str(r["prefix"]))) for r in data.get("prefixes", [])
    )
    patterns = tuple(
        (re.compile(str(r["pattern"])), _act(r, str(r["pattern"])))
        for r in data.get("patterns", [])
    )
    for act in (*codes.values(), *(a for _, a in prefixes), *(a for _, a in patterns)):
        if (act.benefit is None) == (act.gap is None):
            raise ValueError(f"act-codes: {act.code}: a benefit, or a gap naming why not")
    return ActTable(str(data["id"]), codes, prefixes, patterns)
