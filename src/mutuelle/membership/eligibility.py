"""Who may join a range: règlement I-2, convention art. 1 and 2.1 (TNS art. 4.1).

Every condition is checked and reported, not only the first that fails, so staff can tell an
applicant everything that is missing at once. The convention's guarantees (no entry fee, no
waiting period, no health questionnaire, no age limit) are stated in every answer: the system
has no such barrier to apply.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mutuelle.dates import age_on
from mutuelle.explain import Cited, Said, Step
from mutuelle.membership.common import rules_of
from mutuelle.offers.membership_rules import Link as LinkId
from mutuelle.offers.model import Offer
from mutuelle.vocabulary import Link

LINK_LABELS: dict[str, str] = {link.value: link.label for link in Link}


@dataclass(frozen=True)
class Applicant:
    """The facts an adhesion request states (bulletin d'adhésion and its justificatifs)."""

    birth_date: dt.date
    links: tuple[LinkId, ...]  # ties to the town (convention art. 1)
    amo_affiliated: bool = True  # French compulsory health insurance
    resides_in_france: bool = True
    mandatory_collective_cover: bool = False  # covered by a compulsory company contract
    debt_to_mutual: bool = False  # unpaid dues of a former adhesion
    higher_education: bool = False  # students' range
    dependants: int = 0  # persons the applicant wants to cover besides themself


@dataclass(frozen=True)
class EligibilityResult:
    """``failures`` carry their rule ids (``eligibility.age``, ``eligibility.amo_residence``,
    ``eligibility.link``, ``eligibility.mandatory_cover``, ``eligibility.debt``,
    ``eligibility.student``): a form shows each beside its field by that id."""

    eligible: bool
    failures: tuple[Step, ...]  # every condition not met
    steps: tuple[Step, ...]  # every condition checked, met or not, and the guarantees


def check_eligibility(
    offer: Offer, range_id: str, applicant: Applicant, on: dt.date
) -> EligibilityResult:
    r = rules_of(offer, range_id).eligibility
    failures: list[Step] = []
    steps: list[Step] = []

    def check(ok: bool, yes: str, no: str, source: Cited, rule_id: str) -> None:
        step = Said(yes if ok else no, source, rule_id)
        steps.append(step)
        if not ok:
            failures.append(step)

    age = age_on(applicant.birth_date, on)
    check(
        age >= r.min_age,
        f"Âge : {age} ans le {on:%d/%m/%Y}, au moins {r.min_age} ans requis.",
        f"Âge : {age} ans le {on:%d/%m/%Y} ; il faut avoir au moins {r.min_age} ans pour adhérer.",
        offer.citation(r.min_age_source),
        "eligibility.age",
    )
    check(
        applicant.amo_affiliated and applicant.resides_in_france,
        "Assuré-e d'un régime obligatoire français et résidant en France.",
        "Il faut être assuré-e d'un régime obligatoire d'Assurance Maladie français et "
        "résider en France.",
        offer.citation(r.amo_and_residence),
        "eligibility.amo_residence",
    )
    links = [link for link in applicant.links if link in r.links]
    wanted = ", ".join(LINK_LABELS[link] for link in r.links)
    check(
        bool(links),
        f"Lien avec la commune : {', '.join(LINK_LABELS[link] for link in links)}.",
        f"Cette gamme est ouverte aux personnes qui : {wanted}. Condition de la gamme : "
        f"{r.range_condition}.",
        offer.citation(r.range_condition_source if len(r.links) == 1 else r.public),
        "eligibility.link",
    )
    check(
        not applicant.mandatory_collective_cover,
        "Pas de complémentaire santé collective obligatoire.",
        "Une personne couverte par une complémentaire santé collective obligatoire (contrat "
        "d'entreprise) n'entre pas dans le dispositif.",
        offer.citation(r.no_mandatory_cover),
        "eligibility.mandatory_cover",
    )
    if r.no_debt is not None:
        check(
            not applicant.debt_to_mutual,
            "Aucune dette envers la Mutuelle au titre d'une adhésion antérieure.",
            "Une dette envers la Mutuelle au titre d'une adhésion antérieure doit être réglée "
            "avant toute nouvelle adhésion.",
            offer.citation(r.no_debt),
            "eligibility.debt",
        )
    if r.student_without_dependants:
        check(
            applicant.higher_education and applicant.dependants == 0,
            "Étudiant-e inscrit-e dans l'enseignement supérieur, sans ayant droit.",
            "Le tarif étudiant est réservé à l'étudiant-e inscrit-e dans un établissement "
            "d'enseignement supérieur qui adhère sans ayant droit (attestation d'inscription "
            "à joindre) ; avec des ayants droit, adhérer dans la gamme Particuliers.",
            offer.citation(r.range_condition_source),
            "eligibility.student",
        )
    steps.append(
        Said(
            "Aucun droit d'entrée, aucun délai d'attente ou de carence, aucuns frais de dossier, "
            "aucun questionnaire de santé, aucune limite d'âge.",
            offer.citation(r.no_barriers),
            "eligibility.no_barriers",
        )
    )
    return EligibilityResult(not failures, tuple(failures), tuple(steps))
