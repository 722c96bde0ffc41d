"""Importing the bank's returns (pain.002, camt.054) exactly once.

A file is imported once (its SHA-256 is unique); each return once (end-to-end id, reason and
stage unique). Every line must match a transaction we sent, with the same amount; a whole-file
or whole-block reject is expanded to the transactions of that file or block. Any problem
refuses the whole file with the list of problems: nothing is half-applied.

Domains react to new returns through handlers registered per transaction ``purpose``
(``register_return_handler("contribution", billing_handler)``), called inside the import's
transaction: a handler that raises rolls the whole import back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from mutuelle import sepa
from mutuelle.web.payments.models import (
    BankReturnFile,
    BankReturnLine,
    Mandate,
    MandateAmendment,
    SepaFile,
    SepaTransaction,
)
from mutuelle.web.payments.services import write_file

ReturnHandler = Callable[[Sequence[BankReturnLine]], None]
_HANDLERS: dict[str, ReturnHandler] = {}


def register_return_handler(purpose: str, handler: ReturnHandler) -> None:
    """``handler(lines)`` receives the new returns of transactions of ``purpose``."""
    _HANDLERS[purpose] = handler


class ReturnImportError(Exception):
    """The file is refused whole; ``problems`` lists every reason (French)."""

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)

    def __str__(self) -> str:
        return "\n".join([self.message, *(f"  - {p}" for p in self.problems)])


@dataclass(slots=True)
class ReturnImport:
    file: BankReturnFile
    created: bool
    report: sepa.BankReturnReport | None
    new_lines: list[BankReturnLine] = field(default_factory=list)
    duplicates: int = 0

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.new_lines)


@dataclass(frozen=True, slots=True)
class _Candidate:
    tx: SepaTransaction
    line: sepa.ReturnLine


def import_bank_returns(data: bytes, *, name: str = "", actor: Any = None) -> ReturnImport:
    digest = hashlib.sha256(data).hexdigest()
    known = BankReturnFile.objects.filter(sha256=digest).first()
    if known is not None:
        return ReturnImport(file=known, created=False, report=None)
    try:
        report = sepa.parse_bank_file(data)
    except sepa.SepaError as exc:
        raise ReturnImportError(exc.message, exc.details) from exc
    candidates, problems = _match(report)
    if problems:
        raise ReturnImportError(
            f"fichier de retour refusé ({len(problems)} problème(s)) : rien n'est importé",
            problems,
        )
    with transaction.atomic():
        if BankReturnFile.objects.select_for_update().filter(sha256=digest).exists():
            return ReturnImport(
                file=BankReturnFile.objects.get(sha256=digest), created=False, report=report
            )
        existing = set(
            BankReturnLine.objects.filter(
                end_to_end_id__in=[c.line.end_to_end_id for c in candidates]
            ).values_list("end_to_end_id", "reason_code", "stage")
        )
        fresh: list[_Candidate] = []
        seen: set[tuple[str, str, str]] = set()
        duplicates = 0
        for c in candidates:
            key = (c.line.end_to_end_id, c.line.reason.code, c.line.stage.value)
            if key in existing or key in seen:
                duplicates += 1
                continue
            seen.add(key)
            fresh.append(c)
        relative = f"returns/{digest[:2]}/{digest}.xml"
        write_file(relative, data)
        record = BankReturnFile.objects.create(
            sha256=digest,
            message_type=report.message_type,
            schema=report.schema,
            message_id=report.message_id[:35],
            original_message_ids=list(report.original_message_ids),
            original_name=name[:200],
            path=relative,
            line_count=len(fresh),
            imported_by=actor,
        )
        lines = [
            BankReturnLine(
                file=record,
                transaction=c.tx,
                end_to_end_id=c.line.end_to_end_id,
                stage=c.line.stage.value,
                reason_code=c.line.reason.code,
                reason_label=c.line.reason.label[:200],
                next_step=c.line.reason.next.value,
                amount_cents=c.tx.amount_cents,
                booked_on=c.line.booked_on,
                charge_cents=c.line.charge_cents,
            )
            for c in fresh
        ]
        BankReturnLine.objects.bulk_create(lines, batch_size=2000)
        lines = list(BankReturnLine.objects.filter(file=record).select_related("transaction__file"))
        _undo_presentation([line for line in lines if line.stage == sepa.ReturnStage.REJECT])
        by_purpose: dict[str, list[BankReturnLine]] = {}
        for line in lines:
            by_purpose.setdefault(line.transaction.purpose, []).append(line)
        for purpose, group in by_purpose.items():
            handler = _HANDLERS.get(purpose)
            if handler is not None:
                handler(group)
    return ReturnImport(
        file=record, created=True, report=report, new_lines=lines, duplicates=duplicates
    )


def _match(report: sepa.BankReturnReport) -> tuple[list[_Candidate], list[str]]:
    problems: list[str] = []
    candidates: list[_Candidate] = []
    for group in report.group_rejects:
        sent = SepaFile.objects.filter(message_id=group.original_message_id).first()
        if sent is None:
            problems.append(f"fichier d'origine inconnu : {group.original_message_id}")
            continue
        txs = SepaTransaction.objects.filter(file=sent)
        if group.payment_info_id:
            txs = txs.filter(payment_info_id=group.payment_info_id)
        for tx in txs.order_by("id").iterator(chunk_size=2000):
            candidates.append(
                _Candidate(
                    tx,
                    sepa.ReturnLine(
                        end_to_end_id=tx.end_to_end_id,
                        stage=sepa.ReturnStage.REJECT,
                        status="RJCT",
                        reason=group.reason,
                        amount_cents=tx.amount_cents,
                        original_message_id=group.original_message_id,
                        payment_info_id=tx.payment_info_id,
                        mandate_id=None,
                    ),
                )
            )
    ids = [line.end_to_end_id for line in report.lines]
    found: dict[str, SepaTransaction] = {}
    for start in range(0, len(ids), 5000):
        found.update(
            SepaTransaction.objects.select_related("file", "mandate").in_bulk(
                ids[start : start + 5000], field_name="end_to_end_id"
            )
        )
    for line in report.lines:
        sent_tx = found.get(line.end_to_end_id)
        if sent_tx is None:
            problems.append(f"{line.end_to_end_id} : référence inconnue (aucune opération émise)")
            continue
        if line.amount_cents is not None and line.amount_cents != sent_tx.amount_cents:
            problems.append(
                f"{line.end_to_end_id} : montant {line.amount_cents / 100:.2f} € au lieu de "
                f"{sent_tx.amount_cents / 100:.2f} € émis"
            )
            continue
        sent_rum = sent_tx.mandate.rum if sent_tx.mandate else None
        if line.mandate_id and sent_rum and line.mandate_id != sent_rum:
            problems.append(
                f"{line.end_to_end_id} : mandat {line.mandate_id} inconnu pour cette opération "
                f"(émise sous le mandat {sent_rum})"
            )
            continue
        if line.original_message_id and line.original_message_id != sent_tx.file.message_id:
            problems.append(
                f"{line.end_to_end_id} : fichier d'origine {line.original_message_id} au lieu "
                f"de {sent_tx.file.message_id}"
            )
            continue
        candidates.append(_Candidate(sent_tx, line))
    return candidates, problems


def _undo_presentation(rejects: Sequence[BankReturnLine]) -> None:
    """A debit rejected before settlement was never collected (I-122): a mandate whose first
    collection it was goes back to FRST, and an amendment it announced is announced again."""
    for line in rejects:
        tx = line.transaction
        if tx.mandate_id is None:
            continue
        if tx.sequence == sepa.SequenceType.FIRST.value:
            Mandate.objects.filter(pk=tx.mandate_id, first_collected_on=tx.file.date).update(
                first_collected_on=None
            )
        MandateAmendment.objects.filter(reported_in=tx).update(reported_in=None)
