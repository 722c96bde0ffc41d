"""Contributions billing (pure core): the yearly call of an adhesion and its schedule
(:mod:`mutuelle.billing.call`), the taxes kept apart (:mod:`mutuelle.billing.rates`). The
Django shell is :mod:`mutuelle.web.billing`."""

from mutuelle.billing.call import (
    AdhesionFacts,
    Already,
    Instalment,
    YearlyCall,
    already,
    already_called,
    key_prefix,
    yearly_call,
)
from mutuelle.billing.rates import Split, TaxRates, split, tax_rates

__all__ = [
    "AdhesionFacts",
    "Already",
    "Instalment",
    "Split",
    "TaxRates",
    "YearlyCall",
    "already",
    "already_called",
    "key_prefix",
    "split",
    "tax_rates",
    "yearly_call",
]
