"""ISO 20022 reason codes of rejects and returns, as sourced data (``data/reason_codes.yaml``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

import yaml


class NextStep(StrEnum):
    REPRESENT = "represent"
    CONTACT_MEMBER = "contact_member"
    NEW_MANDATE = "new_mandate"
    TECHNICAL = "technical"

    @property
    def label(self) -> str:
        return {
            NextStep.REPRESENT: "peut être représenté",
            NextStep.CONTACT_MEMBER: "contacter l'adhérent",
            NextStep.NEW_MANDATE: "nouveau RIB / mandat nécessaire",
            NextStep.TECHNICAL: "erreur technique : corriger et renvoyer",
        }[self]


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    label: str
    next: NextStep
    source: str


@functools.cache
def reason_codes() -> dict[str, Reason]:
    text = resources.files("mutuelle.sepa").joinpath("data/reason_codes.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    source = str(data["source"])
    return {
        code: Reason(code, str(v["label"]), NextStep(v["next"]), source)
        for code, v in data["codes"].items()
    }


def reason(code: str) -> Reason:
    """The reason of ``code``; a code outside the list is kept with a label saying so (a bank
    may use a newer ISO code: it is shown, never dropped)."""
    found = reason_codes().get(code)
    if found is not None:
        return found
    return Reason(
        code,
        f"Code {code} (hors de la liste des codes SEPA connus)",
        NextStep.CONTACT_MEMBER,
        "ISO 20022 External Code Sets",
    )
