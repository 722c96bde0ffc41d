"""The API's typed request and response schemas (django-ninja, OpenAPI).

The values are the cores' vocabulary (:mod:`mutuelle.vocabulary`): a range, a role, a proof, a
link, a payment mode, a housing status, a basket… are the same enums as the Django choices and
the forms. Inputs are strict (an unknown field is refused); amounts in integer cents, dates
AAAA-MM-JJ.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from mutuelle.vocabulary import (
    Basket,
    Ear,
    Establishment,
    Eye,
    Housing,
    LensCategory,
    Link,
    PaymentFrequency,
    PaymentMode,
    Proof,
    Range,
    Renewal,
    Role,
)


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class _Out(Schema):
    model_config = ConfigDict(extra="allow")


def dump(payload: Schema) -> dict[str, Any]:
    """An input as the cores' parsers read it (plain JSON values, absent fields left out)."""
    data: dict[str, Any] = payload.model_dump(mode="json", exclude_none=True)
    return data


class ErrorOut(Schema):
    error: str
    code: str | None = None
    fields: dict[str, list[str]] | None = None


class HealthOut(Schema):
    status: str
    offer: str


# --- quote -------------------------------------------------------------------------------


class AgentIn(_In):
    public_service_entry: dt.date | None = None
    last_reference_cover_end: dt.date | None = None
    transmitted_majoration_bp: int = 0


class MemberIn(_In):
    role: Role
    birth_date: dt.date
    name: str | None = Field(default=None, max_length=100)
    proof: Proof | None = None
    disabled: bool = False
    agent: AgentIn | None = None


class HouseholdIn(_In):
    offer: str | None = None
    range: Range
    date: dt.date = Field(description="début de la couverture : le devis court jusqu'au 31/12")
    members: list[MemberIn] = Field(min_length=1, max_length=30)
    structure: Literal["adult_child", "family"] | None = None
    current_formula: str | None = None
    formula_since: dt.date | None = None


class FormulaOut(_Out):
    formula: str
    monthly_cents: int | None = None
    year_cents: int | None = None
    error: str | None = None
    source: str | None = None


class QuoteOut(_Out):
    offer: str
    range: str
    date: dt.date
    period_end: dt.date
    formulas: list[FormulaOut]


# --- CSS -----------------------------------------------------------------------------------


class CssMemberIn(_In):
    role: Role
    birth_date: dt.date
    name: str | None = Field(default=None, max_length=100)


class CssIn(_In):
    date: dt.date = Field(description="date de la demande de CSS (aujourd'hui en général)")
    members: list[CssMemberIn] = Field(min_length=1, max_length=20)
    resources_cents: int = Field(ge=0, description="ressources des 12 derniers mois (centimes)")
    housing: Housing
    housing_aid_monthly_cents: int | None = Field(default=None, gt=0)
    receives_rsa: bool = False


class CssOut(_Out):
    verdict: Literal["free", "with_participation", "not_eligible"]
    verdict_label: str
    monthly_participation_cents: int
    ceiling_free_cents: int
    ceiling_participation_cents: int
    parameters_valid_on: dt.date
    parameters_outdated: bool
    warnings: list[str]


# --- reimbursement -------------------------------------------------------------------------


class FormulaChangeIn(_In):
    date: dt.date
    formula: str


class EquipmentDatesIn(_In):
    left: dt.date | None = None
    right: dt.date | None = None


class BeneficiaryIn(_In):
    birth_date: dt.date
    name: str | None = Field(default=None, max_length=100)
    last_optical_equipment: dt.date | None = Field(
        default=None, description="dernier équipement d'optique avant l'adhésion"
    )
    last_hearing_aids: EquipmentDatesIn | None = Field(
        default=None, description="dernières aides auditives avant l'adhésion, par oreille"
    )


class CareEventIn(_In):
    """One care event (``mutuelle reimburse``): amounts in cents, ``amo_cents`` before the
    participation forfaitaire and franchises."""

    id: str | int
    date: dt.date = Field(description="date des soins (fait générateur)")
    benefit: str = Field(description="code de prestation (mutuelle benefits)")
    billed_cents: int = Field(default=0, ge=0)
    br_cents: int = Field(default=0, ge=0)
    amo_cents: int = Field(default=0, ge=0)
    participation_forfaitaire_cents: int = Field(default=0, ge=0)
    franchise_cents: int = Field(default=0, ge=0)
    dptam: bool | None = None
    days: int | None = Field(default=None, ge=1)
    quantity: int = Field(default=1, ge=1)
    basket: Basket | None = None
    lens_category: LensCategory | None = None
    ear: Ear | None = None
    eye: Eye | None = None
    renewal: Renewal | None = None
    second_equipment: bool = False
    price_limit_cents: int | None = Field(default=None, ge=0)
    distance_km: int | None = Field(default=None, ge=0)
    enrolled_on: dt.date | None = None
    establishment: Establishment | None = None
    out_of_pathway_penalty_cents: int = Field(default=0, ge=0)
    out_of_pathway_overrun_cents: int = Field(default=0, ge=0)
    label: str | None = Field(default=None, max_length=200)


