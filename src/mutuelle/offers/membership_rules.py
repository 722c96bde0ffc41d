"""The parameters of the membership rules of a range, as validated data.

Each range of an offer carries a ``membership:`` block in ``offer.yaml``: the delays, ages and
dates the règlement of that range fixes (effective date, renunciation, dependants, formula
changes, termination, unpaid contributions), each with the article and seed line it comes from.
The functions of :mod:`mutuelle.membership` read these values; they hold no number of their own.
Where a range's text has no such rule (the TNS conditions have no « 20 jours après l'avis
d'échéance » termination, for instance) the field is ``None`` and the core says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from mutuelle.offers.model import Frozen, Source

Channel = Literal["distance", "door_to_door", "off_premises", "fair"]
RenunciationStart = Literal["later_of_effect_and_information", "signature"]
Link = Literal["resident", "works", "studies", "agent", "tns"]


class Eligibility(Frozen):
    """Who may join (règlement I-2, convention art. 1 and 2.1)."""

    min_age: int = Field(ge=0)
    min_age_source: Source
    amo_and_residence: Source  # French compulsory health insurance, residence in France
    public: Source  # convention art. 1: residents, workers, students, agents of the town
    no_mandatory_cover: Source  # "non-bénéficiaires d'une couverture … à caractère obligatoire"
    no_debt: Source | None = None  # "redevables d'une dette … devront s'en acquitter"
    no_barriers: Source  # convention art. 2.1: no fee, waiting period, questionnaire, age limit
    links: tuple[Link, ...]  # the ties to the town that open this range (convention art. 1)
    range_condition: str  # the range's own condition in plain French
    range_condition_source: Source
    student_without_dependants: bool = False


class EffectiveDate(Frozen):
    """When an adhesion takes effect."""

    mode: Literal["wished_date_within_grace", "first_of_month_after_file"]
    grace_days: int | None = None  # the complete file within N days of the wished date
    source: Source
    late_source: Source | None = None  # otherwise the 1st of the month after the file
    continuity: Source | None = None  # the day after the previous insurer's termination


class Renewal(Frozen):
    """Tacit renewal every 1 January."""

    source: Source
    first_period_source: Source | None = None


class RenunciationChannel(Frozen):
    id: Channel
    label: str
    days: int | None = Field(default=None, ge=1)  # None: no right (fairs)
    starts: RenunciationStart | None = None
    extends_to_working_day: bool = False
    form: str  # how the member must write
    source: Source


class Renunciation(Frozen):
    channels: tuple[RenunciationChannel, ...]
    day_counting: Source  # "le jour où le contrat est conclu n'est pas compté"
    prorata: Source  # prorata kept for the period covered
    refund_days: int = Field(ge=1)
    refund_source: Source
    door_to_door_claim: Source  # the whole cotisation stays due after a claim


class Dependants(Frozen):
    event_window_months: int = Field(ge=1)  # marriage, birth, adoption: request within N months
    event_source: Source
    later_addition: Literal["day_after_reception", "first_of_month_by_15th"]
    later_addition_source: Source
    ends: Literal["december_31", "on_date"]  # when conditions stop
    ends_source: Source
    over_age_source: Source
    resignation_notice_months: int = Field(ge=0)
    resignation_source: Source
    mandatory_cover_source: Source
    abroad_source: Source | None = None


class FormulaChange(Frozen):
    minimum: Literal["one_full_civil_year"]
    request_months_before: int = Field(ge=0)  # before the 1 January échéance
    downgrade_after_months: int = Field(ge=0)
    source: Source  # 9-2-1
    effect_source: Source  # 9-2-2
    upgrade_source: Source


class Termination(Frozen):
    annual_deadline_month: int = Field(ge=1, le=12)
    annual_deadline_day: int = Field(ge=1, le=31)
    annual_source: Source
    late_notice_after_month: int | None = None  # Chatel: avis d'échéance sent after 15 Oct
    late_notice_after_day: int | None = None
    late_notice_days: int | None = None
    late_notice_source: Source | None = None
    infra_annual_after_years: int = Field(ge=1)
    infra_annual_effect_months: int = Field(ge=1)
    infra_annual_refund_days: int = Field(ge=1)
    infra_annual_source: Source
    situation_change_months: int | None = None  # L221-17: within 3 months of the event
    situation_change_effect_months: int | None = None
    situation_change_source: Source | None = None
    css_source: Source
    mandatory_collective_source: Source | None = None
    category_loss_source: Source | None = None  # TNS art. 7.1: end of the current month
    death_source: Source
    consequences_source: Source


class Unpaid(Frozen):
    grace_days: int = Field(ge=0)  # unpaid "dans les dix jours de son échéance"
    suspension_days: int = Field(ge=0)  # suspended 30 days after the formal notice
    termination_days: int = Field(ge=0)  # terminable 10 days after the suspension
    instalments_until_year_end: bool
    source: Source
    reinstatement_source: Source
    payroll_source: Source | None = None  # agents: the collectivity deducts the cotisation
    payroll_member_notice_days: int | None = None  # member told at the earliest N days after


DocumentKind = Literal[
    "identity",
    "amo_attestation",
    "rib",
    "rib_insured",
    "sepa_mandate",
    "spouse_proof",
    "student_certificate",
    "child_proof",
    "disability_card",
    "agent_certificate",
]
PaymentModeId = Literal["direct_debit", "transfer", "card", "cheque", "cash", "payroll"]


class RequiredDocument(Frozen):
    """A justificatif the bulletin needs (Règlement particuliers I-3-2; agents I-3-2 and I-2;
    TNS art. 4.2): for whom, when, why, and where the text asks it."""

    kind: DocumentKind
    label: str  # the piece as the person reads it
    who: Literal[
        "member",  # the member participant
        "every_insured",  # every person covered (one piece each)
        "dependants_from_age",  # each dependant of ``from_age`` or more on the day
        "spouse",
        "child_with_proof",  # a child of 21 to 27 covered with a proof
        "disabled_child",  # a child covered whatever their age (disability before 18)
    ]
    when: Literal["always", "direct_debit"] = "always"  # direct_debit: « le cas échéant »
    from_age: int | None = Field(default=None, ge=0)
    reason: str  # why it is asked, in plain words
    source: Source

    @model_validator(mode="after")
    def _age(self) -> RequiredDocument:
        if (self.who == "dependants_from_age") != (self.from_age is not None):
            raise ValueError(f"{self.kind}: from_age goes with who = dependants_from_age")
        return self


class Payment(Frozen):
    """How contributions may be paid (Règlement particuliers III-2-2, agents Cotisations 2-2 and
    « cotisation précomptée », TNS art. 4.2)."""

    modes: tuple[PaymentModeId, ...] = Field(min_length=1)
    modes_source: Source
    annual_only: tuple[PaymentModeId, ...] = ()  # « fractionné mensuellement, sauf … chèque »
    annual_only_source: Source | None = None

    @model_validator(mode="after")
    def _annual(self) -> Payment:
        if self.annual_only and self.annual_only_source is None:
            raise ValueError("annual_only needs its source")
        return self


class MembershipRules(Frozen):
    eligibility: Eligibility
    effective_date: EffectiveDate
    renewal: Renewal
    renunciation: Renunciation
    dependants: Dependants
    formula_change: FormulaChange
    termination: Termination
    unpaid: Unpaid
    documents: tuple[RequiredDocument, ...]
    payment: Payment

    def sources(self) -> Iterator[tuple[str, Source]]:
        """Every source of the block, with where it sits (for the offer's reference check)."""
        for part_name, part in self:
            yield from _walk(part_name, part)


def _walk(where: str, value: object) -> Iterator[tuple[str, Source]]:
    if isinstance(value, Source):
        yield where, value
    elif isinstance(value, Frozen):
        for name, sub in value:
            yield from _walk(f"{where}.{name}", sub)
    elif isinstance(value, tuple):
        for i, sub in enumerate(value):
            yield from _walk(f"{where}[{i}]", sub)
