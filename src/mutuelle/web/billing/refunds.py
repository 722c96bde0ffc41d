"""Refunds of contributions on renunciation, termination and death, by SEPA credit transfer.

After an adhesion ends, the yearly call is regularised (``mutuelle bill`` or
:func:`mutuelle.web.billing.services.call_adhesion`): the instalments after the last covered day
are called down, at the prorata the règlement defines for the month of the end (the pricing
core's, docs I-01). What the member then paid beyond what is called is the member's account's
credit (a negative balance): it is refunded, once, by a pain.001.001.09 file (produced and
XSD-validated by :func:`mutuelle.web.payments.services.produce_transfer_file`) and a
``refund`` entry per transfer, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Sum

from mutuelle.journal import Account, AccountKind, Entry, EntryKind, Posting
from mutuelle.money import format_euros
from mutuelle.web.journal import services as journal
from mutuelle.web.journal.models import JournalPosting
from mutuelle.web.members.models import Adhesion
from mutuelle.web.payments import services as payments
from mutuelle.web.payments.models import Mandate, SepaFile

PURPOSE = "contribution_refund"
SOURCE = (
    "Règlement particuliers I-6-4 (renonciation : remboursement sous 30 jours), I-11-1 et I-11-4 "
    "(résiliation, décès : remboursement prorata temporis) — docs I-169"
)


@dataclass(slots=True)
class RefundReport:
    date: dt.date
    file: SepaFile | None
    created: bool
    refunds: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def refundable(on: dt.date) -> list[tuple[Adhesion, int]]:
    """Ended adhesions (last covered day before ``on``) whose account is in credit."""
    credits = dict(
        JournalPosting.objects.filter(account=AccountKind.member_contributions.value)
        .values("adhesion")
        .annotate(t=Sum("cents"))
        .filter(t__lt=0)
        .values_list("adhesion", "t")
    )
    ended = Adhesion.objects.filter(number__in=list(credits), end__lt=on).select_related("member")
    return [(a, -int(credits[a.number])) for a in ended.order_by("number")]


def _account(a: Adhesion) -> tuple[str, str] | None:
    if a.iban:
        return a.iban, a.account_holder or f"{a.member.first_name} {a.member.last_name}"
    m = Mandate.objects.filter(adhesion=a).order_by("-signed_on", "-id").first()
    if m is not None:
        return payments.mandate_account(m).iban, m.debtor_name
    return None


def pay_refunds(on: dt.date, *, actor: Any = None) -> RefundReport:
    key = f"contribution-refund:{on.isoformat()}"
    existing = SepaFile.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return RefundReport(on, existing, False)
    todo: list[tuple[Adhesion, int, str, str]] = []
    report = RefundReport(on, None, False)
    for a, cents in refundable(on):
        where = _account(a)
        if where is None:
            report.skipped.append((a.number, "aucun IBAN connu : rembourser par un autre moyen"))
            continue
        todo.append((a, cents, *where))
    if not todo:
        return report
    entries = [
        Entry(
            key=f"refund:{a.number}:{on.isoformat()}",
            kind=EntryKind.refund,
            date=on,
            period_start=a.end or on,
            period_end=a.end or on,
            postings=(
                Posting(Account(AccountKind.member_contributions, a.number), cents),
                Posting(Account(AccountKind.bank), -cents),
            ),
            source=SOURCE,
            memo=f"Remboursement de cotisations par virement du {on:%d/%m/%Y} : "
            f"{format_euros(cents)} (adhésion cessée le {a.end:%d/%m/%Y})",
        )
        for a, cents, _, _ in todo
    ]
    with transaction.atomic():
        record, created = payments.produce_transfer_file(
            on,
            (
                payments.TransferInstruction(
                    reference=f"{a.number}:{on.isoformat()}",
                    amount_cents=cents,
                    creditor_name=name,
                    iban=iban,
                    remittance=f"Remboursement cotisations {a.number}",
                    purpose=PURPOSE,
                )
                for a, cents, iban, name in todo
            ),
            idempotency_key=key,
            actor=actor,
        )
        journal.post_many(entries, actor=actor, batch=key)
    report.file, report.created = record, created
    report.refunds = [(a.number, cents) for a, cents, _, _ in todo]
    return report
