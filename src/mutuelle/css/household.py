"""The facts a CSS screening needs about a household, and how they are read from JSON.

Input (``mutuelle css HOUSEHOLD.json``)::

    {"date": "2025-06-01",
     "members": [{"role": "adherent", "birth_date": "1980-01-01"}, …],
     "resources_cents": 950000,
     "housing": "tenant"}

Optional: ``"housing_aid_monthly_cents"`` (only with ``tenant_with_housing_aid``: the aid actually
received, which caps the flat housing amount, R861-7), ``"receives_rsa": true`` (RSA recipients
are entitled to the free CSS), per member ``"name"``.

Parsing is strict, like the quote input (:mod:`mutuelle.pricing.household`): an unknown field, a
malformed date, a wrong role or a negative amount is an :class:`InvalidCssHousehold` naming the
field, in French.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from mutuelle import vocabulary
from mutuelle.pricing.household import Role
from mutuelle.validation import describe_validation_error

Housing = Literal["tenant", "tenant_with_housing_aid", "owner", "housed_free"]

HOUSING_LABELS: dict[str, str] = {h.value: h.label for h in vocabulary.Housing}

# In a CSS application the member is « le demandeur » (R861-2 CSS), the others as in a household.
ROLE_LABELS: dict[str, str] = {
    **{r.value: r.label for r in vocabulary.Role},
    "adherent": "demandeur",
}

MAX_RESOURCES_CENTS = 100_000_000_00  # 100 M€: anything above is a typing error
MAX_MEMBERS = 20


class InvalidCssHousehold(ValueError):
    """The input cannot be read as a household to screen (malformed, contradictory)."""


@dataclass(frozen=True)
class CssMember:
    role: Role
    birth_date: dt.date
    index: int
    name: str | None = None

    @property
    def label(self) -> str:
        base = ROLE_LABELS[self.role]
        return f"{base} « {self.name} »" if self.name else f"{base} n° {self.index + 1}"


@dataclass(frozen=True)
class CssHousehold:
    date: dt.date  # the date of the (intended) application
    members: tuple[CssMember, ...]
    resources_cents: int  # resources of the last 12 months, as the CSS counts them
    housing: Housing
    housing_aid_monthly_cents: int | None = None
    receives_rsa: bool = False


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _MemberIn(_Strict):
    role: Role
    birth_date: dt.date
    name: str | None = Field(default=None, max_length=100)


class _HouseholdIn(_Strict):
    date: dt.date
    members: list[_MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS)
    resources_cents: StrictInt = Field(ge=0, le=MAX_RESOURCES_CENTS)
    housing: Housing
    housing_aid_monthly_cents: StrictInt | None = Field(default=None, gt=0, le=10_000_00)
    receives_rsa: StrictBool = False


_FIELD_FR = {
    "date": "date (date de la demande)",
    "members": "members (membres du foyer)",
    "birth_date": "birth_date (date de naissance)",
    "resources_cents": "resources_cents (ressources des 12 derniers mois, en centimes)",
    "housing": "housing (logement)",
    "housing_aid_monthly_cents": "housing_aid_monthly_cents (aide au logement mensuelle)",
    "receives_rsa": "receives_rsa (bénéficiaire du RSA)",
}


_SPECIAL_FR = {
    "int_type": "nombre entier attendu (montant en centimes)",
    "int_parsing": "nombre entier attendu (montant en centimes)",
    "int_from_float": "nombre entier attendu (montant en centimes)",
    "too_short": "au moins une personne attendue (le demandeur)",
    "too_long": f"{MAX_MEMBERS} personnes au plus",
}


def parse_css_household(data: Any) -> CssHousehold:
    """Read a household to screen from decoded JSON, or raise :class:`InvalidCssHousehold`."""
    if not isinstance(data, dict):
        raise InvalidCssHousehold("le fichier doit contenir un objet JSON décrivant le foyer")
    try:
        raw = _HouseholdIn.model_validate(data)
    except ValidationError as exc:
        details = describe_validation_error(exc, _FIELD_FR, _SPECIAL_FR)
        raise InvalidCssHousehold(f"foyer illisible — {details}") from None
    hh = CssHousehold(
        date=raw.date,
        members=tuple(
            CssMember(role=m.role, birth_date=m.birth_date, index=i, name=m.name)
            for i, m in enumerate(raw.members)
        ),
        resources_cents=raw.resources_cents,
        housing=raw.housing,
        housing_aid_monthly_cents=raw.housing_aid_monthly_cents,
        receives_rsa=raw.receives_rsa,
    )
    check_household(hh)
    return hh


def check_household(hh: CssHousehold) -> None:
    """The shape rules every household must satisfy (also for callers building it in code)."""
    if not dt.date(1900, 1, 1) <= hh.date <= dt.date(2100, 12, 31):
        raise InvalidCssHousehold("date : hors des années 1900-2100")
    roles = [m.role for m in hh.members]
    if roles.count("adherent") != 1:
        raise InvalidCssHousehold(
            'le foyer doit compter exactement une personne qui demande (role "adherent"), '
            f"il en compte {roles.count('adherent')}"
        )
    if roles.count("spouse") > 1:
        raise InvalidCssHousehold('le foyer ne peut compter qu\'un conjoint (role "spouse")')
    for m in hh.members:
        if m.birth_date > hh.date:
            raise InvalidCssHousehold(
                f"{m.label} : date de naissance {m.birth_date.isoformat()} postérieure à la "
                f"date de la demande {hh.date.isoformat()}"
            )
        if m.birth_date.year < 1900:
            raise InvalidCssHousehold(f"{m.label} : date de naissance invalide")
    if not 0 <= hh.resources_cents <= MAX_RESOURCES_CENTS:
        raise InvalidCssHousehold("resources_cents : montant hors limites")
    if hh.housing_aid_monthly_cents is not None and hh.housing != "tenant_with_housing_aid":
        raise InvalidCssHousehold(
            "housing_aid_monthly_cents ne s'utilise qu'avec "
            '"housing": "tenant_with_housing_aid" (locataire percevant une aide au logement)'
        )
