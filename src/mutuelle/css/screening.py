"""CSS screening (pure core): may this household get the Complémentaire santé solidaire?

``screen(params, household) -> CssResult``. It is a *repérage* (convention art. 2.3: the mutual
detects people who may be eligible and orients them), not a decision: only the CPAM decides, on
documents. Every figure of the result carries its rule and source.

What it implements (sources quoted in each step):

* who counts in the household: the applicant, the spouse or partner, and the dependants under 25
  on the date of the application (R861-2 CSS; docs/interpretations.md I-52);
* the resources compared: the 12-month resources given + the flat housing amount for owners,
  people housed free of charge, and tenants receiving a housing aid (R861-5, R861-7; I-53, I-54);
* the ceilings of the published table for the household size (L861-1, R861-3; I-50, I-51);
* the verdict: free CSS up to the first ceiling, CSS with participation up to the second
  (+ 35 %, L861-1 2°), otherwise not eligible; RSA recipients get the free CSS;
* the monthly participation: the sum over the persons counted of the amount for their age on
  1 January (I-55).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from mutuelle.css.household import HOUSING_LABELS, CssHousehold, CssMember, check_household
from mutuelle.css.parameters import CssParameters, ParticipationBand
from mutuelle.dates import add_months, age_on
from mutuelle.explain import Cited, Said, Step
from mutuelle.money import BP_PER_UNIT, apply_rate, format_euros, format_rate, mul_div_round

Verdict = Literal["free", "with_participation", "not_eligible"]

VERDICT_LABELS: dict[str, str] = {
    "free": "probablement éligible à la Complémentaire santé solidaire sans participation",
    "with_participation": (
        "probablement éligible à la Complémentaire santé solidaire avec participation"
    ),
    "not_eligible": "probablement pas éligible à la Complémentaire santé solidaire",
}

# A base within this share of a ceiling is "close": the CPAM's exact count of resources may tip
# the verdict (docs/interpretations.md I-56: a screening choice, not a rule of law).
NEAR_CEILING_BP = 500

SRC_HOUSEHOLD = "R861-2 CSS (composition du foyer) ; regulation.md §3.3"
SRC_CEILINGS = "L861-1 1° et R861-3 CSS (plafond selon la taille du foyer) ; regulation.md §3.1"
SRC_PARTICIPATION_CEILING = "L861-1 2° CSS (plafond majoré de 35 %) ; regulation.md §3.1"
SRC_FORFAIT_NO_AID = "R861-5 CSS (forfait logement, propriétaire ou logé gratuitement)"
SRC_FORFAIT_AID = "R861-7 CSS (forfait logement, aide au logement, dans la limite de l'aide)"
SRC_PARTICIPATION = (
    "L861-1 2° CSS ; arrêté fixant la participation selon l'âge au 1er janvier "
    "(regulation.md §3.2) ; docs/interpretations.md I-55"
)
SRC_RSA = (
    "openfisca-france, variable cmu_c (bénéficiaire du RSA : CSS sans participation) ; "
    "regulation.md §3.4"
)
SRC_RESOURCES_PERIOD = "regulation.md §3.4 (douze mois précédant l'avant-dernier mois) [S]"
SRC_SCREENING = "Convention de partenariat art. 2.3 (seed l. 1917) : repérer et orienter"


@dataclass(frozen=True)
class Orientation:
    """Where and how to apply."""

    label: str
    detail: str
    source: str


@dataclass(frozen=True)
class MemberScreening:
    member: CssMember
    age: int  # on the date of the application
    age_on_1_january: int  # sets the participation band
    counted: bool  # in the CSS household (R861-2)
    band: ParticipationBand | None  # None when not counted
    monthly_participation_cents: int  # 0 when not counted
    reason: str  # why counted or not


@dataclass(frozen=True)
class CssResult:
    date: dt.date
    verdict: Verdict
    monthly_participation_cents: int
    ceiling_free_cents: int
    ceiling_participation_cents: int
    household_size: int
    members: tuple[MemberScreening, ...]
    resources_cents: int
    housing: str
    housing_flat_amount_cents: int
    compared_resources_cents: int
    resources_period: tuple[dt.date, dt.date]  # first day of the first and last months
    steps: tuple[Step, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]
    where_to_apply: tuple[Orientation, ...]
    parameters: CssParameters

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]

    @property
    def parameters_since(self) -> dt.date:
        return self.parameters.ceilings.since

    @property
    def parameters_valid_on(self) -> dt.date:
        return self.parameters.valid_on


WHERE_TO_APPLY: tuple[Orientation, ...] = (
    Orientation(
        "En ligne sur ameli.fr",
        "depuis le compte ameli, rubrique « Complémentaire santé solidaire » : demande en "
        "ligne et simulateur officiel.",
        "regulation.md §3 ; complementaire-sante-solidaire.gouv.fr [S]",
    ),
    Orientation(
        "À la CPAM de l'Isère",
        "formulaire de demande de Complémentaire santé solidaire, à déposer ou envoyer avec les "
        "justificatifs de ressources des 12 mois ; la CPAM décide et fixe la date d'effet.",
        "regulation.md §3 ; la caisse d'assurance maladie du lieu de résidence",
    ),
    Orientation(
        "Aux permanences de la Mutuelle Entrenous",
        "aide à constituer le dossier ; la mutuelle oriente vers les structures compétentes.",
        SRC_SCREENING,
    ),
    Orientation(
        "Au CCAS et aux services d'accès aux droits de la Ville de Grenoble",
        "accompagnement de l'accès aux droits en santé, en lien avec la mutuelle.",
        SRC_SCREENING,
    ),
)


def dependant_counted(member: CssMember, on: dt.date, age_limit: int) -> bool:
    """R861-2: the applicant, the spouse, and dependants *under* ``age_limit`` on ``on``."""
    if member.role != "child":
        return True
    return age_on(member.birth_date, on) < age_limit


def participation_band(params: CssParameters, age: int) -> ParticipationBand:
    for band in params.participation_bands:
        if band.contains(max(age, 0)):
            return band
    raise ValueError(f"no participation band for age {age}")  # the loader checks the cover


def resources_period(on: dt.date) -> tuple[dt.date, dt.date]:
    """The 12 months before the second-to-last month: application in April 2025 → March 2024 …
    February 2025 (regulation.md §3.4 [S])."""
    first_of_month = on.replace(day=1)
    return add_months(first_of_month, -13), add_months(first_of_month, -2)


def forfait_logement(
    params: CssParameters, persons: int, housing: str, aid_monthly_cents: int | None
) -> tuple[int, tuple[Step, ...]]:
    """The annual flat housing amount (cents) added to resources, and how it was computed.

    Monthly: the RSA amount of a household of this size (1, 2, 3 or more persons; each product
    rounded half up to the cent), times the rate for the size; annual: 12 × the monthly amount;
    with a housing aid, at most 12 × the aid actually received (docs/interpretations.md I-53).
    """
    if housing == "tenant":
        return 0, (
            Said(
                "Locataire sans aide au logement : pas de forfait logement ajouté aux ressources.",
                Cited.outside(
                    f"{SRC_FORFAIT_NO_AID} ; {SRC_FORFAIT_AID} (a contrario)",
                    "Code de la sécurité sociale, art. R861-5 et R861-7",
                ),
                "css.forfait_logement",
            ),
        )
    fl = params.forfait_logement
    idx = min(persons, 3) - 1
    factor = fl.rsa_factors_bp[idx]
    rsa_household = apply_rate(fl.rsa_base.value, factor.value)
    with_aid = housing == "tenant_with_housing_aid"
    rate = (fl.rates_with_aid if with_aid else fl.rates_without_aid)[idx]
    monthly = apply_rate(rsa_household, rate.value)
    annual = 12 * monthly
    size = {0: "1 personne", 1: "2 personnes", 2: "3 personnes ou plus"}[idx]
    source = SRC_FORFAIT_AID if with_aid else SRC_FORFAIT_NO_AID
    steps = [
        Said(
            f"Montant forfaitaire du RSA pour {size} : {format_euros(fl.rsa_base.value)} × "
            f"{format_rate(factor.value)} = {format_euros(rsa_household)} par mois.",
            Cited.outside(
                f"{fl.rsa_base.source} ; {factor.source}",
                "Code de la sécurité sociale, art. R861-5 ; montant forfaitaire du RSA",
            ),
            "css.forfait_logement",
        ),
        Said(
            f"Forfait logement ({HOUSING_LABELS[housing]}, {size}) : "
            f"{format_rate(rate.value)} de {format_euros(rsa_household)} = "
            f"{format_euros(monthly)} par mois, soit {format_euros(annual)} sur 12 mois.",
            Cited.outside(
                f"{source} ; {rate.source}",
                "Code de la sécurité sociale, art. R861-7"
                if with_aid
                else "Code de la sécurité sociale, art. R861-5",
            ),
            "css.forfait_logement",
        ),
    ]
    if with_aid and aid_monthly_cents is not None and 12 * aid_monthly_cents < annual:
        annual = 12 * aid_monthly_cents
        steps.append(
            Said(
                f"Limité à l'aide au logement perçue : 12 × {format_euros(aid_monthly_cents)} = "
                f"{format_euros(annual)}.",
                Cited.outside(SRC_FORFAIT_AID, "Code de la sécurité sociale, art. R861-7"),
                "css.forfait_logement",
            )
        )
    return annual, tuple(steps)


def _verdict(compared: int, ceiling_free: int, ceiling_part: int) -> Verdict:
    if compared <= ceiling_free:
        return "free"
    if compared <= ceiling_part:
        return "with_participation"
    return "not_eligible"


def screen(params: CssParameters, household: CssHousehold) -> CssResult:
    """Screen ``household`` with ``params`` (read for the same date)."""
    check_household(household)
    if params.on != household.date:
        raise ValueError(
            f"parameters read for {params.on.isoformat()}, household dated "
            f"{household.date.isoformat()}: load the parameters for the household's date"
        )
    on = household.date
    jan1 = dt.date(on.year, 1, 1)
    age_limit = params.dependant_age_limit.value
    steps: list[Step] = []
    notes: list[str] = []
    warnings: list[str] = []

    # 1. Who counts (R861-2).
    members: list[MemberScreening] = []
    for m in household.members:
        age = age_on(m.birth_date, on)
        age_jan = max(age_on(m.birth_date, jan1), 0)
        counted = dependant_counted(m, on, age_limit)
        band = participation_band(params, age_jan) if counted else None
        if m.role == "adherent":
            reason = "la personne qui demande"
        elif m.role == "spouse":
            reason = "conjoint, partenaire de PACS ou concubin"
        elif counted:
            reason = f"personne à charge de moins de {age_limit} ans ({age} ans)"
        else:
            reason = (
                f"{age} ans : pas comptée (personnes à charge de moins de {age_limit} ans "
                "seulement) ; elle peut faire sa propre demande"
            )
        members.append(
            MemberScreening(
                member=m,
                age=age,
                age_on_1_january=age_jan,
                counted=counted,
                band=band,
                monthly_participation_cents=band.monthly.value if band else 0,
                reason=reason,
            )
        )
    size = sum(1 for ms in members if ms.counted)
    excluded = [ms for ms in members if not ms.counted]
    steps.append(
        Said(
            f"Foyer CSS : {size} personne{'s' if size > 1 else ''} "
            f"({', '.join(f'{ms.member.label} ({ms.age} ans)' for ms in members if ms.counted)}).",
            Cited.outside(
                f"{SRC_HOUSEHOLD} ; {params.dependant_age_limit.source}",
                "Code de la sécurité sociale, art. R861-2",
            ),
            "css.household",
        )
    )
    for ms in excluded:
        notes.append(
            f"{ms.member.label} ({ms.age} ans) n'est pas compté(e) dans le foyer CSS : seules les "
            f"personnes à charge de moins de {age_limit} ans le sont (R861-2). Ne comptez pas "
            "ses ressources ; elle peut faire sa propre demande."
        )
    adults = [ms for ms in members if ms.member.role != "child"]
    if all(ms.age < age_limit for ms in adults) and size == len(adults):
        notes.append(
            f"Demandeur de moins de {age_limit} ans sans enfant : il ne forme son propre foyer que "
            "s'il ne vit pas chez ses parents, n'est pas rattaché à leur foyer fiscal et ne reçoit "
            "pas de pension alimentaire ; sinon il est compté dans le foyer de ses parents "
            "(R861-2, regulation.md §3.3)."
        )

    # 2. Ceilings of the published table for that size.
    table = params.ceilings
    ceiling_free = table.ceiling_free(size)
    ceiling_part = table.ceiling_participation(size)
    steps.append(
        Said(
            f"Plafond annuel pour {size} personne{'s' if size > 1 else ''} (barème en vigueur du "
            f"{table.since:%d/%m/%Y}) : {format_euros(ceiling_free)} pour la CSS sans "
            f"participation, {format_euros(ceiling_part)} pour la CSS avec participation.",
            Cited.outside(
                f"{SRC_CEILINGS} ; {SRC_PARTICIPATION_CEILING} ; {table.source}",
                "Code de la sécurité sociale, art. L861-1 et R861-3",
            ),
            "css.ceilings",
        )
    )

    # 3. Resources compared = resources + flat housing amount.
    start, end = resources_period(on)
    forfait, forfait_steps = forfait_logement(
        params, size, household.housing, household.housing_aid_monthly_cents
    )
    steps.extend(forfait_steps)
    compared = household.resources_cents + forfait
    steps.append(
        Said(
            f"Ressources comparées : {format_euros(household.resources_cents)} (12 mois, de "
            f"{start:%m/%Y} à {end:%m/%Y}) + forfait logement {format_euros(forfait)} = "
            f"{format_euros(compared)}.",
            Cited.outside(
                f"{SRC_RESOURCES_PERIOD} ; R861-5 et R861-7 CSS",
                "Code de la sécurité sociale, art. R861-5 et R861-7",
            ),
            "css.resources",
        )
    )

    # 4. Verdict.
    verdict = _verdict(compared, ceiling_free, ceiling_part)
    if household.receives_rsa:
        verdict = "free"
        steps.append(
            Said(
                "Bénéficiaire du RSA : droit à la CSS sans participation, quelles que soient les "
                "ressources déclarées ici.",
                Cited.outside(
                    SRC_RSA, "Code de la sécurité sociale, art. L861-1 (bénéficiaires du RSA)"
                ),
                "css.rsa",
            )
        )
    elif verdict == "free":
        steps.append(
            Said(
                f"{format_euros(compared)} ≤ {format_euros(ceiling_free)} : CSS sans "
                "participation.",
                Cited.outside(SRC_CEILINGS, "Code de la sécurité sociale, art. L861-1"),
                "css.verdict",
            )
        )
    elif verdict == "with_participation":
        steps.append(
            Said(
                f"{format_euros(ceiling_free)} < {format_euros(compared)} ≤ "
                f"{format_euros(ceiling_part)} : CSS avec participation.",
                Cited.outside(
                    SRC_PARTICIPATION_CEILING, "Code de la sécurité sociale, art. L861-1 2°"
                ),
                "css.verdict",
            )
        )
    else:
        steps.append(
            Said(
                f"{format_euros(compared)} > {format_euros(ceiling_part)} : au-dessus des deux "
                "plafonds.",
                Cited.outside(
                    SRC_PARTICIPATION_CEILING, "Code de la sécurité sociale, art. L861-1 2°"
                ),
                "css.verdict",
            )
        )

    participation = 0
    if verdict == "with_participation":
        parts = [ms for ms in members if ms.counted]
        participation = sum(ms.monthly_participation_cents for ms in parts)
        detail = ", ".join(
            f"{ms.member.label} ({ms.age_on_1_january} ans au 1er janvier : "
            f"{format_euros(ms.monthly_participation_cents)})"
            for ms in parts
        )
        steps.append(
            Said(
                f"Participation mensuelle : {detail} = {format_euros(participation)} par mois.",
                Cited.outside(
                    f"{SRC_PARTICIPATION} ; "
                    + " ; ".join(sorted({ms.band.monthly.source for ms in parts if ms.band})),
                    "Code de la sécurité sociale, art. L861-1 2° (participation selon l'âge)",
                ),
                "css.participation",
            )
        )

    # 5. What a person at the desk must know.
    if household.housing == "tenant_with_housing_aid" and (
        household.housing_aid_monthly_cents is None
    ):
        notes.append(
            "Montant de l'aide au logement non indiqué : le forfait logement est compté en "
            "entier ; il est limité à l'aide réellement perçue si elle est plus faible "
            "(R861-7, champ housing_aid_monthly_cents)."
        )
        lowest = _verdict(household.resources_cents, ceiling_free, ceiling_part)
        if lowest != verdict and not household.receives_rsa:
            warnings.append(
                "Le résultat dépend du montant de l'aide au logement : sans forfait logement, ce "
                f"serait « {VERDICT_LABELS[lowest]} ». Indiquez l'aide mensuelle perçue."
            )
    if not household.receives_rsa:
        for name, ceiling in (("sans participation", ceiling_free), ("avec", ceiling_part)):
            if abs(compared - ceiling) <= mul_div_round(ceiling, NEAR_CEILING_BP, BP_PER_UNIT):
                notes.append(
                    f"Les ressources comparées sont à {format_euros(abs(compared - ceiling))} du "
                    f"plafond {name} : la CPAM compte les ressources au centime près, sur "
                    "justificatifs ; en cas de doute, faire la demande."
                )
                break
    notes.append(
        "Plafonds de métropole (Grenoble) ; les départements d'outre-mer ont des plafonds "
        "majorés, non traités ici."
    )
    if params.outdated:
        warnings.append(
            f"Les plafonds installés sont ceux du {table.since:%d/%m/%Y}, valables jusqu'au "
            f"{params.valid_on:%d/%m/%Y} ; ils sont revalorisés chaque 1er avril et ceux "
            f"applicables au {on:%d/%m/%Y} ne sont pas installés : résultat indicatif, à "
            "vérifier sur ameli.fr."
        )
    notes.append(
        "Ceci est un repérage, pas une décision : seule la caisse d'assurance maladie décide, "
        "sur les justificatifs de ressources."
    )

    return CssResult(
        date=on,
        verdict=verdict,
        monthly_participation_cents=participation,
        ceiling_free_cents=ceiling_free,
        ceiling_participation_cents=ceiling_part,
        household_size=size,
        members=tuple(members),
        resources_cents=household.resources_cents,
        housing=household.housing,
        housing_flat_amount_cents=forfait,
        compared_resources_cents=compared,
        resources_period=(start, end),
        steps=tuple(steps),
        warnings=tuple(warnings),
        notes=tuple(notes),
        where_to_apply=WHERE_TO_APPLY if verdict != "not_eligible" else WHERE_TO_APPLY[:1],
        parameters=params,
    )
