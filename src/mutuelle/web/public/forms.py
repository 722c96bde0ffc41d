"""Forms of the public site, in plain French. They hold facts; every decision (price,
eligibility, dates, payment rules, CSS verdict) is the cores', called by
:mod:`mutuelle.web.public.services`. By journey:

* :mod:`~mutuelle.web.public.formfields` — dates, amounts in euros, the IBAN;
* :mod:`~mutuelle.web.public.household_forms` — the household (simulator, CSS, advice) and the
  care expected (advice);
* :mod:`~mutuelle.web.public.request_forms` — the adhesion request and the upload of a
  justificatif.
"""

from __future__ import annotations

from mutuelle.web.public.formfields import (
    DATE_FORMATS,
    DATE_HINT,
    YES_NO,
    EurosField,
    FrenchDateField,
    birth_field,
    check_iban,
    default_start,
)
from mutuelle.web.public.household_forms import (
    AGENT_ENTRY_NEEDED,
    CHILD_SITUATIONS,
    HOUSING,
    MAX_CHILDREN,
    SITUATION_SHORT,
    SITUATIONS,
    ChildrenMixin,
    HouseholdForm,
    NeedsForm,
    agent_entry_missing,
    children_count_from,
    rows_action,
)
from mutuelle.web.public.request_forms import LINKS, AdhesionRequestForm, UploadForm

__all__ = [
    "AGENT_ENTRY_NEEDED",
    "CHILD_SITUATIONS",
    "DATE_FORMATS",
    "DATE_HINT",
    "HOUSING",
    "LINKS",
    "MAX_CHILDREN",
    "SITUATIONS",
    "SITUATION_SHORT",
    "YES_NO",
    "AdhesionRequestForm",
    "ChildrenMixin",
    "EurosField",
    "FrenchDateField",
    "HouseholdForm",
    "NeedsForm",
    "UploadForm",
    "agent_entry_missing",
    "birth_field",
    "check_iban",
    "children_count_from",
    "default_start",
    "rows_action",
]
