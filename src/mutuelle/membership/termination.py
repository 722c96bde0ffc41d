"""End of an adhesion (Règlement particuliers and agents I-11; TNS art. 7), docs I-38 to I-40.

Every path returns the adhesion's **last covered day** (docs I-40: the date on which the text
says the termination takes effect, « au 31 décembre à minuit », « un mois après la réception »,
« la veille de la date d'effet » of the CSS, the date of death…). Care after that day gives no
benefit; contributions are due up to that day and what was paid beyond it is refunded
(I-11-6 Conséquences de la cessation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mutuelle.dates import add_months, add_years, days_in_month, first_of_next_month
from mutuelle.explain import Said, Step
from mutuelle.journal import ContributionPeriod
from mutuelle.membership.common import Refused, december_31, fr, rules_of
from mutuelle.membership.prorata import due_for_period, share_until
from mutuelle.money import Cents, format_euros
from mutuelle.offers.model import Offer
from mutuelle.refusal import Code
from mutuelle.vocabulary import TERMINATION_PATHS

Path = Literal[
    "annual",
    "late_notice",
    "infra_annual",
    "situation_change",
    "css",
    "mandatory_collective",
    "death",
    "category_loss",
    "unpaid",
    "renunciation",
]

PATH_LABELS: dict[str, str] = {p.value: p.phrase for p in TERMINATION_PATHS}


@dataclass(frozen=True)
class Termination:
    path: Path
    last_covered_day: dt.date
    refund_cents: Cents | None  # None when the facts to compute it are not given
    refund_by: dt.date | None  # None when the text fixes no delay
    steps: tuple[Step, ...]

    @property
    def label(self) -> str:
        return PATH_LABELS[self.path]


def _anniversary(start: dt.date, signed_on: dt.date | None, years: int) -> dt.date:
    first = min(start, signed_on) if signed_on else start
    return add_years(first, years)


def _annual(offer: Offer, range_id: str, received_on: dt.date) -> tuple[dt.date, Step]:
    t = rules_of(offer, range_id).termination
    deadline = dt.date(received_on.year, t.annual_deadline_month, t.annual_deadline_day)
    year = received_on.year if received_on <= deadline else received_on.year + 1
    end = december_31(year)
    if year == received_on.year:
        text = (
            f"Dénonciation reçue le {fr(received_on)}, au plus tard le {fr(deadline)} (deux mois "
            f"avant l'échéance annuelle) : fin de l'adhésion le {fr(end)} à minuit."
        )
    else:
        text = (
            f"Dénonciation reçue le {fr(received_on)}, après le {fr(deadline)} : trop tard pour "
            f"l'échéance de cette année ; fin de l'adhésion à l'échéance suivante, le {fr(end)}."
        )
    return end, Said(text, offer.citation(t.annual_source), "membership.annual")


def member_termination(
    offer: Offer,
    range_id: str,
    *,
    received_on: dt.date,
    adhesion_start: dt.date,
    signed_on: dt.date | None = None,
    notice_sent_on: dt.date | None = None,
) -> tuple[Termination, tuple[Termination, ...]]:
    """A member asks to end the adhesion (letter received on ``received_on``).

    Returns the path ending cover soonest, and every other path open to the member.
    ``notice_sent_on``: the date the annual avis d'échéance was sent, when known.
    """
    t = rules_of(offer, range_id).termination
    options: list[Termination] = []
    end, step = _annual(offer, range_id, received_on)
    options.append(Termination("annual", end, None, None, (step,)))

    if (
        notice_sent_on is not None
        and t.late_notice_days is not None
        and t.late_notice_source is not None
        and t.late_notice_after_month is not None
        and t.late_notice_after_day is not None
    ):
        after = dt.date(notice_sent_on.year, t.late_notice_after_month, t.late_notice_after_day)
        limit = notice_sent_on + dt.timedelta(days=t.late_notice_days)
        if notice_sent_on > after and notice_sent_on <= received_on <= limit:
            end = december_31(notice_sent_on.year)
            options.append(
                Termination(
                    "late_notice",
                    end,
                    None,
                    None,
                    (
                        Said(
                            f"Avis d'échéance envoyé le {fr(notice_sent_on)}, après le "
                            f"{fr(after)} ; dénonciation reçue le {fr(received_on)}, dans les "
                            f"{t.late_notice_days} jours (jusqu'au {fr(limit)}) : fin de "
                            f"l'adhésion le {fr(end)} à minuit.",
                            offer.citation(t.late_notice_source),
                            "membership.member_termination",
                        ),
                    ),
                )
            )

    opens = _anniversary(adhesion_start, signed_on, t.infra_annual_after_years)
    src = offer.citation(t.infra_annual_source)
    if received_on >= opens:
        end = add_months(received_on, t.infra_annual_effect_months)
        refund_by = end + dt.timedelta(days=t.infra_annual_refund_days)
        options.append(
            Termination(
                "infra_annual",
                end,
                None,
                refund_by,
                (
                    Said(
                        f"Plus d'un an depuis la première souscription (depuis le {fr(opens)}) : "
                        f"la dénonciation reçue le {fr(received_on)} prend effet un mois après, "
                        f"le {fr(end)}, sans frais ni pénalités.",
                        src,
                        "membership.member_termination",
                    ),
                    Said(
                        f"Le solde des cotisations de la période non couverte est remboursé dans "
                        f"les 30 jours, au plus tard le {fr(refund_by)}.",
                        src,
                        "membership.member_termination",
                    ),
                ),
            )
        )
    best = min(options, key=lambda o: (o.last_covered_day, o.path != "annual"))
    others = tuple(o for o in options if o is not best)
    if best.path != "infra_annual" and received_on < opens:
        best = Termination(
            best.path,
            best.last_covered_day,
            best.refund_cents,
            best.refund_by,
            (
                *best.steps,
                Said(
                    f"La résiliation à tout moment (un mois après réception) ne sera ouverte qu'un "
                    f"an après la première souscription, à partir du {fr(opens)}.",
                    src,
                    "membership.member_termination",
                ),
            ),
        )
    return best, others


def special_termination(
    offer: Offer,
    range_id: str,
    *,
    path: Path,
    received_on: dt.date,
    event_date: dt.date | None = None,
) -> Termination:
    """Terminations for a cause: CSS, compulsory collective contract, change of situation,
    death, (TNS) leaving the covered professions. ``event_date``: the CSS cover's start date,
    the date of the change of situation, of death, or of leaving the profession."""
    t = rules_of(offer, range_id).termination
    if path == "css":
        if event_date is None:
            raise Refused(
                "indiquez la date d'effet de la Complémentaire santé solidaire",
                code=Code.TERMINATION,
            )
        end = event_date - dt.timedelta(days=1)
        return Termination(
            path,
            end,
            None,
            None,
            (
                Said(
                    f"Admission à la Complémentaire santé solidaire à compter du {fr(event_date)} "
                    f"(attestation du régime obligatoire) : la résiliation prend effet la veille, "
                    f"le {fr(end)}, rétroactivement si nécessaire.",
                    offer.citation(t.css_source),
                    "membership.special_termination",
                ),
            ),
        )
    if path == "mandatory_collective":
        if t.mandatory_collective_source is None:
            raise Refused(
                "les conditions de cette gamme ne prévoient pas de résiliation pour un contrat "
                "collectif obligatoire",
                offer.citation(t.annual_source),
                code=Code.TERMINATION,
            )
        end = first_of_next_month(received_on)
        return Termination(
            path,
            end,
            None,
            None,
            (
                Said(
                    f"Contrat collectif obligatoire (attestation de l'employeur), demande écrite "
                    f"reçue le {fr(received_on)} : résiliation effective le 1er jour du mois qui "
                    f"suit, le {fr(end)}.",
                    offer.citation(t.mandatory_collective_source),
                    "membership.special_termination",
                ),
            ),
        )
    if path == "situation_change":
        if (
            t.situation_change_months is None
            or t.situation_change_effect_months is None
            or t.situation_change_source is None
        ):
            raise Refused(
                "les conditions de cette gamme ne prévoient pas de résiliation pour changement "
                "de situation",
                offer.citation(t.annual_source),
                code=Code.TERMINATION,
            )
        if event_date is None:
            raise Refused(
                "indiquez la date du changement de situation (ou de sa révélation)",
                code=Code.TERMINATION,
            )
        src = offer.citation(t.situation_change_source)
        limit = add_months(event_date, t.situation_change_months)
        if received_on > limit:
            raise Refused(
                f"changement de situation du {fr(event_date)} : la résiliation devait être "
                f"notifiée dans les {t.situation_change_months} mois, au plus tard le "
                f"{fr(limit)} ; demande reçue le {fr(received_on)}",
                src,
                code=Code.TERMINATION,
            )
        end = add_months(received_on, t.situation_change_effect_months)
        return Termination(
            path,
            end,
            None,
            None,
            (
                Said(
                    f"Changement de situation le {fr(event_date)}, notifié le {fr(received_on)} "
                    f"(dans les {t.situation_change_months} mois) : la résiliation prend effet "
                    f"un mois après réception, le {fr(end)}.",
                    src,
                    "membership.special_termination",
                ),
            ),
        )
    if path == "death":
        if event_date is None:
            raise Refused(
                "indiquez la date du décès (copie de l'acte de décès)", code=Code.TERMINATION
            )
        return Termination(
            path,
            event_date,
            None,
            None,
            (
                Said(
                    f"Décès du membre participant le {fr(event_date)} : l'adhésion est résiliée "
                    "de plein droit (copie de l'acte de décès) ; les cotisations versées pour la "
                    "période qui suit sont remboursées prorata temporis à un membre de la famille "
                    "sur justificatif d'un mandat successoral.",
                    offer.citation(t.death_source),
                    "membership.special_termination",
                ),
            ),
        )
    if path == "category_loss":
        if t.category_loss_source is None:
            raise Refused(
                "cette cause de cessation n'existe que dans les conditions TNS",
                offer.citation(t.annual_source),
                code=Code.TERMINATION,
            )
        if event_date is None:
            raise Refused(
                "indiquez la date à laquelle l'activité couverte a cessé", code=Code.TERMINATION
            )
        end = event_date.replace(day=days_in_month(event_date.year, event_date.month))
        return Termination(
            path,
            end,
            None,
            None,
            (
                Said(
                    f"Sortie des catégories couvertes le {fr(event_date)} : l'affiliation cesse "
                    f"de plein droit à l'expiration du mois en cours, le {fr(end)}.",
                    offer.citation(t.category_loss_source),
                    "membership.special_termination",
                ),
            ),
        )
    raise Refused(
        f"motif de résiliation non traité ici : {PATH_LABELS.get(path, path)}",
        code=Code.TERMINATION,
    )


def with_refund(
    offer: Offer,
    range_id: str,
    termination: Termination,
    *,
    monthly_cents: Cents,
    paid_until: dt.date,
) -> Termination:
    """Add the refund: contributions paid for days after the last covered day (docs I-40)."""
    t = rules_of(offer, range_id).termination
    first = termination.last_covered_day + dt.timedelta(days=1)
    refund = due_for_period(monthly_cents, first, paid_until)
    if refund:
        text = (
            f"Cotisations payées jusqu'au {fr(paid_until)} : la période du {fr(first)} au "
            f"{fr(paid_until)} n'est pas couverte, {format_euros(refund)} sont remboursés"
        )
        text += f" au plus tard le {fr(termination.refund_by)}." if termination.refund_by else "."
    else:
        text = (
            f"Cotisations payées jusqu'au {fr(paid_until)} : rien à rembourser ; les cotisations "
            f"jusqu'au {fr(termination.last_covered_day)} restent dues."
        )
    return Termination(
        termination.path,
        termination.last_covered_day,
        refund,
        termination.refund_by,
        (
            *termination.steps,
            Said(text, offer.citation(t.consequences_source), "membership.with_refund"),
        ),
    )


def with_received_refund(
    offer: Offer,
    range_id: str,
    termination: Termination,
    periods: Sequence[ContributionPeriod],
) -> Termination:
    """Add the refund from what the journal says was received (docs I-40, I-113): for each
    contribution period that runs past the last covered day, what was imputed to it beyond the
    part of its price that stays due (the prorata of I-01)."""
    t = rules_of(offer, range_id).termination
    last = termination.last_covered_day
    first = last + dt.timedelta(days=1)
    refund = owed = 0
    beyond = [p for p in periods if p.end > last]
    for p in beyond:
        kept = share_until(p.called_cents, p.start, p.end, last) if p.start <= last else 0
        refund += max(0, p.covered_cents - kept)
        owed += max(0, kept - p.covered_cents)
    owed += sum(p.left_cents for p in periods if p.end <= last)
    received_until = max((p.end for p in periods if p.covered_cents), default=None)
    if refund:
        text = (
            f"Cotisations reçues jusqu'au {fr(received_until or last)} : la période à partir du "
            f"{fr(first)} n'est pas couverte, {format_euros(refund)} sont remboursés"
        )
        text += f" au plus tard le {fr(termination.refund_by)}." if termination.refund_by else "."
    elif received_until is None:
        text = "Aucune cotisation reçue : rien à rembourser."
    else:
        text = (
            f"Cotisations reçues jusqu'au {fr(received_until)} : rien à rembourser au-delà du "
            f"{fr(last)}."
        )
    if owed:
        text += (
            f" Restent dues les cotisations jusqu'au {fr(last)} non réglées : {format_euros(owed)}."
        )
    return Termination(
        termination.path,
        termination.last_covered_day,
        refund,
        termination.refund_by,
        (
            *termination.steps,
            Said(text, offer.citation(t.consequences_source), "membership.with_received_refund"),
        ),
    )


def benefits_allowed(
    offer: Offer,
    range_id: str,
    *,
    care_date: dt.date,
    start: dt.date,
    last_covered_day: dt.date | None,
) -> tuple[bool, Step]:
    """Care gives benefits only between the effective date and the last covered day."""
    t = rules_of(offer, range_id).termination
    src = offer.citation(t.consequences_source)
    if care_date < start:
        return False, Said(
            f"Soins du {fr(care_date)} antérieurs à la prise d'effet.",
            src,
            "membership.benefits_allowed",
        )
    if last_covered_day is not None and care_date > last_covered_day:
        return False, Said(
            f"Soins du {fr(care_date)} postérieurs à la cessation de l'adhésion "
            f"({fr(last_covered_day)}) : aucune prestation.",
            src,
            "membership.benefits_allowed",
        )
    return True, Said(
        f"Soins du {fr(care_date)} pendant la période couverte.", src, "membership.benefits_allowed"
    )
