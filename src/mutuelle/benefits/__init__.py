"""The reimbursement engine (pure core): care events → what the mutual pays, and why.

See :mod:`mutuelle.benefits.engine` for the rules it applies, :mod:`mutuelle.benefits.plan` for
how the offer's guarantee tables are compiled for it, :mod:`mutuelle.benefits.steps` for the
typed explanation steps and :mod:`mutuelle.benefits.consumption` for the consumption entries
each settlement returns (the ledger is their fold).
"""

from mutuelle.benefits.consumption import Consumption, LedgerState, Period, Unit, fold, parse_key
from mutuelle.benefits.engine import (
    CeilingUse,
    EventError,
    Settlement,
    check_coverage,
    opening,
    settle_event,
)
from mutuelle.benefits.events import CareEvent, Claim, Coverage, InvalidClaim, parse_claim
from mutuelle.benefits.ledger import BatchResult, Ledger, settle
from mutuelle.benefits.plan import Plan, PlanError, compile_plan
from mutuelle.benefits.render import batch_to_dict, settlement_text, settlement_to_dict
from mutuelle.benefits.steps import BenefitStep, step_from_dict, step_to_dict

__all__ = [
    "BatchResult",
    "BenefitStep",
    "CareEvent",
    "CeilingUse",
    "Claim",
    "Consumption",
    "Coverage",
    "EventError",
    "InvalidClaim",
    "Ledger",
    "LedgerState",
    "Period",
    "Plan",
    "PlanError",
    "Settlement",
    "Unit",
    "batch_to_dict",
    "check_coverage",
    "compile_plan",
    "fold",
    "opening",
    "parse_claim",
    "parse_key",
    "settle",
    "settle_event",
    "settlement_text",
    "settlement_to_dict",
    "step_from_dict",
    "step_to_dict",
]
