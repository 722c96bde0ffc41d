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
from typing import Any, ClassVar, assert_never

from mutuelle.benefits.plan import PER_LABELS, Per
from mutuelle.explain import Cited
from mutuelle.money import apply_rate, format_euros, format_rate

LINE = "line"  # the step applies the guarantee line (its source is the settlement's)


def _e(cents: int) -> str:
    return format_euros(cents)


def _d(day: dt.date | None) -> str:
    return "—" if day is None else f"{day:%d/%m/%Y}"


_ESTABLISHMENTS = {"medico_social": "un établissement médico-social", "geriatrie": "gériatrie"}
_LIMITS = {"PLV": "prix limite de vente", "HLF": "honoraire limite de facturation"}
_YEARS = {1: "un an", 2: "deux ans", 3: "trois ans", 4: "quatre ans", 5: "cinq ans"}


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


def _times(n: int) -> str:
    return f" × {n}" if n != 1 else ""


def _years(months: int) -> str:
    return _YEARS.get(months // 12, f"{months // 12} ans") if months % 12 == 0 else f"{months} mois"


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


def render(step: BenefitStep) -> str:
    """The step as a sentence a staff member can read."""
    match step:
        case PfFranchise(pf, fr):
            parts = (
                f"participation forfaitaire de {_e(pf)}" if pf else "",
                f"franchise de {_e(fr)}" if fr else "",
            )
            return (
                " et ".join(x for x in parts if x).capitalize()
                + " retenue(s) par l'AMO : jamais remboursée(s) par la Mutuelle (contrat "
                "responsable), à la charge de l'assuré."
            )
        case Pathway(penalty, overrun):
            return (
                f"Hors parcours de soins : la majoration ({_e(penalty)}) et le dépassement "
                f"autorisé ({_e(overrun)}) ne sont pas remboursés ; le calcul se fait comme si "
                "l'AMO avait remboursé à son taux normal."
            )
        case DptamUnknown():
            return (
                "Adhésion du praticien au DPTAM (OPTAM, OPTAM-CO) non précisée : taux des "
                "praticiens non adhérents."
            )
        case NotInTable(title):
            return f"Cette prestation ne figure pas au {title} : pas de remboursement."
        case NoCover(formula):
            return f"La formule {formula} ne couvre pas cette ligne (« - » au tableau) : 0 €."
        case ExcludedEstablishment(place, excluded):
            what = (
                "forfait journalier exclu." if excluded == "fjh" else "chambre particulière exclue."
            )
            return f"Séjour en {_ESTABLISHMENTS.get(place, place)} : {what}"
        case NotReimbursed():
            return (
                "Frais non remboursés par l'AMO (aucun remboursement AMO) : cette garantie "
                "complète l'AMO et ne verse rien."
            )
        case Distance(km, limit):
            return f"Lieu de cure à {km} km du domicile : la garantie exige plus de {limit} km."
        case AccompaniedAge(age, child, adult):
            return (
                f"Frais d'accompagnant : la personne hospitalisée a {age} ans ; la garantie vise "
                f"un enfant de moins de {child} ans ou un adulte de plus de {adult} ans."
            )
        case AdultOnly(age, _):
            return f"Forfait réservé aux adultes : le bénéficiaire a {age} ans."
        case AmoFull(br, amo):
            return (
                f"Soin remboursé à 100 % par l'AMO ({_e(amo)} pour une base de {_e(br)}) : la "
                "Mutuelle ne prend en charge que le dépassement prévu par la garantie."
            )
        case PctBr(rate, br, amo, base, cap):
            return (
                f"Garantie {format_rate(rate)} de la base de remboursement, AMO comprise : "
                f"{format_rate(rate)} × {_e(br)} = {_e(apply_rate(br, rate))}, moins l'AMO "
                f"{_e(amo)} = {_e(cap)} au plus ; frais restant après l'AMO : {_e(base)}."
            )
        case PctBrPlus(rate, br, amo, extra, base, cap):
            return (
                f"Garantie {format_rate(rate)} de la BR + {_e(extra)} : "
                f"{_e(apply_rate(br, rate))} − AMO {_e(amo)} + {_e(extra)} = {_e(cap)} au plus ; "
                f"frais restant après l'AMO : {_e(base)}."
            )
        case FraisReels(reimbursable, amo, base):
            return (
                f"Garantie aux frais réels : frais {_e(reimbursable)} − AMO {_e(amo)} = {_e(base)}."
            )
        case PctFr(rate, reimbursable, amo, _, cap):
            return (
                f"Garantie {format_rate(rate)} des frais réels, AMO comprise : "
                f"{format_rate(rate)} × {_e(reimbursable)} − AMO {_e(amo)} = {_e(max(0, cap))} "
                "au plus."
            )
        case AmoPlus(cents, qty, base, cap):
            return (
                f"Garantie « AMO + {_e(cents)} »{_times(qty)} : la Mutuelle verse jusqu'à "
                f"{_e(cap)} en plus de l'AMO ; frais restant après l'AMO : {_e(base)}."
            )
        case PriceLimit(kind, limit, origin, reimbursable, amo, _, cap):
            return (
                f"100 % Santé : prise en charge intégrale dans la limite du "
                f"{_LIMITS.get(kind, kind)} de {_e(limit)} ({origin}) : le plus petit de frais "
                f"{_e(reimbursable)} et {_e(limit)}, moins l'AMO {_e(amo)} = {_e(max(0, cap))}."
            )
        case EurItem(cents, qty, amo, base, cap):
            return (
                f"Forfait de {_e(cents)}{_times(qty)}, AMO comprise : {_e(cents * qty)} − AMO "
                f"{_e(amo)} = {_e(max(0, cap))} au plus ; frais restant après l'AMO : "
                f"{_e(base)}."
            )
        case EurDay(cents, days, asked, _, base, cap):
            more = f" (sur {asked} demandés)" if asked is not None and asked != days else ""
            return (
                f"Forfait de {_e(cents)} par jour × {days} jour(s){more} = {_e(cents * days)}, "
                f"AMO comprise : {_e(max(0, cap))} au plus ; frais restant après l'AMO : "
                f"{_e(base)}."
            )
        case EurPeriod(cents, base, per):
            label = f" {PER_LABELS[per]}" if per in PER_LABELS else ""
            return (
                f"Forfait de {_e(cents)}{label}, AMO comprise ; frais restant après l'AMO : "
                f"{_e(base)}."
            )
        case HlfUnknown():
            return (
                "Honoraire limite de facturation (HLF) non indiqué (price_limit_cents) : seul le "
                "plafond du tableau est appliqué ; le dentiste est tenu de respecter l'HLF."
            )
        case HlfCap(limit, amo, cap):
            return (
                f"Dans la limite de l'honoraire limite de facturation de {_e(limit)} : "
                f"{_e(limit)} − AMO {_e(amo)} = {_e(max(0, cap))} au plus."
            )
        case ItemsLimit(asked, allowed, limit):
            return (
                f"{allowed} implant(s) pris en charge sur {asked} : {limit} au plus par année "
                "civile."
            )
        case ClaimsLimit(_, limit):
            what = "Une seule activité sportive" if limit == 1 else f"{limit} activités sportives"
            return f"{what} par an : une adhésion a déjà été remboursée."
        case HearingPeriodicity(side, last, nxt, months):
            return (
                f"Aide auditive ({side}) déjà prise en charge le {_d(last)} : une par oreille et "
                f"par période de {_years(months)} ; prochaine prise en charge possible le "
                f"{_d(nxt)}."
            )
        case HearingOk(side, last, months):
            before = (
                "première prise en charge connue" if last is None else f"précédente le {_d(last)}"
            )
            return f"Aide auditive ({side}) : {before}, renouvelable après {months // 12} ans."
        case SecondEquipment():
            return (
                "Second équipement (intolérance aux verres progressifs) : délais appréciés pour "
                "chaque équipement séparément."
            )
        case ReplacementNoEquipment(_):
            return "Aucun équipement d'origine connu : pas de forfait de remplacement."
        case ReplacementWindow(anchor, start, end, first, last):
            return (
                f"Forfait de remplacement possible du {_d(start)} au "
                f"{_d(end - dt.timedelta(days=1))} seulement ({_ordinal(first + 1)} au "
                f"{_ordinal(last)} mois après l'acquisition du {_d(anchor)})."
            )
        case ReplacementUsed(element, used, limit):
            return f"Forfaits de remplacement ({element}) déjà utilisés : {used} sur {limit}."
        case ReplacementOk(anchor, _, _, first, last):
            return (
                f"Remplacement dans la période du {_ordinal(first + 1)} au {_ordinal(last)} mois "
                f"après l'acquisition du {_d(anchor)}."
            )
        case OpticalNew(element, months, previous):
            before = f" (précédente prise en charge le {_d(previous)})" if previous else ""
            return f"{element.capitalize()} : nouvelle période de {months} mois{before}."
        case OpticalJoin(element, anchor):
            return (
                f"{element.capitalize()} de l'équipement pris en charge à partir du {_d(anchor)}."
            )
        case LensMix():
            return "Panachage de verres de classe A et de classe B non autorisé : 0 €."
        case OpticalPeriodicity(element, anchor, nxt, renewal):
            why = (
                f" Le motif de renouvellement anticipé « {renewal} » ne s'applique pas ici."
                if renewal
                else ""
            )
            of = "de la monture" if element == "monture" else f"des {element}"
            return (
                f"Renouvellement non pris en charge : période {of} ouverte le {_d(anchor)} ; "
                f"prochaine prise en charge possible le {_d(nxt)}.{why}"
            )
        case OpticalRenewal(element, _, anchor):
            return f"Renouvellement anticipé des {element} (équipement précédent le {_d(anchor)})."
        case FrameCap(limit, total, amo, cap):
            return (
                f"Contrat responsable : monture de classe B limitée à {_e(limit)}, AMO comprise "
                f"(déjà {_e(total)} sur cette monture, AMO {_e(amo)}) : {_e(cap)} au plus."
            )
        case EquipmentCap(case, limit, total, amo, cap):
            return (
                f"Contrat responsable : équipement du cas {case}) limité à {_e(limit)}, AMO "
                f"comprise (déjà {_e(total)}, AMO {_e(amo)}) : {_e(cap)} au plus."
            )
        case PerSession(per_session, qty, cap):
            return f"Au plus {_e(per_session)} par séance ou demande (× {qty}) : {_e(cap)}."
        case OneEyeHalf(limit, half):
            return f"Opération d'un seul œil : la moitié du forfait de {_e(limit)}, {_e(half)}."
        case CeilingReached(asked, paid):
            return f"Plafond atteint : {_e(paid)} versés au lieu de {_e(asked)}."
        case HearingCap(limit, amo, pay):
            return (
                f"Contrat responsable : {_e(limit)} au plus par aide auditive de classe II, AMO "
                f"({_e(amo)}) comprise : Mutuelle {_e(pay)} au plus."
            )
        case TmFloor(br, amo, floor, _):
            return (
                f"Contrat responsable : le ticket modérateur ({_e(floor)} = BR {_e(br)} − AMO "
                f"{_e(amo)}) est toujours pris en charge, même au-delà du plafond."
            )
        case Prorata(semester, covered, days, pay, prorated):
            return (
                f"Orthodontie : {covered} jours couverts sur {days} au {semester} : {_e(pay)} × "
                f"{covered}/{days} = {_e(prorated)}."
            )
        case EnrolmentLate(enrolled_on, deadline, months):
            return (
                f"Enfant inscrit le {_d(enrolled_on)}, après le {_d(deadline)} ({months} mois "
                "après la naissance ou l'adoption) : pas de prime."
            )
        case Prime(cents, qty, enrolled_on, deadline):
            return (
                f"Prime de {_e(cents)} par enfant{_times(qty)}, enfant inscrit le "
                f"{_d(enrolled_on)} (au plus tard le {_d(deadline)})."
            )
        case _:
            assert_never(step)


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