class ClaimIn(_In):
    """The care file of ``mutuelle reimburse``."""

    offer: str | None = None
    range: Range
    formula: str
    formula_changes: list[FormulaChangeIn] = Field(default_factory=list)
    cover_start: dt.date
    cover_end: dt.date | None = None
    beneficiary: BeneficiaryIn
    events: list[CareEventIn] = Field(min_length=1, max_length=500)


class ExplanationOut(Schema):
    text: str
    source: str | None = None


class CeilingOut(Schema):
    label: str
    period: str
    unit: str
    limit: int
    used_before: int
    consumed: int
    remaining: int


class LineRuleOut(Schema):
    rule: str
    source: str


class SettlementOut(Schema):
    """An event settled (amounts, line, explanation, ceilings consumed) or refused (``error``
    and its ``source``)."""

    id: str
    date: dt.date
    benefit: str
    error: str | None = None
    source: str | None = None
    formula: str | None = None
    billed_cents: int | None = None
    amo_cents: int | None = None
    amo_paid_cents: int | None = None
    mutuelle_cents: int | None = None
    out_of_pocket_cents: int | None = None
    line: str | None = None
    category: str | None = None
    rule: str | None = None
    explanation: list[ExplanationOut] = Field(default_factory=list)
    ceilings: list[CeilingOut] = Field(default_factory=list)
    rules: list[LineRuleOut] = Field(default_factory=list)


class TotalsOut(Schema):
    billed_cents: int
    amo_paid_cents: int
    mutuelle_cents: int
    out_of_pocket_cents: int
    settled: int
    errors: int


class ReimburseOut(Schema):
    offer: str
    range: str
    events: list[SettlementOut]
    totals: TotalsOut
    revised: list[SettlementOut] | None = None


# --- adhesion request ------------------------------------------------------------------


class ChildIn(_In):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_date: dt.date
    situation: Proof | Literal["disabled"] | None = None


class SpouseIn(_In):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_date: dt.date


class AdhesionIn(_In):
    situation: Range
    links: list[Link] = Field(min_length=1)
    formula: str
    start: dt.date = Field(description="date d'effet souhaitée")
    current_cover_end: dt.date | None = Field(
        default=None, description="dernier jour couvert par la mutuelle actuelle, s'il y en a une"
    )
    last_name: str = Field(max_length=100)
    first_name: str = Field(max_length=100)
    birth_date: dt.date
    email: str | None = None
    phone: str | None = None
    address: str
    postcode: str
    city: str
    amo: bool = Field(description="assuré-e d'un régime obligatoire français et résidant en France")
    mandatory_cover: bool = False
    debt: bool = False
    higher_education: bool = False
    spouse: SpouseIn | None = None
    children: list[ChildIn] = Field(default_factory=list, max_length=12)
    agent_entry: dt.date | None = None
    agent_last_cover_end: dt.date | None = None
    payment_mode: PaymentMode
    payment_frequency: PaymentFrequency
    iban: str
    account_holder: str
    certify: bool
    documents_read: bool
    data_consent: bool


class DocumentOut(Schema):
    kind: str
    label: str
    who: str
    reason: str
    source: str  # as a resident reads it (the document's title and article)


class AdhesionOut(Schema):
    number: str
    status: str
    formula: str
    start: dt.date
    monthly_cents: int
    documents_to_provide: list[DocumentOut]
    next_steps: str
    private_link: str = Field(
        description="lien privé de la demande, à remettre à la personne : il ouvre sa demande "
        "(et le dépôt des justificatifs) tant qu'elle est à instruire. Il n'est donné qu'une "
        "fois : un renvoi avec la même Idempotency-Key en donne un nouveau, qui remplace le "
        "précédent."
    )


# --- permanences ------------------------------------------------------------------------


class SlotOut(Schema):
    weekday: str
    starts: dt.time
    ends: dt.time
    note: str


class PlaceOut(Schema):
    name: str
    address: str
    postcode: str
    city: str
    status: str
    access: str
    slots: list[SlotOut]
