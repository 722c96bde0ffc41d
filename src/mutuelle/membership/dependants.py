"""Dependants (ayants droit): who they are, when their cover starts and ends.

Règlement particuliers and agents: Définitions (Ayants droit), I-7-2, I-7-3; TNS conditions
art. 4.5, 7.4 and Lexique. Readings: docs I-34 (later additions), I-35 (two months at a month
end), I-36 (the age limits, assessed on 1 January). A dependant's cover never starts before
the member's and never outlives the adhesion (see :func:`clamp_to_adhesion`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from mutuelle.dates import add_months, add_years, age_on, first_of_next_month
from mutuelle.explain import Said, Step
from mutuelle.membership.common import Dated, Refused, december_31, fr, range_of, rules_of
from mutuelle.offers.model import Offer
from mutuelle.refusal import Code

DependantRole = Literal["spouse", "child"]
Event = Literal["birth", "marriage", "adoption"]

EVENT_LABELS = {"birth": "naissance", "marriage": "mariage", "adoption": "adoption"}
PROOFS = ("studies", "job_seeker", "apprentice", "low_income")


@dataclass(frozen=True)
class Dependant:
    role: DependantRole
    birth_date: dt.date
    proof: str | None = None  # for a child of 21 to 27 on 1 January (studies, job_seeker…)
    disabled: bool = False  # disabled before 18, "carte mobilité inclusion" invalidité


def age_limit_end(offer: Offer, range_id: str, dep: Dependant) -> Dated | None:
    """Last day a child is a dependant by age alone (None: no age limit — spouse, disabled).

    A child is a dependant in a year when, on 1 January of that year, they are under 21, or
    under 28 with a proof (docs I-36): the last such year ends on 31 December.
    """
    if dep.role != "child":
        return None
    rng = range_of(offer, range_id)
    c = rng.pricing.children
    m = rules_of(offer, range_id).dependants
    if dep.disabled and c.disabled_any_age:
        return None
    limit = c.max_age_with_proof if dep.proof in c.proofs else c.max_age_without_proof
    reach = add_years(dep.birth_date, limit)  # the birthday of the limit age
    last_year = reach.year - 1 if (reach.month, reach.day) == (1, 1) else reach.year
    end = december_31(last_year)
    if limit == c.max_age_with_proof:
        why = (
            f"avec justificatif, un enfant reste ayant droit tant qu'il a moins de {limit} ans au "
            f"1er janvier : dernière année {last_year} ; au-delà il doit adhérer comme membre "
            "participant"
        )
        src = offer.citation(m.over_age_source)
    else:
        why = (
            f"sans justificatif, un enfant reste ayant droit tant qu'il a moins de {limit} ans au "
            f"1er janvier : dernière année {last_year} (de {c.max_age_without_proof} à "
            f"{c.max_age_with_proof - 1} ans, un justificatif d'études, de recherche d'un premier "
            "emploi, d'apprentissage ou de revenus inférieurs au RSA prolonge la qualité "
            "d'ayant droit)"
        )
        src = offer.citation(c.source)
    return Dated(
        end, (Said(f"Enfant né le {fr(dep.birth_date)} : {why}.", src, "membership.age_limit_end"),)
    )


def check_dependant(offer: Offer, range_id: str, dep: Dependant, on: dt.date) -> tuple[Step, ...]:
    """Refuse a person who is not a dependant in the year of ``on``; else say until when."""
    rng = range_of(offer, range_id)
    c = rng.pricing.children
    m = rules_of(offer, range_id)
    if m.eligibility.student_without_dependants:
        raise Refused(
            "la cotisation étudiante est réservée au membre participant sans ayant droit : "
            "pour couvrir un conjoint ou un enfant, l'adhésion doit relever de la gamme "
            "Particuliers",
            offer.citation(m.eligibility.range_condition_source),
            code=Code.STUDENT_DEPENDANTS,
        )
    if dep.birth_date > on:
        raise Refused(
            f"date de naissance {fr(dep.birth_date)} postérieure au {fr(on)}", code=Code.DEPENDANT
        )
    if dep.role == "spouse":
        return (
            Said(
                "Conjoint : marié-e non séparé-e de corps, partenaire de PACS ou concubin-e "
                "(même domicile fiscal) ; justificatif de la qualité de conjoint à joindre.",
                offer.citation(c.source),
                "membership.check_dependant",
            ),
        )
    if dep.proof is not None and dep.proof not in c.proofs:
        raise Refused(
            f"justificatif inconnu {dep.proof!r} (attendu : {', '.join(c.proofs)})",
            code=Code.DEPENDANT_PROOF,
        )
    end = age_limit_end(offer, range_id, dep)
    if end is None:
        return (
            Said(
                "Enfant atteint d'une infirmité survenue avant 18 ans (carte mobilité inclusion "
                "« invalidité ») : ayant droit quel que soit son âge.",
                offer.citation(c.source),
                "membership.check_dependant",
            ),
        )
    if end.date < on:
        age = age_on(dep.birth_date, dt.date(on.year, 1, 1))
        if dep.proof is None and age < c.max_age_with_proof:
            raise Refused(
                f"enfant de {age} ans au 1er janvier {on.year} : de {c.max_age_without_proof} à "
                f"{c.max_age_with_proof - 1} ans, il n'est ayant droit qu'avec un justificatif "
                "(études, recherche d'un premier emploi, apprentissage, revenus inférieurs au RSA)",
                offer.citation(c.source),
                code=Code.DEPENDANT_PROOF,
            )
        raise Refused(
            f"enfant de {age} ans au 1er janvier {on.year} : au-delà de "
            f"{c.max_age_with_proof - 1} ans il n'est plus ayant droit et doit adhérer comme "
            "membre participant",
            offer.citation(m.dependants.over_age_source),
            code=Code.DEPENDANT_AGE,
        )
    return end.steps


def dependant_start(
    offer: Offer,
    range_id: str,
    *,
    member_start: dt.date,
    received_on: dt.date,
    with_adhesion: bool = False,
    event: Event | None = None,
    event_date: dt.date | None = None,
) -> Dated:
    """When a dependant's cover starts (I-7-2; TNS art. 4.5; docs I-34, I-35).

    ``received_on``: the day the Mutuelle receives the request (avenant and justificatifs).
    """
    m = rules_of(offer, range_id).dependants
    if with_adhesion:
        return Dated(
            member_start,
            (
                Said(
                    "Affilié en même temps que le membre participant : mêmes garanties, même "
                    f"date d'effet, le {fr(member_start)}.",
                    offer.citation(m.event_source),
                    "membership.dependant_start",
                ),
            ),
        )
    steps: list[Step] = []
    d: dt.date | None = None
    if event is not None:
        if event_date is None:
            raise Refused(
                f"indiquez la date de l'événement ({EVENT_LABELS[event]})",
                code=Code.DEPENDANT_EVENT,
            )
        window_end = add_months(event_date, m.event_window_months)
        label = EVENT_LABELS[event]
        what = label.capitalize()
        if event_date < member_start:
            steps.append(
                Said(
                    f"{what} du {fr(event_date)} antérieur(e) à l'adhésion : la règle des "
                    "deux mois ne joue pas.",
                    offer.citation(m.event_source),
                    "membership.dependant_start",
                )
            )
        elif received_on <= window_end:
            d = event_date
            steps.append(
                Said(
                    f"{what} le {fr(event_date)}, demande reçue le {fr(received_on)}, "
                    f"dans les {m.event_window_months} mois (jusqu'au {fr(window_end)}) : les "
                    f"garanties prennent effet dès le jour de l'événement, le {fr(event_date)}.",
                    offer.citation(m.event_source),
                    "membership.dependant_start",
                )
            )
        else:
            steps.append(
                Said(
                    f"{what} le {fr(event_date)}, demande reçue le {fr(received_on)}, "
                    f"après le délai de {m.event_window_months} mois (fin le {fr(window_end)}) : "
                    "la date d'effet suit la règle générale.",
                    offer.citation(m.event_source),
                    "membership.dependant_start",
                )
            )
    if d is None:
        src = offer.citation(m.later_addition_source)
        if m.later_addition == "day_after_reception":
            d = received_on + dt.timedelta(days=1)
            steps.append(
                Said(
                    f"Demande reçue le {fr(received_on)} : les garanties prennent effet le "
                    f"lendemain, le {fr(d)}.",
                    src,
                    "membership.dependant_start",
                )
            )
        elif received_on.day < 15:
            d = received_on.replace(day=1)
            steps.append(
                Said(
                    f"Demande reçue le {fr(received_on)}, avant le 15 du mois : effet au 1er du "
                    f"mois en cours, le {fr(d)}.",
                    src,
                    "membership.dependant_start",
                )
            )
        else:
            d = first_of_next_month(received_on)
            steps.append(
                Said(
                    f"Demande reçue le {fr(received_on)}, à partir du 15 du mois : effet au 1er "
                    f"du mois suivant, le {fr(d)}.",
                    src,
                    "membership.dependant_start",
                )
            )
    if d < member_start:
        steps.append(
            Said(
                f"Un ayant droit n'est jamais couvert avant le membre participant : effet reporté "
                f"au {fr(member_start)}.",
                offer.citation(m.event_source),
                "membership.dependant_start",
            )
        )
        d = member_start
    return Dated(d, tuple(steps))


def end_when_conditions_stop(offer: Offer, range_id: str, *, event_date: dt.date) -> Dated:
    """The dependant no longer meets the conditions (divorce, end of studies…) on a date."""
    m = rules_of(offer, range_id).dependants
    src = offer.citation(m.ends_source)
    if m.ends == "on_date":
        return Dated(
            event_date,
            (
                Said(
                    f"Les conditions cessent d'être remplies le {fr(event_date)} : l'affiliation "
                    "cesse à cette date.",
                    src,
                    "membership.end_when_conditions_stop",
                ),
            ),
        )
    d = december_31(event_date.year)
    return Dated(
        d,
        (
            Said(
                f"Les conditions cessent d'être remplies le {fr(event_date)} : la qualité "
                f"d'ayant droit se poursuit jusqu'au 31 décembre de cette année, le {fr(d)} "
                "à minuit.",
                src,
                "membership.end_when_conditions_stop",
            ),
        ),
    )


def resignation_end(offer: Offer, range_id: str, *, received_on: dt.date) -> Dated:
    """The member removes a dependant: 31 December, with two months' notice (docs I-38)."""
    m = rules_of(offer, range_id).dependants
    year = received_on.year
    if received_on > add_months(december_31(year), -m.resignation_notice_months):
        year += 1
    d = december_31(year)
    deadline = add_months(december_31(year), -m.resignation_notice_months)
    return Dated(
        d,
        (
            Said(
                f"Demande reçue le {fr(received_on)} : résiliation de l'affiliation au 31 "
                f"décembre avec un préavis de {m.resignation_notice_months} mois (demande reçue "
                f"au plus tard le {fr(deadline)}), soit le {fr(d)} à minuit.",
                offer.citation(m.resignation_source),
                "membership.resignation_end",
            ),
        ),
    )


