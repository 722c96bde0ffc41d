"""Pay what is due: one pain.001.001.09 transfer file, paid once.

What is due is read from the journal: the credit balance of each ``benefits_payable`` account
(an adhesion: the member, Règlement particuliers V-7; a professional: third-party payment,
V-8). A run for a date is **one transaction**: the transfer file
(:func:`mutuelle.web.payments.services.produce_transfer_file`, XSD-validated, each reference
presented once), its payment rows and the ``benefit_paid`` journal entries (debit
``benefits_payable``, credit ``bank``). A crash leaves nothing of the run; a rerun of the same
date gives the same file back; a later date pays only what became due since. So, to the cent,
paid + due = settled.

A debit balance (the member owes: an undue payment after a revision or a cancellation,
Règlement particuliers V-9) is not paid: it is recovered from the next settlements by
compensation, as the règlement says (« par voie de compensation avec des Prestations
futures »), and shows as such in the back office.

The bank's rejects of a transfer come back through the payments app's return import
(:func:`handle_returns`, registered for the purpose ``benefit``): the payment is marked
returned and the amount is owed again (a ``payment_returned`` entry: debit ``bank``, credit
``benefits_payable``), to be paid once the bank details are fixed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Sum

from mutuelle.journal import Account, AccountKind, Entry, EntryKind, Posting
from mutuelle.web.claims import models as m
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.models import JournalPosting
from mutuelle.web.members.models import Adhesion
from mutuelle.web.payments import services as payments
from mutuelle.web.payments.models import BankReturnLine

PURPOSE = "benefit"
SOURCE_PAID = "Règlement particuliers V-7 Modalité de paiement des Prestations (l. 3304)"
SOURCE_UNDUE = "Règlement particuliers V-9 Prestations indues (l. 3340) : compensation"


@dataclass(frozen=True, slots=True)
class Due:
    adhesion: str  # "" for a professional
    party: str  # "" for a member
    cents: int  # > 0: owed to them; < 0: they owe (undue, recovered by compensation)

    @property
    def label(self) -> str:
        return self.adhesion or self.party


@dataclass
class PayResult:
    batch: m.PaymentBatch
    created: bool
    paid: list[m.Payment] = field(default_factory=list)
    without_iban: list[Due] = field(default_factory=list)
    undue: list[Due] = field(default_factory=list)


def dues() -> list[Due]:
    """The balance of every ``benefits_payable`` account (one aggregate query)."""
    rows = (
        JournalPosting.objects.filter(account=AccountKind.benefits_payable.value)
        .values("adhesion", "party")
        .annotate(total=Sum("cents"))
        .order_by("adhesion", "party")
    )
    out = []
    for r in rows:
        cents = -int(r["total"] or 0)
        if cents:
            out.append(Due(r["adhesion"] or "", r["party"] or "", cents))
    return out


def _ibans(due: Sequence[Due]) -> dict[str, tuple[str, str]]:
    """(name, IBAN) of each payee: the member's verified IBAN (else the active mandate's),
    a professional's IBAN from the latest of their lines that gives one."""
    out: dict[str, tuple[str, str]] = {}
    numbers = [d.adhesion for d in due if d.adhesion]
    for a in Adhesion.objects.filter(number__in=numbers).select_related("member"):
        name = a.account_holder or f"{a.member.first_name} {a.member.last_name}"
        iban = a.iban
        if not iban:
            mandate = payments.active_mandate(a)
            iban = payments.mandate_account(mandate).iban if mandate else ""
        if iban:
            out[a.number] = (name, iban)
    parties = [d.party for d in due if d.party]
    for ln in m.ClaimLine.objects.filter(
        practitioner_id__in=parties, payee="professional"
    ).order_by("reception"):
        iban = str(ln.record.get("professional_iban") or "")
        if iban:
            out[ln.practitioner_id] = (f"Professionnel de santé {ln.practitioner_id}", iban)
    return out


