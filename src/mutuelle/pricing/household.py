"""The facts a quote needs about a household, and how they are read from JSON.

Parsing is strict: an unknown field, a malformed date or a wrong role is an
:class:`InvalidHousehold` naming the field, in French, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mutuelle import vocabulary
from mutuelle.refusal import InputError
from mutuelle.validation import describe_validation_error

Role = Literal["adherent", "spouse", "child"]
RangeName = Literal["residents", "students", "agents", "tns"]
StructureName = Literal["adult_child", "family"]
Proof = Literal["studies", "job_seeker", "apprentice", "low_income"]

ROLE_LABELS: dict[str, str] = {r.value: r.label for r in vocabulary.Role}
ADDRESSED = frozenset(r.addressed for r in vocabulary.Role)
PROOF_LABELS: dict[str, str] = {p.value: p.detail for p in vocabulary.Proof}


class InvalidHousehold(InputError):
    """The input cannot be read as a household (malformed, contradictory)."""


@dataclass(frozen=True)
class AgentFacts:
    """What the agents' règlement needs for the late-entry surcharge (Règlement agents I-2)."""

    public_service_entry: dt.date | None = None
    last_reference_cover_end: dt.date | None = None
    transmitted_majoration_bp: int = 0


@dataclass(frozen=True)
class Member:
    role: Role
    birth_date: dt.date
    index: int  # position in the input, for stable ordering and messages
    name: str | None = None
    proof: Proof | None = None
    disabled: bool = False
    agent: AgentFacts | None = None

    @property
    def label(self) -> str:
        base = ROLE_LABELS[self.role]
        if self.name and (self.name in ADDRESSED or self.name.lower().startswith(base)):
            return self.name  # already « Vous », « Votre conjoint-e », « Enfant n° 2 »
        return f"{base} « {self.name} »" if self.name else f"{base} n° {self.index + 1}"


@dataclass(frozen=True)
class Household:
    range: RangeName
    date: dt.date
    members: tuple[Member, ...]
    offer: str | None = None
    structure: StructureName | None = None
    current_formula: str | None = None
    formula_since: dt.date | None = None

    @property
    def adherent(self) -> Member:
        return next(m for m in self.members if m.role == "adherent")

    @property
    def children(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.role == "child")


# --- JSON reading -------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class _AgentIn(_Strict):
    public_service_entry: dt.date | None = None
    last_reference_cover_end: dt.date | None = None
    transmitted_majoration_bp: int = Field(default=0, ge=0, le=10_000)


class _MemberIn(_Strict):
    role: Role
    birth_date: dt.date
    name: str | None = Field(default=None, max_length=100)
    proof: Proof | None = None
    disabled: bool = False
    agent: _AgentIn | None = None


class _HouseholdIn(_Strict):
    offer: str | None = None
    range: RangeName
    date: dt.date
    members: list[_MemberIn] = Field(min_length=1, max_length=30)
    structure: StructureName | None = None
    current_formula: str | None = None
    formula_since: dt.date | None = None

    @field_validator("date")
    @classmethod
    def _date(cls, v: dt.date) -> dt.date:
        if not dt.date(1900, 1, 1) <= v <= dt.date(2100, 12, 31):
            raise ValueError("date hors des années 1900-2100")
        return v


_FIELD_FR = {
    "range": "range (gamme)",
    "date": "date",
    "members": "members (membres du foyer)",
    "birth_date": "birth_date (date de naissance)",
    "role": "role",
}


def parse_household(data: Any) -> Household:
    """Read a household from decoded JSON, or raise :class:`InvalidHousehold`."""
    if not isinstance(data, dict):
        raise InvalidHousehold("le fichier doit contenir un objet JSON décrivant le foyer")
    try:
        raw = _HouseholdIn.model_validate(data)
    except ValidationError as exc:
        details = describe_validation_error(exc, _FIELD_FR)
        raise InvalidHousehold(f"foyer illisible — {details}") from None
    members = tuple(
        Member(
            role=m.role,
            birth_date=m.birth_date,
            index=i,
            name=m.name,
            proof=m.proof,
            disabled=m.disabled,
            agent=AgentFacts(**m.agent.model_dump()) if m.agent else None,
        )
        for i, m in enumerate(raw.members)
    )
    hh = Household(
        range=raw.range,
        date=raw.date,
        members=members,
        offer=raw.offer,
        structure=raw.structure,
        current_formula=raw.current_formula,
        formula_since=raw.formula_since,
    )
    _check_shape(hh)
    return hh


def _check_shape(hh: Household) -> None:
    roles = [m.role for m in hh.members]
    if roles.count("adherent") != 1:
        raise InvalidHousehold(
            f'le foyer doit compter exactement un membre participant (role "adherent"), '
            f"il en compte {roles.count('adherent')}"
        )
    if roles.count("spouse") > 1:
        raise InvalidHousehold('le foyer ne peut compter qu\'un conjoint (role "spouse")')
    for m in hh.members:
        if m.birth_date > hh.date:
            raise InvalidHousehold(
                f"{m.label} : date de naissance {m.birth_date.isoformat()} postérieure à la "
                f"date du devis {hh.date.isoformat()}"
            )
        if m.birth_date.year < 1900:
            raise InvalidHousehold(f"{m.label} : date de naissance invalide")
        if m.agent is not None and (m.role != "adherent" or hh.range != "agents"):
            raise InvalidHousehold(
                f"{m.label} : les informations « agent » ne concernent que le membre participant "
                "de la gamme agents"
            )
        if (m.proof or m.disabled) and m.role != "child":
            raise InvalidHousehold(
                f"{m.label} : « proof » et « disabled » ne concernent que les enfants"
            )
    if (hh.current_formula is None) != (hh.formula_since is None):
        raise InvalidHousehold(
            "current_formula et formula_since vont ensemble : la formule actuelle et la date "
            "depuis laquelle le membre participant y est inscrit"
        )
    if hh.formula_since and hh.formula_since > hh.date:
        raise InvalidHousehold("formula_since est postérieure à la date du devis")
    if hh.structure is not None and hh.range != "tns":
        raise InvalidHousehold("le choix de structure (structure) n'existe que pour la gamme tns")


RANGES: tuple[str, ...] = get_args(RangeName)
