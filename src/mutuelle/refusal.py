"""One refusal type for every core: a machine-readable code, the source, the French message.

Every core raises a :class:`Refusal` (or a subclass keeping its old name: ``QuoteRefused``,
``membership.Refused``, ``PlanError``, the input errors ``InvalidHousehold``,
``InvalidClaim``, ``InvalidCssHousehold``) when the texts forbid what is asked or give no
honest answer, and when an input cannot be read. A refusal carries:

* ``code`` — a :class:`Code`, stable: the web forms and the API route a refusal to the field it
  concerns by its code (``mutuelle.web.public.fields``), never by the words of its message;
* ``cite`` — its source (:class:`mutuelle.explain.Cited`, staff and public renderings), or
  ``None``; ``source`` is its staff rendering (the string the CLI and the back office print);
* ``message`` — the reason in plain French.

``str(refusal)`` is the message followed by its staff source in parentheses (the CLI's line).
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from mutuelle.explain import Cited


class Code(StrEnum):
    """Why a core refuses, for a machine (the message says it for a person)."""

    REFUSED = "refused"  # a refusal of the règlement without a more precise code
    INPUT = "input"  # an input that cannot be read (malformed file, wrong type, missing field)
    # the offer and its plan
    OFFER = "offer"  # unknown offer
    OFFER_DATE = "offer_date"  # no tariff or guarantee in force on that date
    RANGE = "range"  # unknown range
    FORMULA = "formula"  # unknown formula for the range
    STRUCTURE = "structure"  # unknown contribution structure
    PLAN = "plan"  # the request cannot be settled at all
    NO_TABLE = "no_table"  # the offer publishes no guarantee table for the range
    RULE_WITHOUT_VALUE = "rule_without_value"  # the data lacks a value the engine applies
    # contributions
    MEMBER_AGE = "member_age"  # the member is under the minimum age
    TARIFF_GAP = "tariff_gap"  # the grid has no tariff for this age or this cell (G-xx)
    STUDENT_DEPENDANTS = "student_dependants"  # the student rate is for a member alone
    CHILD_PROOF = "child_proof"  # a dependant of 21 to 27 needs a proof
    CHILD_OVER_AGE = "child_over_age"  # past the dependants' age limit
    AGENT_FACTS = "agent_facts"  # the agent's facts the surcharge needs are missing or wrong
    AGENT_GAP = "agent_gap"  # the surcharge depends on a date the texts do not give (G-03)
    # membership
    EFFECTIVE_DATE = "effective_date"  # the effective date cannot be fixed
    CHANNEL = "channel"  # unknown channel of sale
    DEPENDANT = "dependant"  # the dependant cannot be affiliated
    DEPENDANT_AGE = "dependant_age"  # a child past the age limit
    DEPENDANT_PROOF = "dependant_proof"  # a child of 21 to 27 without proof
    DEPENDANT_EVENT = "dependant_event"  # the family event is too old or unknown
    SPOUSE_ALREADY = "spouse_already"  # the adhesion already covers a spouse
    ADHESION_ENDED = "adhesion_ended"  # the adhesion has ended
    FORMULA_CHANGE = "formula_change"  # the formula change is refused
    TERMINATION = "termination"  # the termination is refused
    PAYMENT_MODE = "payment_mode"  # the payment mode is not open to this range
    PAYMENT_FREQUENCY = "payment_frequency"  # the frequency is not possible with that mode
    # reimbursements
    COVER_PERIOD = "cover_period"  # care outside the cover dates
    UNKNOWN_BENEFIT = "unknown_benefit"  # a benefit code no table knows
    TABLE_GAP = "table_gap"  # the range's table does not publish this benefit (G-10)
    CELL_GAP = "cell_gap"  # a blank cell of the guarantee table (G-11…)
    EVENT_FIELD = "event_field"  # the event lacks a field its line needs
    EVENT_INCONSISTENT = "event_inconsistent"  # the event contradicts its line
    PRICE_LIMIT = "price_limit"  # a 100 % Santé price limit the texts do not give (G-14)
    REFERENCE_VALUE = "reference_value"  # no reference value in force on the care date
    # CSS screening
    CSS_PARAMETERS = "css_parameters"  # no CSS parameters for the date


class Refusal(Exception):
    """The texts forbid what is asked, give no honest answer, or the input cannot be read."""

    default_code: ClassVar[Code] = Code.REFUSED
    source_in_str: ClassVar[bool] = True  # ``str()`` ends with « (source) »

    def __init__(
        self, message: str, source: Cited | str | None = None, *, code: Code | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if isinstance(source, str):
            source = Cited.outside(source, public="") if source else None
        self.cite: Cited | None = source
        self.code: Code = code or self.default_code

    @property
    def source(self) -> str | None:
        """The staff rendering of the source (None without one)."""
        return self.cite.staff() if self.cite else None

    def public_source(self) -> str:
        return self.cite.public() if self.cite else ""

    def __str__(self) -> str:
        if self.source_in_str and self.source:
            return f"{self.message} ({self.source})"
        return self.message

    def to_dict(self) -> dict[str, str]:
        """The shape of ``--json`` errors and of the API: ``error``, ``code``, ``source``."""
        out = {"error": self.message, "code": self.code.value}
        if self.source:
            out["source"] = self.source
        return out


class InputError(Refusal, ValueError):
    """An input that cannot be read at all (exit status 2, HTTP 400)."""

    default_code = Code.INPUT
    source_in_str = False
