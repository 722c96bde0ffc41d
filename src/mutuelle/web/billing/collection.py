"""Collecting the schedule by SEPA direct debit, and what the bank's returns do to it.

* :func:`due_debits`: the instalments of billing's calls that fall due on or before a day
  (docs I-163), for adhesions paying by direct debit with an active mandate, not yet presented
  (or rejected for a reason that allows one more presentation, docs I-167), still unpaid.
* :func:`collect`: the pain.008 of those instalments (one file per collection date, produced by
  :func:`mutuelle.web.payments.services.produce_debit_file`, XSD-validated, FRST/RCUR from the
  mandate), and a ``payment_received`` entry per debit, in one transaction: the money is
  counted as received on the collection date; a rejection or a return undoes it.
* :func:`on_returns`: the bank-returns handler of purpose ``contribution``: each rejected or
  returned debit gives a ``payment_rejected`` entry (ISO reason code in its memo), which puts
  the instalment back as owed; it is presented again at the next collection when the reason
  allows it, otherwise it goes to the unpaid process (``mutuelle unpaid``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, Sum

from mutuelle import sepa
from mutuelle.billing.call import CALL_KINDS
from mutuelle.gcpause import cyclic_gc_paused
from mutuelle.journal import Account, AccountKind, Entry, EntryKind, Posting
from mutuelle.money import format_euros
from mutuelle.web.among import among
from mutuelle.web.billing import fees
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.models import JournalEntry, JournalPosting
from mutuelle.web.members.models import Adhesion
from mutuelle.web.payments import returns as bank_returns
from mutuelle.web.payments import services as payments
from mutuelle.web.payments.models import (
    BankReturnLine,
    Mandate,
    MandateStatus,
    SepaFile,
    SepaTransaction,
)

PURPOSE = "contribution"
MAX_PRESENTATIONS = 2  # docs I-167: one re-presentation of a debit the reason allows
REPRESENTABLE = frozenset({sepa.NextStep.REPRESENT.value, sepa.NextStep.TECHNICAL.value})
SOURCE_COLLECT = "Règlement particuliers III-2-2 (prélèvement, échéancier) — docs I-163, I-167"
SOURCE_REJECT = (
    "Règlement particuliers III-2-3 Défaut de paiement ; III-2-4 Frais de gestion — docs I-167, "
    "G-70"
)


@dataclass(frozen=True, slots=True)
class DueDebit:
    number: str
    mandate_id: int
    start: dt.date
    end: dt.date
    cents: int
    presentation: int  # 1: first presentation, 2: re-presentation

    @property
    def reference(self) -> str:
        return f"{self.number}:{self.start.isoformat()}:{self.end.isoformat()}:p{self.presentation}"


@dataclass(slots=True)
class CollectReport:
    date: dt.date
    file: SepaFile | None
    created: bool
    debits: list[DueDebit] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (adhesion, why)

    @property
    def total_cents(self) -> int:
        return sum(d.cents for d in self.debits)


def parse_reference(reference: str) -> tuple[str, dt.date, dt.date, int] | None:
    """The instalment and presentation of one of billing's debit references (None: another
    caller's reference)."""
    try:
        number, start, end, p = reference.rsplit(":", 3)
        return number, dt.date.fromisoformat(start), dt.date.fromisoformat(end), int(p[1:])
    except ValueError:
        return None


def _open(on: dt.date, numbers: Any) -> dict[tuple[str, dt.date, dt.date], tuple[int, int]]:
    """The called instalments starting on or before ``on`` that may still be presented: their
    called amount and how many times they were presented (issue 10: a bounded answer).

    One aggregate of the member accounts, by instalment: the amount of the call and of its
    regularisations, the presentations (``collect:`` entries) and the rejections of a
    presentation (``payment_rejected`` entries that reverse one). An instalment with a
    presentation the bank did not reject is settled by debit and left out by the database, so
    December's collection reads the month's instalments and the few rejected ones, not the
    whole year's calls and presentations (which made each month slower than the one before).
    A presentation is made only after the previous one was rejected, so « every presentation
    rejected » is « the last one rejected »: what :func:`due_debits` then decides from the
    rejection's next step (docs I-167)."""
    called = Q(entry__kind__in=[k.value for k in CALL_KINDS], entry__key__startswith="bill:")
    presented = Q(entry__kind=EntryKind.payment_received.value, entry__key__startswith="collect:")
    rejected = Q(
        entry__kind=EntryKind.payment_rejected.value, entry__reverses__startswith="collect:"
    )
    kinds = [k.value for k in CALL_KINDS] + [
        EntryKind.payment_received.value,
        EntryKind.payment_rejected.value,
    ]
    rows = (
        JournalPosting.objects.filter(
            account=AccountKind.member_contributions.value,
            adhesion__in=numbers,
            entry__kind__in=kinds,
            entry__period_start__lte=on,
        )
        .values_list("adhesion", "entry__period_start", "entry__period_end")
        .annotate(
            called=Sum("cents", filter=called),
            presented=Count("pk", filter=presented),
            rejected=Count("pk", filter=rejected),
        )
        .filter(called__gt=0, presented__lte=F("rejected"))
    )
    return {(a, s, e): (int(c), int(p)) for a, s, e, c, p, _ in rows}


