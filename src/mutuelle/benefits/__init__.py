"""The reimbursement engine (pure core): care events → what the mutual pays, and why.

See :mod:`mutuelle.benefits.engine` for the rules it applies and :mod:`mutuelle.benefits.plan`
for how the offer's guarantee tables are compiled for it.
"""

from mutuelle.benefits.engine import (
    BatchResult,
    CeilingUse,
    Ledger,
    Settlement,
    check_coverage,
    initial_state,
    settle,
    settle_event,
)
from mutuelle.benefits.events import CareEvent, Claim, Coverage, InvalidClaim, parse_claim
from mutuelle.benefits.plan import Plan, PlanError, compile_plan
from mutuelle.benefits.render import batch_to_dict, settlement_text, settlement_to_dict

__all__ = [
    "BatchResult",
    "CareEvent",
    "CeilingUse",
    "Claim",
    "Coverage",
    "InvalidClaim",
    "Ledger",
    "Plan",
    "PlanError",
    "Settlement",
    "batch_to_dict",
    "check_coverage",
    "compile_plan",
    "initial_state",
    "parse_claim",
    "settle",
    "settle_event",
    "settlement_text",
    "settlement_to_dict",
]
