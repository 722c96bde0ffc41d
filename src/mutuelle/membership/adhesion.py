"""An adhesion's own dates: effective date (I-4), renewal (I-4), renunciation (I-6).

Règlement particuliers and agents I-4 and I-6; TNS conditions art. 4.3 and 5. The delays are
data (``offer.yaml``, ``membership``); the readings of unclear sentences are docs I-30 to I-33.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mutuelle.dates import first_of_next_month
from mutuelle.explain import Said, Step
from mutuelle.membership.common import Dated, Refused, december_31, fr, january_1, rules_of
from mutuelle.membership.prorata import due_for_period
from mutuelle.membership.workdays import is_working_day, next_working_day, why_not_working
from mutuelle.money import Cents, format_euros
from mutuelle.offers.membership_rules import Channel, RenunciationChannel
from mutuelle.offers.model import Offer
from mutuelle.refusal import Code


def effective_date(
    offer: Offer,
    range_id: str,
    *,
    file_sent_on: dt.date,
    wished: dt.date | None = None,
    previous_cover_ends: dt.date | None = None,
) -> Dated:
    """The date the adhesion (and the dependants enrolled with it) takes effect.

    ``file_sent_on``: the date that counts for the complete file (bulletin signed, every
    justificatif, first contribution): postmark, e-mail reception or agency deposit receipt.
    ``wished``: the effective date written on the bulletin. ``previous_cover_ends``: last day
    of a complementary health contract the applicant still has when joining.
    """
    r = rules_of(offer, range_id).effective_date
    src = offer.citation(r.source)
    if r.mode == "first_of_month_after_file":
        d = first_of_next_month(file_sent_on)
        steps = [
            Said(
                f"Dossier complet reçu le {fr(file_sent_on)} : l'affiliation prend effet le 1er "
                f"jour du mois suivant, le {fr(d)}.",
                src,
                "membership.effective_date",
            )
        ]
        if wished is not None and wished != d:
            steps.append(
                Said(
                    f"La date souhaitée ({fr(wished)}) ne s'applique pas dans cette gamme.",
                    src,
                    "membership.effective_date",
                )
            )
        if previous_cover_ends is not None and previous_cover_ends >= d:
            steps.append(
                Said(
                    f"Attention : le précédent contrat court jusqu'au {fr(previous_cover_ends)} ; "
                    "les conditions de cette gamme ne prévoient pas de report de la date d'effet.",
                    src,
                    "membership.effective_date",
                )
            )
        return Dated(d, tuple(steps))

    if previous_cover_ends is not None and previous_cover_ends >= file_sent_on:
        assert r.continuity is not None
        d = previous_cover_ends + dt.timedelta(days=1)
        return Dated(
            d,
            (
                Said(
                    f"Le demandeur est encore couvert par un précédent contrat jusqu'au "
                    f"{fr(previous_cover_ends)} : l'adhésion prend effet le lendemain, le "
                    f"{fr(d)}, pour assurer la continuité de sa couverture.",
                    offer.citation(r.continuity),
                    "membership.effective_date",
                ),
            ),
        )
    if wished is None:
        raise Refused(
            "indiquez la date d'effet souhaitée figurant sur le bulletin d'adhésion",
            src,
            code=Code.EFFECTIVE_DATE,
        )
    assert r.grace_days is not None and r.late_source is not None
    limit = wished + dt.timedelta(days=r.grace_days)
    if file_sent_on <= limit:
        return Dated(
            wished,
            (
                Said(
                    f"Dossier complet envoyé le {fr(file_sent_on)}, au plus tard {r.grace_days} "
                    f"jours après la date d'effet souhaitée ({fr(wished)}, soit jusqu'au "
                    f"{fr(limit)}) : l'adhésion prend effet à la date souhaitée, le {fr(wished)}.",
                    src,
                    "membership.effective_date",
                ),
            ),
        )
    d = first_of_next_month(file_sent_on)
    return Dated(
        d,
        (
            Said(
                f"Dossier complet envoyé le {fr(file_sent_on)}, plus de {r.grace_days} jours "
                f"après la date d'effet souhaitée ({fr(wished)}, limite {fr(limit)}).",
                src,
                "membership.effective_date",
            ),
            Said(
                f"L'adhésion prend donc effet le 1er jour du mois suivant l'envoi, le {fr(d)}.",
                offer.citation(r.late_source),
                "membership.effective_date",
            ),
        ),
    )


def next_renewal(offer: Offer, range_id: str, *, start: dt.date, on: dt.date) -> Dated:
    """The next tacit renewal (1 January) of an adhesion in force on ``on``."""
    r = rules_of(offer, range_id).renewal
    d = january_1(max(on, start).year + 1)
    return Dated(
        d,
        (
            Said(
                f"La période en cours se termine le {fr(december_31(d.year - 1))} ; l'adhésion "
                f"se renouvelle par tacite reconduction le {fr(d)} pour un an.",
                offer.citation(r.source),
                "membership.next_renewal",
            ),
        ),
    )


# --- renunciation ---------------------------------------------------------------------------


def _channel(offer: Offer, range_id: str, channel: Channel) -> RenunciationChannel:
    rules = rules_of(offer, range_id).renunciation
    for c in rules.channels:
        if c.id == channel:
            return c
    known = ", ".join(c.id for c in rules.channels)
    raise Refused(f"canal de vente inconnu {channel!r} (canaux : {known})", code=Code.CHANNEL)


@dataclass(frozen=True)
class RenunciationWindow:
    channel: Channel
    opens: dt.date | None  # the day the period starts counting (excluded from the count)
    last_day: dt.date | None  # None: no right to renounce (fairs)
    steps: tuple[Step, ...]

    def allows(self, sent_on: dt.date) -> bool:
        return self.last_day is not None and sent_on <= self.last_day


def renunciation_window(
    offer: Offer,
    range_id: str,
    *,
    channel: Channel,
    signed_on: dt.date,
    effective_on: dt.date,
    information_received_on: dt.date | None = None,
) -> RenunciationWindow:
    """Until when a member may renounce, by sale channel (I-6-1 to I-6-4, docs I-32)."""
    rules = rules_of(offer, range_id).renunciation
    c = _channel(offer, range_id, channel)
    src = offer.citation(c.source)
    if c.days is None:
        return RenunciationWindow(
            channel,
            None,
            None,
            (
                Said(
                    f"Adhésion conclue lors d'une {c.label} : aucun droit de rétractation.",
                    src,
                    "membership.renunciation_window",
                ),
            ),
        )
    if c.starts == "signature":
        start, why = signed_on, f"la signature du bulletin ({fr(signed_on)})"
    else:
        start, why = effective_on, f"la prise d'effet de l'adhésion ({fr(effective_on)})"
        if information_received_on is not None and information_received_on > effective_on:
            start = information_received_on
            why = (
                f"la réception des conditions d'adhésion et des informations précontractuelles "
                f"({fr(information_received_on)}), postérieure à la prise d'effet"
            )
    last = start + dt.timedelta(days=c.days)
    steps = [
        Said(
            f"{c.label.capitalize()} : {c.days} jours calendaires révolus à compter de {why} ; "
            f"le jour de départ n'est pas compté, le délai court jusqu'au {fr(last)} inclus.",
            src,
            "membership.renunciation_window",
        ),
        Said(
            "Décompte du délai : premier jour compté le lendemain.",
            offer.citation(rules.day_counting),
            "membership.renunciation_window",
        ),
    ]
    if c.extends_to_working_day and not is_working_day(last):
        moved = next_working_day(last)
        steps.append(
            Said(
                f"Le {fr(last)} est un {why_not_working(last)} : le délai est prorogé jusqu'au "
                f"premier jour ouvrable suivant, le {fr(moved)}.",
                src,
                "membership.renunciation_window",
            )
        )
        last = moved
    steps.append(
        Said(f"Forme de la renonciation : {c.form}.", src, "membership.renunciation_window")
    )
    return RenunciationWindow(channel, start, last, tuple(steps))


@dataclass(frozen=True)
class RenunciationRefund:
    kept_cents: Cents  # prorata kept for the period covered
    benefits_cents: Cents  # benefits paid during the period, deducted
    refund_cents: Cents  # what the Mutuelle pays back
    owed_cents: Cents  # what the member still owes when the deductions exceed what was paid
    cover_ends: dt.date  # last covered day
    refund_by: dt.date
    steps: tuple[Step, ...]


def renunciation_refund(
    offer: Offer,
    range_id: str,
    *,
    window: RenunciationWindow,
    sent_on: dt.date,
    received_on: dt.date,
    effective_on: dt.date,
    monthly_cents: Cents,
    paid_cents: Cents,
    benefits_paid_cents: Cents = 0,
    claim_during_period: bool = False,
) -> RenunciationRefund:
    """What the Mutuelle refunds after a renunciation, and by when (I-6-4, docs I-33)."""
    rules = rules_of(offer, range_id).renunciation
    c = _channel(offer, range_id, window.channel)
    if not window.allows(sent_on):
        if window.last_day is None:
            raise Refused(
                f"aucun droit de renonciation pour une adhésion conclue lors d'une {c.label}",
                offer.citation(c.source),
                code=Code.REFUSED,
            )
        raise Refused(
            f"renonciation envoyée le {fr(sent_on)}, après la fin du délai le "
            f"{fr(window.last_day)} : elle ne peut pas être acceptée (la résiliation reste "
            "possible selon les règles de cessation)",
            offer.citation(c.source),
            code=Code.REFUSED,
        )
    if received_on < sent_on:
        raise Refused(
            "la date de réception de la lettre précède sa date d'envoi", code=Code.REFUSED
        )
    refund_by = received_on + dt.timedelta(days=rules.refund_days)
    cover_ends = received_on - dt.timedelta(days=1)
    steps: list[Step] = []
    if c.id == "door_to_door" and claim_during_period:
        steps.append(
            Said(
                "Démarchage à domicile : un sinistre mettant en jeu la garantie est survenu "
                "pendant le délai de renonciation ; l'intégralité de la cotisation reste due, "
                "rien n'est remboursé.",
                offer.citation(rules.door_to_door_claim),
                "membership.renunciation_refund",
            )
        )
        return RenunciationRefund(0, 0, 0, 0, cover_ends, refund_by, tuple(steps))
    kept = due_for_period(monthly_cents, effective_on, cover_ends)
    steps.append(
        Said(
            f"Prorata conservé pour la période couverte du {fr(effective_on)} au "
            f"{fr(cover_ends)} (veille de la réception de la renonciation) : "
            f"{format_euros(kept)}."
            if kept
            else "L'adhésion n'avait pas encore pris effet : aucune cotisation n'est conservée.",
            offer.citation(rules.prorata),
            "membership.renunciation_refund",
        )
    )
    balance = paid_cents - kept - benefits_paid_cents
    steps.append(
        Said(
            f"Remboursement = cotisations payées {format_euros(paid_cents)} − prorata "
            f"{format_euros(kept)} − prestations versées {format_euros(benefits_paid_cents)} = "
            f"{format_euros(balance)}, à verser au plus tard le {fr(refund_by)} (30 jours après "
            f"la réception de la lettre, le {fr(received_on)}).",
            offer.citation(rules.refund_source),
            "membership.renunciation_refund",
        )
    )
    return RenunciationRefund(
        kept,
        benefits_paid_cents,
        max(balance, 0),
        max(-balance, 0),
        cover_ends,
        refund_by,
        tuple(steps),
    )