def _presentations(
    instalments: Sequence[tuple[str, dt.date, dt.date, int]],
) -> dict[tuple[str, dt.date, dt.date], list[Any]]:
    """Earlier presentations of each ``(adhesion, start, end, times presented)``, with the
    next step of their reject, if any: looked up by their references (one per presentation,
    numbered from 1), in the order they were presented (the last one decides, below)."""
    out: dict[tuple[str, dt.date, dt.date], list[Any]] = defaultdict(list)
    refs = [
        DueDebit(number, 0, start, end, 0, p).reference
        for number, start, end, times in instalments
        for p in range(1, max(times, MAX_PRESENTATIONS) + 1)
    ]
    for part in range(0, len(refs), 5000):
        txs = list(
            among(
                SepaTransaction.objects.filter(purpose=PURPOSE),
                "reference",
                refs[part : part + 5000],
            )
            .order_by("pk")
            .values_list("pk", "reference")
        )
        rejected = dict(
            among(
                BankReturnLine.objects.order_by(), "transaction", [pk for pk, _ in txs]
            ).values_list("transaction_id", "next_step")
        )
        for pk, ref in txs:
            parsed = parse_reference(ref)
            if parsed is not None:
                number, start, end, _ = parsed
                out[(number, start, end)].append(rejected.get(pk, ""))
    return out


def _settled_otherwise(numbers: Any) -> set[str]:
    """Adhesions with money received other than by billing's debits (a transfer, a cheque…):
    their instalments are checked against the journal's imputation (docs I-166)."""
    ids = JournalPosting.objects.filter(
        adhesion__in=numbers, account=AccountKind.member_contributions.value
    ).values("entry_id")
    rows = (
        JournalEntry.objects.filter(pk__in=ids, kind=EntryKind.payment_received.value)
        .exclude(key__startswith="collect:")
        .values_list("postings__adhesion", flat=True)
    )
    return {a for a in rows if a}


def due_debits(on: dt.date) -> tuple[list[DueDebit], list[tuple[str, str]]]:
    """The debits to present on ``on`` and the adhesions left out, with why."""
    numbers = Adhesion.objects.filter(payment_mode="direct_debit").values("number")
    called = _open(on, numbers)
    if not called:
        return [], []
    concerned = sorted({n for n, _, _ in called})
    # The adhesions on direct debit by a subquery, not a list of 30 000 numbers (issue 10): a
    # superset of ``concerned``, looked up by number only.
    mandates = dict(
        Mandate.objects.filter(
            status=MandateStatus.ACTIVE, adhesion__number__in=numbers, signed_on__lte=on
        ).values_list("adhesion__number", "pk")
    )
    before = _presentations([(n, s, e, p) for (n, s, e), (_, p) in called.items() if p])
    other = _settled_otherwise(numbers) & set(concerned)
    left: dict[tuple[str, dt.date, dt.date], int] = {}
    for number in other:
        status = journal.contribution_status(number)
        for p in status.periods:
            left[(number, p.start, p.end)] = p.left_cents
    debits: list[DueDebit] = []
    skipped: list[tuple[str, str]] = []
    no_mandate: set[str] = set()
    for (number, start, end), (cents, _) in sorted(called.items()):
        past = before.get((number, start, end), [])
        if past and (
            past[-1] == "" or past[-1] not in REPRESENTABLE or len(past) >= MAX_PRESENTATIONS
        ):
            continue  # presented and not rejected, or rejected for good: the unpaid process
        if number in other:
            cents = min(cents, left.get((number, start, end), 0))
        if cents <= 0:
            continue
        mandate = mandates.get(number)
        if mandate is None:
            if number not in no_mandate:
                no_mandate.add(number)
                skipped.append((number, f"aucun mandat SEPA actif signé au {on:%d/%m/%Y}"))
            continue
        debits.append(DueDebit(number, mandate, start, end, cents, len(past) + 1))
    return debits, skipped


