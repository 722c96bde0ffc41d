"""The contribution engine (pure core): see :mod:`mutuelle.pricing.engine` (the quote),
:mod:`mutuelle.pricing.checks` (what a household must be), :mod:`mutuelle.pricing.steps` (the
typed explanation steps) and :mod:`mutuelle.pricing.newborn` (what a baby would save)."""

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
from mutuelle.pricing.newborn import NewbornSaving, newborn_savings
from mutuelle.pricing.render import quote_to_dict

__all__ = [
    "FormulaQuote",
    "FormulaRefusal",
    "Household",
    "InvalidHousehold",
    "Member",
    "MemberQuote",
    "NewbornSaving",
    "Quote",
    "QuoteRefused",
    "newborn_savings",
    "parse_household",
    "quote",
    "quote_to_dict",
    "tariff_age",
]
