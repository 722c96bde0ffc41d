"""Unpaid contributions: art. L.221-7 Code de la mutualité as restated in the règlements
(particuliers III-2-3, agents Cotisations 2-3 and « cotisation précomptée », TNS art. 9),
docs I-41.

A contribution (or instalment) due on D and not paid within 10 days: a formal notice (mise
en demeure) may be sent from D + 11; cover is suspended 30 days after the notice; the Mutuelle
may terminate 10 days after the suspension; a payment of the arrears reinstates cover at noon
the day after. With monthly instalments the suspension runs to the end of the annual period
unless the arrears are paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from mutuelle.explain import Said, Step
from mutuelle.membership.common import Refused, december_31, fr, rules_of
from mutuelle.offers.model import Offer
from mutuelle.refusal import Code

Status = Literal["active", "suspended", "terminable"]


@dataclass(frozen=True)
class UnpaidTimeline:
    due_on: dt.date
    notice_from: dt.date  # earliest date the formal notice may be sent
    notice_sent_on: dt.date  # the one sent (or the earliest, when not yet sent)
    suspended_from: dt.date | None  # None when paid before the suspension
    terminable_from: dt.date | None
    suspension_ends: dt.date | None  # end of the annual period (instalments)
    member_informed_from: dt.date | None  # payroll deduction: member told at the earliest
    reinstated_at: dt.datetime | None  # noon the day after payment
    steps: tuple[Step, ...]

    def status(self, at: dt.datetime) -> Status:
        day = at.date()
        if self.suspended_from is None or day < self.suspended_from:
            return "active"
        if self.reinstated_at is not None and at >= self.reinstated_at:
            return "active"
        if self.suspension_ends is not None and day > self.suspension_ends:
            return "terminable"
        if self.terminable_from is not None and day >= self.terminable_from:
            return "terminable"
        return "suspended"


def unpaid_timeline(
    offer: Offer,
    range_id: str,
    *,
    due_on: dt.date,
    notice_sent_on: dt.date | None = None,
    paid_on: dt.date | None = None,
    instalments: bool = True,
    payroll: bool = False,
) -> UnpaidTimeline:
    u = rules_of(offer, range_id).unpaid
    src = offer.citation(u.source)
    steps: list[Step] = []
    notice_from = due_on + dt.timedelta(days=u.grace_days + 1)
    if payroll and u.payroll_source is None:
        raise Refused(
            "le précompte sur salaire n'existe que pour la gamme agents", src, code=Code.REFUSED
        )
    who = "à la Collectivité qui précompte la cotisation" if payroll else "au membre participant"
    steps.append(
        Said(
            f"Cotisation échue le {fr(due_on)} et non payée dans les {u.grace_days} jours : mise "
            f"en demeure {who} possible à partir du {fr(notice_from)}.",
            offer.citation(u.payroll_source) if payroll and u.payroll_source else src,
            "membership.unpaid_timeline",
        )
    )
    if notice_sent_on is None:
        notice_sent_on = notice_from
    elif notice_sent_on < notice_from:
        raise Refused(
            f"mise en demeure datée du {fr(notice_sent_on)} : elle ne peut être envoyée qu'après "
            f"le délai de {u.grace_days} jours suivant l'échéance, à partir du {fr(notice_from)}",
            src,
            code=Code.REFUSED,
        )
    if paid_on is not None and paid_on < notice_sent_on:
        steps.append(
            Said(
                f"Payée le {fr(paid_on)}, avant la mise en demeure.",
                src,
                "membership.unpaid_timeline",
            )
        )
        return UnpaidTimeline(
            due_on, notice_from, notice_sent_on, None, None, None, None, None, tuple(steps)
        )
    suspended = notice_sent_on + dt.timedelta(days=u.suspension_days)
    terminable = suspended + dt.timedelta(days=u.termination_days)
    steps.append(
        Said(
            f"Mise en demeure du {fr(notice_sent_on)} : garanties suspendues {u.suspension_days} "
            f"jours après, le {fr(suspended)} ; résiliation possible {u.termination_days} jours "
            f"après la suspension, à partir du {fr(terminable)}.",
            src,
            "membership.unpaid_timeline",
        )
    )
    informed = None
    if payroll and u.payroll_member_notice_days is not None:
        informed = due_on + dt.timedelta(days=u.payroll_member_notice_days)
        steps.append(
            Said(
                f"Précompte : l'agent est informé de la résiliation possible au plus tôt "
                f"{u.payroll_member_notice_days} jours après l'échéance, le {fr(informed)}.",
                offer.citation(u.payroll_source) if u.payroll_source else src,
                "membership.unpaid_timeline",
            )
        )
    ends = None
    if instalments and u.instalments_until_year_end:
        ends = december_31(suspended.year)
        steps.append(
            Said(
                f"Cotisation fractionnée : faute de paiement, la suspension produit ses effets "
                f"jusqu'à la fin de la période annuelle, le {fr(ends)}.",
                src,
                "membership.unpaid_timeline",
            )
        )
    reinstated = None
    if paid_on is not None:
        if paid_on < suspended:
            steps.append(
                Said(
                    f"Arriéré payé le {fr(paid_on)}, avant la suspension : aucune suspension.",
                    src,
                    "membership.unpaid_timeline",
                )
            )
            return UnpaidTimeline(
                due_on, notice_from, notice_sent_on, None, None, None, informed, None, tuple(steps)
            )
        reinstated = dt.datetime.combine(paid_on + dt.timedelta(days=1), dt.time(12, 0))
        steps.append(
            Said(
                f"Arriéré (et échéances venues pendant la suspension) payé le {fr(paid_on)} : "
                f"l'adhésion non résiliée reprend ses effets le {fr(reinstated.date())} à midi.",
                offer.citation(u.reinstatement_source),
                "membership.unpaid_timeline",
            )
        )
    return UnpaidTimeline(
        due_on,
        notice_from,
        notice_sent_on,
        suspended,
        terminable,
        ends,
        informed,
        reinstated,
        tuple(steps),
    )
