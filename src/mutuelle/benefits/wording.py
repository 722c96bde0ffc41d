"""The sentences of the reimbursement steps, as a staff member reads them.

:func:`render` dispatches over the kinds of :mod:`mutuelle.benefits.steps` (``match`` with
``assert_never``: a new kind of step that is not phrased here fails the type check). Every
number of a sentence is a field of its step (the ceilings, ages and periods come from the
offer's data), never written here.
"""

from __future__ import annotations

import datetime as dt
from typing import assert_never

from mutuelle.benefits.plan import PER_LABELS
from mutuelle.benefits.steps import (
    AccompaniedAge,
    AdultOnly,
    AmoFull,
    AmoPlus,
    BenefitStep,
    CeilingReached,
    ClaimsLimit,
    Distance,
    DptamUnknown,
    EnrolmentLate,
    EquipmentCap,
    EurDay,
    EurItem,
    EurPeriod,
    ExcludedEstablishment,
    FraisReels,
    FrameCap,
    HearingCap,
    HearingOk,
    HearingPeriodicity,
    HlfCap,
    HlfUnknown,
    ItemsLimit,
    LensMix,
    NoCover,
    NotInTable,
    NotReimbursed,
    OneEyeHalf,
    OpticalJoin,
    OpticalNew,
    OpticalPeriodicity,
    OpticalRenewal,
    Pathway,
    PctBr,
    PctBrPlus,
    PctFr,
    PerSession,
    PfFranchise,
    PriceLimit,
    Prime,
    Prorata,
    ReplacementNoEquipment,
    ReplacementOk,
    ReplacementUsed,
    ReplacementWindow,
    SecondEquipment,
    TmFloor,
)
from mutuelle.money import apply_rate, format_euros, format_rate

__all__ = ["render"]


def _e(cents: int) -> str:
    return format_euros(cents)


def _d(day: dt.date | None) -> str:
    return "—" if day is None else f"{day:%d/%m/%Y}"


_ESTABLISHMENTS = {"medico_social": "un établissement médico-social", "geriatrie": "gériatrie"}
_LIMITS = {"PLV": "prix limite de vente", "HLF": "honoraire limite de facturation"}
_YEARS = {1: "un an", 2: "deux ans", 3: "trois ans", 4: "quatre ans", 5: "cinq ans"}


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
