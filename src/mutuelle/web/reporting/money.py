"""The one narrow door between the steering committee's reports and the money journal.

Coded against JOURNAL-SPEC (``mutuelle.journal.AccountKind``: ``contributions`` — income net of
taxes —, ``tax_tsa``, ``tax_lfss_2026``, ``benefits``, ``forfait_medecin_traitant``;
``JournalEntry.period_start/period_end`` and the postings' analytic ``range``/``formula``/
``care_category``; the per-adhesion ``benefits_payable`` postings of a settled benefit tell which
household it concerns). Until the journal app and postings exist, it says so, and the report says
it too: « pas encore disponible : la facturation / les prestations ne sont pas encore
enregistrées ».
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from typing import Any

from mutuelle.reporting.facts import UNAVAILABLE_MONEY, CareLine, MoneyFacts, Unavailable
from mutuelle.reporting.pc import MoneyLine, Term

# The journal kinds the P/C reads, by their JOURNAL-SPEC names.
_TERMS = {t.value: t for t in Term}


def _journal() -> tuple[Any, Any] | None:
    try:
        core = importlib.import_module("mutuelle.journal")
        models = importlib.import_module("mutuelle.web.journal.models")
    except ImportError:
        return None
    return core, models


def money_facts() -> MoneyFacts | Unavailable:
    """The money lines of the P/C and the benefits by care category, from the journal."""
    found = _journal()
    if found is None:
        return Unavailable(UNAVAILABLE_MONEY)
    core, models = found
    kinds = core.AccountKind
    posting = models.JournalPosting
    wanted = [getattr(kinds, name) for name in _TERMS if hasattr(kinds, name)]
    rows = (
        posting.objects.filter(account_kind__in=[str(k) for k in wanted])
        .values(
            "account_kind",
            "range",
            "formula",
            "care_category",
            "entry__period_start",
            "entry__period_end",
        )
        .order_by()
    )
    from django.db.models import Sum

    lines = [
        MoneyLine(
            _TERMS[str(r["account_kind"])],
            int(r["total"]),
            r["entry__period_start"],
            r["entry__period_end"],
            r["range"] or None,
            r["formula"] or None,
            r["care_category"] or None,
        )
        for r in rows.annotate(total=Sum("cents"))
    ]
    if not lines:
        return Unavailable(UNAVAILABLE_MONEY)
    # Benefits by care category and household: the settlement entry's benefits postings carry
    # the category, its benefits_payable posting the adhesion.
    households: dict[int, str] = {}
    payable = str(getattr(kinds, "benefits_payable", "benefits_payable"))
    for r in posting.objects.filter(account_kind=payable, adhesion__isnull=False).values(
        "entry_id", "adhesion"
    ):
        households[r["entry_id"]] = str(r["adhesion"])
    care: dict[tuple[str, Any, Any, str], int] = defaultdict(int)
    for r in posting.objects.filter(account_kind=str(kinds.benefits)).values(
        "entry_id", "care_category", "cents", "entry__period_start", "entry__period_end"
    ):
        who = households.get(r["entry_id"])
        if who and r["care_category"]:
            key = (r["care_category"], r["entry__period_start"], r["entry__period_end"], who)
            care[key] += int(r["cents"])
    return MoneyFacts(lines, [CareLine(c, v, s, e, h) for (c, s, e, h), v in care.items()])
