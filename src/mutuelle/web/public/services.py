"""What the public pages compute: they load facts from the forms, ask the cores, shape the
answer for a person to read. No rule is decided here; each result keeps its explanation
(rule + source) from the core. By journey:

* :mod:`~mutuelle.web.public.simulation` — every formula of the household's range side by side,
  what is refused and why, the savings a newborn brings;
* :mod:`~mutuelle.web.public.orientation` — the CSS screening or its ceilings, shown first
  (convention art. 2.3), and the anonymous orientation counts;
* :mod:`~mutuelle.web.public.adhesion_requests` — an online adhesion request, written
  atomically as a *pending* adhesion, with the justificatifs the membership core requires;
* :mod:`~mutuelle.web.public.refusals` — the form field of each refusal, by its code.

This module gathers their entry points for the views and the API.
"""

from __future__ import annotations

from mutuelle.web.public.adhesion_requests import (
    Checked,
    RequestRefused,
    access_token,
    check_request,
    insured,
    required_documents,
    submit_request,
)
from mutuelle.web.public.common import formulas_by_range, person_label, plain_refusal, the_offer
from mutuelle.web.public.orientation import CssCheck, css_check, css_members, record_orientation
from mutuelle.web.public.refusals import field_for
from mutuelle.web.public.simulation import (
    FormulaColumn,
    NewbornSaving,
    PersonPrice,
    Simulation,
    member_problems,
    simulate,
    to_household,
)

__all__ = [
    "Checked",
    "CssCheck",
    "FormulaColumn",
    "NewbornSaving",
    "PersonPrice",
    "RequestRefused",
    "Simulation",
    "access_token",
    "check_request",
    "css_check",
    "css_members",
    "field_for",
    "formulas_by_range",
    "insured",
    "member_problems",
    "person_label",
    "plain_refusal",
    "record_orientation",
    "required_documents",
    "simulate",
    "submit_request",
    "the_offer",
    "to_household",
]