def _received(d: DueDebit, on: dt.date) -> Entry:
    return Entry(
        key=f"collect:{d.reference}",
        kind=EntryKind.payment_received,
        date=on,
        period_start=d.start,
        period_end=d.end,
        postings=(
            Posting(Account(AccountKind.bank), d.cents),
            Posting(Account(AccountKind.member_contributions, d.number), -d.cents),
        ),
        source=SOURCE_COLLECT,
        memo=f"Prélèvement SEPA du {on:%d/%m/%Y} ({d.presentation}e présentation) : échéance du "
        f"{d.start:%d/%m/%Y} au {d.end:%d/%m/%Y}, {format_euros(d.cents)}",
    )


def collect(on: dt.date, *, actor: Any = None) -> CollectReport:
    """The collection of ``on``: its pain.008 and its entries, once (a second call for the
    same day returns the same file and posts nothing)."""
    key = f"contribution-collect:{on.isoformat()}"
    existing = SepaFile.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return CollectReport(on, existing, False)
    with cyclic_gc_paused():  # about a million objects built, none garbage (mutuelle.gcpause)
        return _collect(on, key, actor)


def _collect(on: dt.date, key: str, actor: Any) -> CollectReport:
    debits, skipped = due_debits(on)
    if not debits:
        return CollectReport(on, None, False, [], skipped)

    def entries() -> None:
        # Every key is new: it names the debit's presentation, counted from the transactions
        # of earlier files (a key is written with its transaction, in this same transaction),
        # and this date's file did not exist; the unique key guards a concurrent collection.
        # Posted while the pain.008 is being built (``alongside``), refused with it.
        journal.post_new([_received(d, on) for d in debits], actor=actor, batch=key)

    with transaction.atomic():
        record, created = payments.produce_debit_file(
            on,
            (
                payments.DebitInstruction(
                    d.mandate_id,
                    d.cents,
                    d.reference,
                    f"Cotisation {d.number} du {d.start:%d/%m/%Y} au {d.end:%d/%m/%Y}",
                    purpose=PURPOSE,
                )
                for d in debits
            ),
            idempotency_key=key,
            actor=actor,
            alongside=entries,
        )
    return CollectReport(on, record, created, debits, skipped)


# --- bank returns ----------------------------------------------------------------------------


def _rejected(line: BankReturnLine) -> Entry | None:
    parsed = parse_reference(line.transaction.reference)
    if parsed is None:
        return None  # not one of billing's debits
    number, start, end, presentation = parsed
    stage = "rejet" if line.stage == sepa.ReturnStage.REJECT.value else "retour"
    return Entry(
        key=f"reject:{line.end_to_end_id}:{line.reason_code}:{line.stage}",
        kind=EntryKind.payment_rejected,
        date=line.booked_on or line.file.imported_at.date(),
        period_start=start,
        period_end=end,
        postings=(
            Posting(Account(AccountKind.member_contributions, number), line.amount_cents),
            Posting(Account(AccountKind.bank), -line.amount_cents),
        ),
        source=SOURCE_REJECT,
        memo=f"Prélèvement {stage} ({presentation}e présentation), motif ISO "
        f"{line.reason_code} « {line.reason_label} » : {format_euros(line.amount_cents)} de "
        f"nouveau dû — suite : {sepa.NextStep(line.next_step).label}",
        reverses=f"collect:{line.transaction.reference}",
    )


def on_returns(lines: Sequence[BankReturnLine]) -> None:
    """Handler of the bank returns of purpose ``contribution`` (inside the import's
    transaction: a refusal here rolls the whole import back); then the rejection fee the
    bank charged, where the règlement allows it (:mod:`mutuelle.web.billing.fees`)."""
    journal.post_many(e for line in lines if (e := _rejected(line)) is not None)
    fees.on_returns(lines)


bank_returns.register_return_handler(PURPOSE, on_returns)
