"""How contributions may be paid (Règlement particuliers III-2-2, agents Cotisations 2-2 and
« Cotisation précomptée sur le bulletin de salaire », TNS art. 4.2).

The modes a range opens and the modes that cannot be paid monthly are the offer's data
(``membership.payment``): « Le Membre participant choisit son mode de paiement au moment de son
Adhésion : virement, prélèvement, carte bancaire, chèque, espèces » and « Le paiement de la
cotisation annuelle peut être fractionné mensuellement, sauf dans le cas d'un règlement par
chèque »; the agents' payroll deduction; the TNS direct debit with its SEPA mandate
(docs/interpretations.md I-101).
"""

from __future__ import annotations

from mutuelle.membership.common import Refused, range_of, rules_of
from mutuelle.offers.model import Offer
from mutuelle.refusal import Code
from mutuelle.vocabulary import PaymentFrequency, PaymentMode


def payment_refusals(
    offer: Offer, range_id: str, mode: str | None, frequency: str | None
) -> tuple[Refused, ...]:
    """What the règlement refuses in this choice of mode and frequency (nothing: it is open)."""
    if not mode:
        return ()
    rules = rules_of(offer, range_id).payment
    rng = range_of(offer, range_id)
    out: list[Refused] = []
    label = PaymentMode(mode).label
    if mode not in rules.modes:
        allowed = ", ".join(PaymentMode(m).label.lower() for m in rules.modes)
        out.append(
            Refused(
                f"{label} : ce mode de paiement n'est pas prévu pour la gamme {rng.label} "
                f"(modes possibles : {allowed})",
                offer.citation(rules.modes_source),
                code=Code.PAYMENT_MODE,
            )
        )
    elif frequency == PaymentFrequency.MONTHLY and mode in rules.annual_only:
        assert rules.annual_only_source is not None
        out.append(
            Refused(
                f"Le paiement par {label.lower()} se fait une fois par an : le paiement mensuel "
                f"n'est pas possible par {label.lower()}",
                offer.citation(rules.annual_only_source),
                code=Code.PAYMENT_FREQUENCY,
            )
        )
    return tuple(out)
