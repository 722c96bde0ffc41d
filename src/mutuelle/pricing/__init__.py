"""The contribution engine (pure core): see :mod:`mutuelle.pricing.engine`."""

from mutuelle.pricing.engine import (
    FormulaQuote,
    FormulaRefusal,
    MemberQuote,
    Quote,
    QuoteRefused,
    quote,
    tariff_age,
)
from mutuelle.pricing.household import Household, InvalidHousehold, Member, parse_household
from mutuelle.pricing.render import quote_to_dict

__all__ = [
    "FormulaQuote",
    "FormulaRefusal",
    "Household",
    "InvalidHousehold",
    "Member",
    "MemberQuote",
    "Quote",
    "QuoteRefused",
    "parse_household",
    "quote",
    "quote_to_dict",
    "tariff_age",
]
