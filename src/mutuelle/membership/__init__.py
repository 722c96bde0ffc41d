"""The membership lifecycle (pure core): who may join, the dates of an adhesion and of its
dependants, formula changes, termination and unpaid contributions.

Functions of (offer, range, facts, dates) → dates and decisions with their explanation
(:class:`Step`: rule in plain French + source), the justificatifs (``documents``) and the
payment modes (``payment``). What the règlement forbids raises
:class:`Refused` with the reason and its source. No Django, no I/O: the back office
(:mod:`mutuelle.web`) loads the facts, calls these functions and stores the results.
"""

from mutuelle.explain import Step
from mutuelle.membership.adhesion import (
    RenunciationRefund,
    RenunciationWindow,
    effective_date,
    next_renewal,
    renunciation_refund,
    renunciation_window,
)
from mutuelle.membership.common import Dated, Refused
from mutuelle.membership.common import rules_of as rules_for
from mutuelle.membership.dependants import (
    Dependant,
    age_limit_end,
    check_dependant,
    clamp_to_adhesion,
    dependant_start,
    end_when_conditions_stop,
    mandatory_cover_end,
    resignation_end,
)
from mutuelle.membership.documents import (
    DocumentsView,
    Insured,
    RequiredPiece,
    documents_status,
    required_documents,
)
from mutuelle.membership.eligibility import Applicant, EligibilityResult, check_eligibility
from mutuelle.membership.formulas import FormulaChangeDecision, formula_change
from mutuelle.membership.payment import payment_refusals
from mutuelle.membership.prorata import due_for_period
from mutuelle.membership.termination import (
    PATH_LABELS,
    Termination,
    benefits_allowed,
    member_termination,
    special_termination,
    with_received_refund,
    with_refund,
)
from mutuelle.membership.unpaid import UnpaidTimeline, unpaid_timeline

__all__ = [
    "PATH_LABELS",
    "Applicant",
    "Dated",
    "Dependant",
    "DocumentsView",
    "EligibilityResult",
    "FormulaChangeDecision",
    "Insured",
    "Refused",
    "RenunciationRefund",
    "RenunciationWindow",
    "RequiredPiece",
    "Step",
    "Termination",
    "UnpaidTimeline",
    "age_limit_end",
    "benefits_allowed",
    "check_dependant",
    "check_eligibility",
    "clamp_to_adhesion",
    "dependant_start",
    "documents_status",
    "due_for_period",
    "effective_date",
    "end_when_conditions_stop",
    "formula_change",
    "mandatory_cover_end",
    "member_termination",
    "next_renewal",
    "payment_refusals",
    "renunciation_refund",
    "renunciation_window",
    "required_documents",
    "resignation_end",
    "rules_for",
    "special_termination",
    "unpaid_timeline",
    "with_received_refund",
    "with_refund",
]
