"""The steps of a settlement: one frozen dataclass per kind, its numbers as fields.

Each step names its rule (``rule_id``: a rule of ``guarantees/rules.yaml``, or :data:`LINE`
when the step applies the guarantee line itself, whose source is the settlement's) and has a
stable ``code`` (its serialised tag, :func:`step_to_dict` / :func:`step_from_dict`). The sentence
is rendered by :func:`render` (``match`` over the kinds, ``assert_never`` when one is missing);
the source is resolved against the beneficiary's plan (``render.explain_steps``), so a step is
the same value whatever the range, and cites the range's own règlement when shown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from mutuelle.benefits.plan import Per
from mutuelle.explain import Cited

LINE = "line"  # the step applies the guarantee line (its source is the settlement's)


class _Step:
    """What every reimbursement step answers (``mutuelle.explain.Step``)."""

    __slots__ = ()
    code: ClassVar[str]
    RULE: ClassVar[str]

    @property
    def rule_id(self) -> str:
        return self.RULE

    @property
    def rule(self) -> str:
        from mutuelle.benefits.wording import render

        return render(self)  # type: ignore[arg-type]

    @property
    def cite(self) -> Cited | None:
        return None  # resolved against the plan of the beneficiary's range

    @property
    def source(self) -> str:
        return ""


@dataclass(frozen=True, slots=True)
class PfFranchise(_Step):
    code = "pf_franchise"
    RULE = "exclusions_pf"
    participation_cents: int
    franchise_cents: int


@dataclass(frozen=True, slots=True)
class Pathway(_Step):
    code = "pathway"
    RULE = "exclusions_pathway"
    penalty_cents: int
    overrun_cents: int


@dataclass(frozen=True, slots=True)
class DptamUnknown(_Step):
    code = "dptam_unknown"
    RULE = "dptam"


@dataclass(frozen=True, slots=True)
class NotInTable(_Step):
    code = "not_in_table"
    RULE = "not_in_table"
    table_title: str


@dataclass(frozen=True, slots=True)
class NoCover(_Step):
    """« - » in the table: this formula does not cover the line."""

    code = "none"
    RULE = LINE
    formula: str


@dataclass(frozen=True, slots=True)
class ExcludedEstablishment(_Step):
    code = "excluded_establishment"
    establishment: str  # "medico_social", "geriatrie"
    excluded: str  # "fjh" (forfait journalier) or "chambre" (private room)

    @property
    def rule_id(self) -> str:
        return "fjh" if self.excluded == "fjh" else "chambre"


@dataclass(frozen=True, slots=True)
class NotReimbursed(_Step):
    code = "not_reimbursed"
    RULE = "not_reimbursed"


@dataclass(frozen=True, slots=True)
class Distance(_Step):
    code = "distance"
    RULE = "cure_distance"
    km: int
    limit_km: int


@dataclass(frozen=True, slots=True)
class AccompaniedAge(_Step):
    code = "accompagnant_age"
    RULE = "accompagnant"
    age: int
    child_age: int  # under it
    adult_age: int  # over it


@dataclass(frozen=True, slots=True)
class AdultOnly(_Step):
    code = "adult"
    RULE = "replacement"
    age: int
    adult_age: int


@dataclass(frozen=True, slots=True)
class AmoFull(_Step):
    code = "amo_full"
    RULE = "amo_100"
    br_cents: int
    amo_cents: int


@dataclass(frozen=True, slots=True)
class PctBr(_Step):
    code = "pct_br"
    RULE = "incl_amo"
    rate_bp: int
    br_cents: int
    amo_cents: int
    base_cents: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class PctBrPlus(_Step):
    code = "pct_br_plus"
    RULE = "incl_amo"
    rate_bp: int
    br_cents: int
    amo_cents: int
    extra_cents: int
    base_cents: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class FraisReels(_Step):
    code = "frais_reels"
    RULE = LINE
    reimbursable_cents: int
    amo_cents: int
    base_cents: int


@dataclass(frozen=True, slots=True)
class PctFr(_Step):
    code = "pct_fr"
    RULE = LINE
    rate_bp: int
    reimbursable_cents: int
    amo_cents: int
    base_cents: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class AmoPlus(_Step):
    code = "amo_plus"
    RULE = "incl_amo"
    cents: int
    quantity: int
    base_cents: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class PriceLimit(_Step):
    code = "price_limit"
    RULE = LINE
    limit_kind: str  # "PLV" / "HLF"
    limit_cents: int
    origin: str  # where the limit comes from (the request, or a reference value)
    reimbursable_cents: int
    amo_cents: int
    base_cents: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class EurItem(_Step):
    code = "eur_item"
    RULE = "incl_amo"
    cents: int
    quantity: int
    amo_cents: int
    base_cents: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class EurDay(_Step):
    code = "eur_day"
    RULE = "incl_amo"
    cents: int
    days: int  # the days paid
    asked: int | None  # the days of the stay
    amo_cents: int
    base_cents: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class EurPeriod(_Step):
    code = "eur_period"
    RULE = "incl_amo"
    cents: int
    base_cents: int
    per: Per


@dataclass(frozen=True, slots=True)
class HlfUnknown(_Step):
    code = "hlf_unknown"
    RULE = "dental_maitrise"


@dataclass(frozen=True, slots=True)
class HlfCap(_Step):
    code = "hlf_cap"
    RULE = "dental_maitrise"
    limit_cents: int
    amo_cents: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class ItemsLimit(_Step):
    code = "items_limit"
    RULE = "implant_limit"
    asked: int
    allowed: int
    limit: int  # per calendar year


@dataclass(frozen=True, slots=True)
class ClaimsLimit(_Step):
    code = "claims_limit"
    RULE = "sport"
    used: int
    limit: int  # per calendar year


@dataclass(frozen=True, slots=True)
class HearingPeriodicity(_Step):
    code = "periodicity_hearing"
    RULE = "hearing_period"
    side: str
    last: dt.date
    next: dt.date
    months: int


@dataclass(frozen=True, slots=True)
class HearingOk(_Step):
    code = "hearing_ok"
    RULE = "hearing_period"
    side: str
    last: dt.date | None
    months: int


@dataclass(frozen=True, slots=True)
class SecondEquipment(_Step):
    code = "second_equipment"
    RULE = "optical_second_equipment"


@dataclass(frozen=True, slots=True)
class ReplacementNoEquipment(_Step):
    code = "replacement_no_equipment"
    RULE = "replacement"
    element: str


@dataclass(frozen=True, slots=True)
class ReplacementWindow(_Step):
    code = "replacement_window"
    RULE = "replacement"
    anchor: dt.date
    start: dt.date
    end: dt.date  # excluded
    from_months: int
    until_months: int


@dataclass(frozen=True, slots=True)
class ReplacementUsed(_Step):
    code = "replacement_used"
    RULE = "replacement"
    element: str
    used: int
    limit: int


@dataclass(frozen=True, slots=True)
class ReplacementOk(_Step):
    code = "replacement_ok"
    RULE = "replacement"
    anchor: dt.date
    start: dt.date
    end: dt.date
    from_months: int
    until_months: int


@dataclass(frozen=True, slots=True)
class OpticalNew(_Step):
    code = "optical_new"
    RULE = "optical_elements"
    element: str  # "monture" / "verres"
    months: int
    previous: dt.date | None


@dataclass(frozen=True, slots=True)
class OpticalJoin(_Step):
    code = "optical_join"
    RULE = "optical_elements"
    element: str
    anchor: dt.date


@dataclass(frozen=True, slots=True)
class LensMix(_Step):
    code = "lens_mix"
    RULE = "optical_mixed"


@dataclass(frozen=True, slots=True)
class OpticalPeriodicity(_Step):
    code = "periodicity_optical"
    RULE = "optical_period_adult"
    element: str
    anchor: dt.date
    next: dt.date
    renewal: str | None


@dataclass(frozen=True, slots=True)
class OpticalRenewal(_Step):
    code = "optical_renewal"
    element: str
    renewal_rule: str  # the derogation applied (a rule id)
    anchor: dt.date

    @property
    def rule_id(self) -> str:
        return self.renewal_rule


@dataclass(frozen=True, slots=True)
class FrameCap(_Step):
    code = "frame_cap"
    RULE = "optical_frame_cap"
    max_cents: int
    total_cents: int
    amo_cents: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class EquipmentCap(_Step):
    code = "equipment_cap"
    RULE = "optical_equipment_caps"
    case: str
    max_cents: int
    total_cents: int
    amo_cents: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class PerSession(_Step):
    code = "per_session"
    RULE = "bien_etre"
    per_session_cents: int
    quantity: int
    cap_cents: int


@dataclass(frozen=True, slots=True)
class OneEyeHalf(_Step):
    code = "one_eye_half"
    RULE = "vision_op"
    limit_cents: int
    half_cents: int


@dataclass(frozen=True, slots=True)
class CeilingReached(_Step):
    code = "ceiling"
    RULE = LINE
    asked_cents: int
    paid_cents: int


@dataclass(frozen=True, slots=True)
class HearingCap(_Step):
    code = "hearing_cap"
    RULE = "hearing_cap"
    max_cents: int
    amo_cents: int
    pay_cents: int


@dataclass(frozen=True, slots=True)
class TmFloor(_Step):
    code = "tm_floor"
    RULE = "tm_floor"
    br_cents: int
    amo_cents: int
    floor_cents: int
    pay_cents: int


@dataclass(frozen=True, slots=True)
class Prorata(_Step):
    code = "prorata"
    RULE = "ortho"
    semester: str
    covered_days: int
    days: int
    pay_cents: int
    prorated_cents: int


@dataclass(frozen=True, slots=True)
class EnrolmentLate(_Step):
    code = "enrolment_late"
    RULE = "prime"
    enrolled_on: dt.date
    deadline: dt.date
    months: int


@dataclass(frozen=True, slots=True)
class Prime(_Step):
    code = "prime"
    RULE = "prime"
    cents: int
    quantity: int
    enrolled_on: dt.date
    deadline: dt.date


BenefitStep = (
    PfFranchise
    | Pathway
    | DptamUnknown
    | NotInTable
    | NoCover
    | ExcludedEstablishment
    | NotReimbursed
    | Distance
    | AccompaniedAge
    | AdultOnly
    | AmoFull
    | PctBr
    | PctBrPlus
    | FraisReels
    | PctFr
    | AmoPlus
    | PriceLimit
    | EurItem
    | EurDay
    | EurPeriod
    | HlfUnknown
    | HlfCap
    | ItemsLimit
    | ClaimsLimit
    | HearingPeriodicity
    | HearingOk
    | SecondEquipment
    | ReplacementNoEquipment
    | ReplacementWindow
    | ReplacementUsed
    | ReplacementOk
    | OpticalNew
    | OpticalJoin
    | LensMix
    | OpticalPeriodicity
    | OpticalRenewal
    | FrameCap
    | EquipmentCap
    | PerSession
    | OneEyeHalf
    | CeilingReached
    | HearingCap
    | TmFloor
    | Prorata
    | EnrolmentLate
    | Prime
)


_KINDS: dict[str, type[_Step]] = {cls.code: cls for cls in BenefitStep.__args__}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def step_to_dict(step: BenefitStep) -> dict[str, Any]:
    """A step as plain data: its ``code`` and its fields (dates as ISO strings)."""
    out: dict[str, Any] = {"code": step.code}
    for f in dataclasses.fields(step):
        out[f.name] = _plain(getattr(step, f.name))
    return out


def step_from_dict(data: dict[str, Any]) -> BenefitStep:
    cls = _KINDS[data["code"]]
    kw: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        value = data[f.name]
        if isinstance(value, str) and "date" in str(f.type):
            value = dt.date.fromisoformat(value)
        elif f.name == "per":
            value = Per(value)
        kw[f.name] = value
    return cls(**kw)  # type: ignore[return-value]
