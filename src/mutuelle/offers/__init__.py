"""The offers: law as data. See :mod:`mutuelle.offers.model` and :mod:`mutuelle.offers.loader`."""

from mutuelle.offers.loader import OfferNotFound, available_offers, latest_offer_id, load_offer
from mutuelle.offers.model import Offer, Range, Source, TariffGrid

__all__ = [
    "Offer",
    "OfferNotFound",
    "Range",
    "Source",
    "TariffGrid",
    "available_offers",
    "latest_offer_id",
    "load_offer",
]
