"""The one narrow door between the steering committee's reports and the money journal.

Reads ``mutuelle.web.journal`` (JOURNAL-SPEC): the accounts ``contributions`` (income net of
taxes), ``tax_tsa``, ``tax_lfss_2026``, ``benefits`` and ``forfait_medecin_traitant``, summed by
the entries' cover period (``period_start``/``period_end``) and the postings' analytic
``range``/``formula``/``care_category``; the per-adhesion ``benefits_payable`` posting of a
settled benefit tells which household it concerns. Until billing and claims post to those
accounts, it says so, and the report says it too: « pas encore disponible : la facturation / les
prestations ne sont pas encore enregistrées ».
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Sum

from mutuelle.journal import AccountKind
from mutuelle.offers.guarantees import CATEGORY_LABELS
from mutuelle.reporting.facts import UNAVAILABLE_MONEY, CareLine, MoneyFacts, Unavailable
from mutuelle.reporting.pc import MoneyLine, Term
from mutuelle.web.journal.models import JournalPosting

# The journal accounts the P/C reads, by their JOURNAL-SPEC names.
_TERMS = {t.value: t for t in Term}


def money_facts() -> MoneyFacts | Unavailable:
    """The money lines of the P/C and the benefits by care category, from the journal."""
    wanted = [k for k in AccountKind if k.value in _TERMS]
    rows = (
        JournalPosting.objects.filter(account__in=[k.value for k in wanted])
        .values(
            "account",
            "range",
            "formula",
            "care_category",
            "entry__period_start",
            "entry__period_end",
        )
        .order_by()
    )
    lines = [
        MoneyLine(
            _TERMS[str(r["account"])],
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
    # the category, its benefits_payable posting the adhesion — or, paid to a professional
    # (tiers payant), the benefits posting itself (docs I-221).
    households: dict[int, str] = {}
    for r in JournalPosting.objects.filter(
        account=AccountKind.benefits_payable.value, adhesion__isnull=False
    ).values("entry_id", "adhesion"):
        households[r["entry_id"]] = str(r["adhesion"])
    care: dict[tuple[str, Any, Any, str], int] = defaultdict(int)
    unattributed = False
    for r in JournalPosting.objects.filter(account=AccountKind.benefits.value).values(
        "entry_id",
        "adhesion",
        "care_category",
        "cents",
        "entry__period_start",
        "entry__period_end",
    ):
        who = r["adhesion"] or households.get(r["entry_id"])
        if who and r["care_category"]:
            key = (r["care_category"], r["entry__period_start"], r["entry__period_end"], who)
            care[key] += int(r["cents"])
        else:
            unattributed = True
    return MoneyFacts(
        lines,
        [CareLine(c, v, s, e, h) for (c, s, e, h), v in care.items()],
        # The guarantee tables' care categories, by their names in the offer (a category
        # claims posts that no table names is shown as posted).
        CATEGORY_LABELS,
        unattributed,
    )
