"""How to reach the Mutuelle when no permanence hour or telephone number is published: its
postal and e-mail addresses, as the texts give them (sourced data, shown with their source)."""

from __future__ import annotations

from dataclasses import dataclass

from mutuelle.explain import Cited
from mutuelle.offers.model import Offer, Source

# Règlement particuliers, Définitions « Mutuelle » (seed l. 2194): the registered office.
POSTAL = "Mutuelle Entrenous, 27 allée Albert Sylvestre, Immeuble Oméga, 73000 Chambéry"
POSTAL_SOURCE = Source(doc="annexe1", ref="Définitions – Mutuelle (siège social)", line=2194)
# Règlement particuliers I-7-3-2 (seed l. 2402): where a letter or an e-mail is sent.
EMAIL = "contact@mutuelle-entrenous.fr"
EMAIL_SOURCE = Source(doc="annexe1", ref="I-7-3-2 Résiliation de l'affiliation", line=2402)


@dataclass(frozen=True)
class Contact:
    postal: str
    email: str
    cite: Cited


def contact(offer: Offer) -> Contact:
    return Contact(POSTAL, EMAIL, offer.citation(POSTAL_SOURCE) + offer.citation(EMAIL_SOURCE))
