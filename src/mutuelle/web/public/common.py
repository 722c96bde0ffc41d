"""What every public journey shares: the offer in force, how a person is named on the pages,
how a refusal of the core reads in a sentence."""

from __future__ import annotations

import re
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
    text = public_text(exc.message)
    msg = text[0].upper() + text[1:]
    return msg if msg.endswith(".") else msg + "."


# What a core's sentence may carry for staff and a resident never reads (issue 9): the seed
# file and its line, the readings of docs/interpretations.md, an offer's id.
_STAFF_BITS = (
    # « (003_….txt l. 1884) », « (seed 003_….txt l. 1936-1942) »
    re.compile(r"\s*\(\s*(?:seed\s+)?[\w.-]+\.txt\s+l\.\s*\d+(?:\s*[-–]\s*\d+)?\s*\)"),
    # « — lecture docs/interpretations.md I-09, I-02 »
    re.compile(r"\s*[-—–]*\s*lectures?\s+docs/[\w./-]+\s+[GI]-\d+(?:\s*,\s*[GI]-\d+)*"),
    re.compile(r"\s*:?\s*docs/interpretations\.md\s+[GI]-\d+(?:\s*,\s*[GI]-\d+)*"),
    # « ; regulation.md §3.1 », « surcharge locale (mutuelle/css/data/override.yaml) · »
    re.compile(r"\s*;?\s*[\w./-]+\.md\s*§\s*[\d.]+"),
    re.compile(r"surcharge locale\s*\([^)]*\)\s*·\s*"),
    # any other file of the repository or the seeds, with its line
    re.compile(r"(?:seed\s+)?[\w./-]+\.(?:txt|md|yaml|py)\b(?:\s+l\.\s*\d+(?:\s*[-–]\s*\d+)?)?"),
    # « ; adresse : l. 1780 », then any bare line reference
    re.compile(r"\s*;\s*[\w ]+:\s*l\.\s*\d+(?:\s*[-–]\s*\d+)?"),
    re.compile(r"\s*\(?\bl\.\s*\d+(?:\s*[-–]\s*\d+)?\)?"),
)


def public_text(text: str) -> str:
    """A core's sentence as a resident reads it: the seed files, lines, readings' ids and the
    offer's id taken out (the staff pages keep them). Sources themselves are rendered by
    ``Cited.public()``; this is for the sentences that quote a staff citation inline."""
    out = str(text)
    for pattern in _STAFF_BITS:
        out = pattern.sub("", out)
    for offer_id in _offer_ids():
        out = re.sub(rf"\s*\b{re.escape(offer_id)}\b", "", out)
    out = re.sub(r"\s*:\s*\)", ")", out)
    return re.sub(r"\(\s*\)", "", out).replace(" ,", ",").replace("  ", " ").strip()


def _offer_ids() -> tuple[str, ...]:
    from mutuelle.offers.loader import available_offers

    return tuple(available_offers())