def mandatory_cover_end(
    offer: Offer, range_id: str, *, received_on: dt.date, abroad: bool = False
) -> Dated:
    """A dependant joins a compulsory collective contract (or, in TNS, leaves for abroad)."""
    m = rules_of(offer, range_id).dependants
    if abroad and m.abroad_source is None:
        raise Refused(
            "le règlement de cette gamme ne prévoit pas de résiliation en cours d'année pour un "
            "départ à l'étranger",
            offer.citation(m.resignation_source),
            code=Code.DEPENDANT,
        )
    src = m.abroad_source if abroad and m.abroad_source else m.mandatory_cover_source
    d = first_of_next_month(received_on)
    why = "départ à l'étranger de plus de trois mois" if abroad else "contrat collectif obligatoire"
    return Dated(
        d,
        (
            Said(
                f"{why.capitalize()}, demande (avec justificatif) reçue le {fr(received_on)} : "
                f"l'affiliation cesse le 1er jour du mois suivant, le {fr(d)}.",
                offer.citation(src),
                "membership.mandatory_cover_end",
            ),
        ),
    )


def clamp_to_adhesion(
    start: dt.date, end: dt.date | None, adhesion_start: dt.date, adhesion_end: dt.date | None
) -> tuple[dt.date, dt.date | None]:
    """An affiliation is "indissociable et indivisible" of the adhesion (I-7-1): it starts no
    earlier and ends no later. Returns the clamped (start, end)."""
    s = max(start, adhesion_start)
    ends = [e for e in (end, adhesion_end) if e is not None]
    e = min(ends) if ends else None
    return s, e
