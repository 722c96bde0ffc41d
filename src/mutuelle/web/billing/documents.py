"""Billing's PDFs through the documents app: the call and its schedule (échéancier), the yearly
payment certificate (attestation de paiement). Rendering 30 000 of them is a batch run of its
own (``billing-documents``), after the call: the worker (or ``mutuelle serve``) runs it when
staff start it from the back office; ``mutuelle bill-documents`` runs it in its own process. Its
result says its rate (documents per second of work, and the minutes 30 000 would take)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from mutuelle.billing import letters, yearly_call
from mutuelle.documents import DocumentKind
from mutuelle.journal import AccountKind, EntryKind, moves_money
from mutuelle.refusal import Refusal
from mutuelle.web.billing import services
from mutuelle.web.billing.batches import BillableOfYear
from mutuelle.web.billing.unpaid import _addressee
from mutuelle.web.documents import services as documents
from mutuelle.web.jobs.framework import (
    ChunkOutcome,
    ItemError,
    ParameterError,
    register,
)
from mutuelle.web.jobs.models import BatchRun
from mutuelle.web.journal import services as journal
from mutuelle.web.members import services as members
from mutuelle.web.members.models import Adhesion

KINDS = {"call": DocumentKind.echeancier, "attestation": DocumentKind.attestation}
PAYMENT_KINDS = (EntryKind.payment_received, EntryKind.payment_rejected, EntryKind.refund)


def call_item(a: Adhesion, year: int, now: dt.datetime) -> documents.Item | None:
    lines = [
        letters.Line(s.start, s.end, s.due_on, s.ttc_cents, s.net_cents, s.tsa_cents, s.lfss_cents)
        for s in services.schedule(a.number, year)
    ]
    if not lines:
        return None
    existing = services.call_entries([a.number], year).get(a.number, [])
    call = yearly_call(members.offer_for(a), services.facts_of(a), year, existing, on=now.date())
    mode = a.get_payment_mode_display() or "non renseigné"
    doc = letters.call_document(_addressee(a), year, mode, lines, call.steps, now)
    return documents.Item(doc, DocumentKind.echeancier, a, a.offer)


def attestation_item(a: Adhesion, year: int, now: dt.datetime) -> documents.Item:
    member = journal.Account(AccountKind.member_contributions, a.number)
    payments: list[tuple[dt.date, str, int]] = []
    entries = journal.entries_of(a.number)
    for e in entries:
        if e.date.year != year or e.kind not in PAYMENT_KINDS or not moves_money(e):
            continue
        cents = -sum(p.cents for p in e.postings if p.account == member)
        if cents:
            payments.append((e.date, e.kind.label, cents))
    # What paid a rejection fee is not a contribution (docs I-243): the fees of the year that
    # the payments covered (the fees of earlier years first) are taken off the amount attested.
    fees = [
        (e.date, sum(p.cents for p in e.postings if p.account == member))
        for e in entries
        if e.kind is EntryKind.fee_called
    ]
    if fees:
        status = journal.contribution_status(a.number, entries)
        covered = status.fees_cents - status.fees_left_cents
        before = sum(c for d, c in fees if d.year < year)
        of_year = sum(c for d, c in fees if d.year == year)
        paid_fees = min(of_year, max(0, covered - before))
        if paid_fees > 0:
            last = max(d for d, _ in fees if d.year == year)
            label = "Frais de rejet réglés (ne sont pas des cotisations)"
            payments.append((last, label, -paid_fees))
    called = sum(s.ttc_cents for s in services.schedule(a.number, year))
    doc = letters.attestation_document(
        _addressee(a),
        year,
        payments,
        called,
        now,
        "Règlement particuliers III-2-2 (paiement des cotisations) ; journal des cotisations",
    )
    return documents.Item(doc, DocumentKind.attestation, a, a.offer)


@register
class BillingDocuments(BillableOfYear):
    name = "billing-documents"
    label = "PDF des appels de cotisation (échéanciers) ou des attestations de paiement"
    chunk_size = 100

    def clean(self, params: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(params) - {"year", "kind", "per_chunk"}
        if unknown:
            raise ParameterError(f"paramètre inconnu : {', '.join(sorted(unknown))}")
        try:
            year = int(params.get("year", ""))
        except ValueError:
            raise ParameterError("year : une année civile (2027)") from None
        kind = str(params.get("kind", ""))
        if kind not in KINDS:
            raise ParameterError("kind : « call » (échéanciers) ou « attestation »")
        out: dict[str, Any] = {"year": year, "kind": kind}
        if "per_chunk" in params:
            out["per_chunk"] = max(1, min(1000, int(params["per_chunk"])))
        return out

    def process(
        self, run: BatchRun, params: Mapping[str, Any], items: Sequence[Any]
    ) -> ChunkOutcome:
        began = time.perf_counter()
        year, kind = int(params["year"]), params["kind"]
        now = timezone.now()
        todo: list[documents.Item] = []
        errors: list[ItemError] = []
        for a in services.with_facts(Adhesion.objects.filter(pk__in=[i["pk"] for i in items])):
            try:
                item = call_item(a, year, now) if kind == "call" else attestation_item(a, year, now)
            except Refusal as exc:  # a refusal of a core: reported for this adhesion
                errors.append(ItemError(a.number, exc.message))
                continue
            if item is not None:
                todo.append(item)
        made = documents.produce_many(todo, batch=f"run-{run.pk}", actor=run.started_by)
        elapsed_ms = round((time.perf_counter() - began) * 1000)
        return ChunkOutcome(errors=errors, counts={"documents": made, "work_ms": elapsed_ms})

    def finish(self, run: BatchRun, params: Mapping[str, Any]) -> dict[str, Any]:
        """The run's rate: documents per second of work (the chunks' own time, summed, so a
        run resumed after a stop is not charged for the stop), and what 30 000 would take at
        that rate."""
        return rate(int(run.result.get("documents", 0)), int(run.result.get("work_ms", 0)))


CITY = 30_000  # households of the city (issue 10's scale)


def rate(made: int, work_ms: int) -> dict[str, Any]:
    """``documents_per_second`` and ``minutes_for_30000`` of a billing-documents run."""
    if made <= 0 or work_ms <= 0:
        return {}
    per_second = made * 1000 / work_ms
    return {
        "documents_per_second": round(per_second, 2),
        "minutes_for_30000": round(CITY / per_second / 60, 1),
    }
