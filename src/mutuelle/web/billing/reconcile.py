"""The billing invariant, checked from the journal (issue 10): for every adhesion and in
total, to the cent, **called = received + due + written off − refunded**, and the journal
balances. Each term is its own database sum over the member's contributions account, by the
kind of entry; ``due`` is the account's balance. A posting of another kind on that account (a
kind billing does not know) breaks the identity and is reported, as is any unbalanced entry,
and any collection file whose amount differs from the payments it recorded."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Sum

from mutuelle.journal import AccountKind, EntryKind
from mutuelle.web.journal.models import JournalPosting
from mutuelle.web.payments.models import SepaFile

CALLED = (
    EntryKind.contribution_call,
    EntryKind.contribution_regularisation,
    EntryKind.fee_called,
)
RECEIVED = (EntryKind.payment_received, EntryKind.payment_rejected)
WRITTEN_OFF = (EntryKind.write_off,)
REFUNDED = (EntryKind.refund,)
TERMS = ("called", "received", "due", "written_off", "refunded")


@dataclass(slots=True)
class Reconciliation:
    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    @property
    def total(self) -> dict[str, int]:
        out = dict.fromkeys(TERMS, 0)
        for r in self.rows.values():
            for t in TERMS:
                out[t] += r[t]
        return out

    @property
    def ok(self) -> bool:
        return not self.failures


def _holds(r: dict[str, int]) -> bool:
    return r["called"] == r["received"] + r["due"] + r["written_off"] - r["refunded"]


def reconcile() -> Reconciliation:
    out = Reconciliation()
    member = JournalPosting.objects.filter(account=AccountKind.member_contributions.value)
    rows: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TERMS, 0))
    # The reprise (docs I-110): its called entries count as called, its received ones (those
    # with a bank leg) as received.
    bank_leg = JournalPosting.objects.filter(
        entry_id=OuterRef("entry_id"), account=AccountKind.bank.value
    )
    grouped = (
        member.annotate(bank_leg=Exists(bank_leg))
        .values("adhesion", "entry__kind", "bank_leg")
        .annotate(total=Sum("cents"))
        .values_list("adhesion", "entry__kind", "bank_leg", "total")
        .order_by()
    )
    for adhesion, kind, bank_leg_, cents in grouped:
        r = rows[adhesion]
        cents = int(cents)
        r["due"] += cents
        k = EntryKind(kind)
        if k in CALLED or (k is EntryKind.opening and not bank_leg_):
            r["called"] += cents
        elif k in RECEIVED or (k is EntryKind.opening and bank_leg_):
            r["received"] -= cents
        elif k in WRITTEN_OFF:
            r["written_off"] -= cents
        elif k in REFUNDED:
            r["refunded"] += cents
        else:
            out.failures.append(f"{adhesion} : écriture « {k.label} » sur le compte cotisations")
    out.rows = dict(sorted(rows.items()))
    for number, r in out.rows.items():
        if not _holds(r):
            out.failures.append(
                f"{number} : appelé {r['called']} ≠ reçu {r['received']} + dû {r['due']} + "
                f"abandonné {r['written_off']} − remboursé {r['refunded']}"
            )
    total = JournalPosting.objects.aggregate(t=Sum("cents"))["t"] or 0
    if total != 0:
        out.failures.append(f"le journal ne s'équilibre pas : {total} centimes d'écart")
    unbalanced = (
        JournalPosting.objects.values("entry_id").annotate(t=Sum("cents")).exclude(t=0).count()
    )
    if unbalanced:
        out.failures.append(f"{unbalanced} écriture(s) déséquilibrée(s)")
    out.failures.extend(_files())
    return out


def _files() -> list[str]:
    """Each contribution collection file equals the payments it recorded."""
    problems: list[str] = []
    posted: dict[str, Any] = dict(
        JournalPosting.objects.filter(
            account=AccountKind.bank.value, entry__key__startswith="collect:"
        )
        .values("entry__batch")
        .annotate(t=Sum("cents"))
        .values_list("entry__batch", "t")
    )
    for f in SepaFile.objects.filter(idempotency_key__startswith="contribution-collect:"):
        got = int(posted.get(f.idempotency_key) or 0)
        if got != f.control_sum_cents:
            problems.append(
                f"fichier de prélèvement du {f.date:%d/%m/%Y} : {f.control_sum_cents} au fichier, "
                f"{got} au journal"
            )
    return problems
