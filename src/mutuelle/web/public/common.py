"""What every public journey shares: the offer in force, how a person is named on the pages,
how a refusal of the core reads in a sentence."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from mutuelle.offers import latest_offer_id, load_offer
from mutuelle.offers.model import Offer
from mutuelle.refusal import Refusal
from mutuelle.vocabulary import Role


def the_offer() -> Offer:
    return load_offer(str(settings.MUTUELLE_OFFER or latest_offer_id()))


def formulas_by_range(offer: Offer) -> dict[str, tuple[str, ...]]:
    return {rid: rng.formulas for rid, rng in offer.ranges.items()}


def person_label(m: dict[str, Any]) -> str:
    """« Vous », « Votre conjoint-e », a first name, or « Enfant n° 2 »."""
    name = str(m.get("first_name") or "")
    if m["role"] == Role.CHILD:
        return name or f"Enfant n° {m['number']}"
    return name or Role(m["role"]).addressed


def plain_refusal(exc: Refusal) -> str:
    """A refusal as a sentence: capitalised, ending with a full stop."""
    msg = exc.message[0].upper() + exc.message[1:]
    return msg if msg.endswith(".") else msg + "."