def pay(on: dt.date, *, actor: Any = None) -> PayResult:
    """Pay on ``on`` what is due; the batch of that date again if it was already made."""
    key = f"prestations:{on.isoformat()}"
    existing = m.PaymentBatch.objects.filter(key=key, status="done").first()
    if existing is not None:
        return PayResult(existing, False, list(existing.payments.all()))
    with transaction.atomic():
        batch, _ = m.PaymentBatch.objects.get_or_create(key=key, defaults={"pay_date": on})
        all_due = dues()
        entries: list[Entry] = []
        # undue payments (V-9): a member's debit is recorded as undue, then recovered from
        # what becomes due to them (compensation), before anything is paid
        undue = _undue_balances()
        netted: list[Due] = []
        for d in all_due:
            if d.party:
                netted.append(d)
                continue
            owed = undue.get(d.adhesion, 0)
            if d.cents < 0:
                entries.append(_undue_entry("undue_found", key, d.adhesion, -d.cents, on))
                undue[d.adhesion] = owed - d.cents
                continue
            r = min(owed, d.cents)
            if r:
                entries.append(_undue_entry("undue_recovered", key, d.adhesion, r, on))
                undue[d.adhesion] = owed - r
            if d.cents - r:
                netted.append(Due(d.adhesion, d.party, d.cents - r))
        positive = [d for d in netted if d.cents > 0]
        ibans = _ibans(positive)
        result = PayResult(batch, True)
        result.undue = [Due(a, "", -c) for a, c in sorted(undue.items()) if c > 0]
        result.undue += [d for d in netted if d.cents < 0]
        todo = [d for d in positive if d.label in ibans]
        result.without_iban = [d for d in positive if d.label not in ibans]
        instructions = []
        rows: list[m.Payment] = []
        for d in todo:
            name, iban = ibans[d.label]
            reference = f"{key}:{d.label}"
            instructions.append(
                payments.TransferInstruction(
                    reference=reference,
                    amount_cents=d.cents,
                    creditor_name=name,
                    iban=iban,
                    remittance=f"Remboursement de soins Mutuelle communale {on:%d/%m/%Y}",
                    purpose=PURPOSE,
                )
            )
            account = _account(d)
            entry = Entry(
                key=f"paid:{reference}",
                kind=EntryKind.benefit_paid,
                date=on,
                period_start=on,
                period_end=on,
                postings=(Posting(account, d.cents), Posting(Account(AccountKind.bank), -d.cents)),
                source=SOURCE_PAID,
                memo=f"Virement des prestations du {on:%d/%m/%Y} à {d.label}",
            )
            entries.append(entry)
            rows.append(
                m.Payment(
                    batch=batch,
                    payable_adhesion=d.adhesion,
                    payable_party=d.party,
                    cents=d.cents,
                    end_to_end=payments.end_to_end_id(PURPOSE, reference),
                    entry_key=entry.key,
                )
            )
        if not instructions and not entries:
            # nothing paid nor recorded: the date stays open, so that once the missing IBANs
            # are recorded the same date pays (an empty batch would be « already made »)
            transaction.set_rollback(True)
            return result
        if instructions:
            record, _ = payments.produce_transfer_file(
                on, instructions, idempotency_key=key, actor=actor
            )
            batch.sepa_file = record
        m.Payment.objects.bulk_create(rows, batch_size=1000)
        journal.post_many(entries, actor=actor, batch=key)
        batch.status = "done"
        batch.total_cents = sum(d.cents for d in todo)
        batch.count = len(todo)
        batch.save()
        result.paid = rows
    return result


def _undue_balances() -> dict[str, int]:
    """What each member owes on undue payments (the ``undue`` accounts' debit balances)."""
    rows = (
        JournalPosting.objects.filter(account=AccountKind.undue.value)
        .values("adhesion")
        .annotate(total=Sum("cents"))
    )
    return {r["adhesion"]: int(r["total"]) for r in rows if r["total"]}


def _undue_entry(kind: str, key: str, adhesion: str, cents: int, on: dt.date) -> Entry:
    """``undue_found``: the member's debit moves to ``undue``; ``undue_recovered``: a later
    settlement is set against it (Règlement particuliers V-9, compensation)."""
    payable = Account(AccountKind.benefits_payable, adhesion=adhesion)
    undue = Account(AccountKind.undue, adhesion=adhesion)
    found = kind == "undue_found"
    return Entry(
        key=f"{kind}:{key}:{adhesion}",
        kind=EntryKind(kind),
        date=on,
        period_start=on,
        period_end=on,
        postings=(Posting(undue, cents), Posting(payable, -cents))
        if found
        else (Posting(payable, cents), Posting(undue, -cents)),
        source=SOURCE_UNDUE,
        memo=(
            f"Indu constaté sur les prestations de {adhesion}"
            if found
            else f"Indu de {adhesion} récupéré sur ses nouvelles prestations"
        ),
    )


def _account(d: Due) -> Account:
    if d.party:
        return Account(AccountKind.benefits_payable, party=d.party)
    return Account(AccountKind.benefits_payable, adhesion=d.adhesion)


def handle_returns(lines: Sequence[BankReturnLine]) -> None:
    """A transfer the bank rejected or returned: owed again (inside the import's transaction)."""
    by_e2e = {p.end_to_end: p for p in m.Payment.objects.filter(
        end_to_end__in=[ln.end_to_end_id for ln in lines]
    )}  # fmt: skip
    entries = []
    for ln in lines:
        p = by_e2e.get(ln.end_to_end_id)
        if p is None or p.status == "returned":
            continue
        d = Due(p.payable_adhesion, p.payable_party, p.cents)
        entries.append(
            Entry(
                key=f"returned:{p.end_to_end}",
                kind=EntryKind.payment_returned,
                date=ln.booked_on or dt.date.today(),
                period_start=p.batch.pay_date,
                period_end=p.batch.pay_date,
                postings=(
                    Posting(Account(AccountKind.bank), p.cents),
                    Posting(_account(d), -p.cents),
                ),
                source=SOURCE_PAID,
                memo=f"Virement de prestations revenu ({ln.reason_code} {ln.reason_label}) : "
                f"{d.label}",
            )
        )
        p.status = "returned"
        p.save(update_fields=["status"])
    journal.post_many(entries)


def totals() -> dict[str, int]:
    """settled (the charge), paid (net of returns), due (what the payable accounts hold)."""
    settled = journal.balance_of(Account(AccountKind.benefits))
    t = journal.totals(
        kind=AccountKind.benefits_payable,
        entry_kinds=[EntryKind.benefit_paid, EntryKind.payment_returned],
    )
    paid = sum(t.values())
    due = sum(d.cents for d in dues()) - sum(_undue_balances().values())
    return {"settled_cents": settled, "paid_cents": paid, "due_cents": due}
