"""Which form field a refusal of the core concerns: by its code (:class:`mutuelle.refusal.Code`)
or, for a condition of eligibility, by its rule id — never by the words of its message.

The adhesion request form and the API's ``fields`` use these maps; ``""`` is the whole form.
"""

from __future__ import annotations

from mutuelle.explain import Step
from mutuelle.refusal import Code, Refusal

# The field of the request (and simulator) form a refusal code concerns.
FIELD_OF_CODE: dict[Code, str] = {
    Code.MEMBER_AGE: "member_birth",
    Code.AGENT_FACTS: "agent_entry",
    Code.AGENT_GAP: "agent_entry",
    Code.STUDENT_DEPENDANTS: "situation",
    Code.EFFECTIVE_DATE: "start",
    Code.FORMULA: "formula",
    Code.PAYMENT_MODE: "payment_mode",
    Code.PAYMENT_FREQUENCY: "payment_frequency",
}
# The codes that concern the member's agent facts, not one person of the household.
AGENT_CODES = frozenset({Code.AGENT_FACTS, Code.AGENT_GAP})

# The field of each condition of eligibility (``mutuelle.membership.eligibility``).
FIELD_OF_RULE: dict[str, str] = {
    "eligibility.age": "member_birth",
    "eligibility.amo_residence": "amo",
    "eligibility.link": "links",
    "eligibility.mandatory_cover": "mandatory_cover",
    "eligibility.debt": "debt",
    "eligibility.student": "higher_education",
}


def field_for(refusal: Refusal, default: str = "") -> str:
    return FIELD_OF_CODE.get(refusal.code, default)


def field_for_step(step: Step) -> str:
    return FIELD_OF_RULE.get(step.rule_id, "")
