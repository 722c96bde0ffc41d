"""Rejection fees, called from the bank-returns handler of billing's debits (inside the
import's transaction: a refusal here rolls the whole import back). The rule is the core's
(:func:`mutuelle.billing.fees.rejection_fee`); here: the adhesion and its range, the
``fee_called`` entries (once per return, by key), and what was done written on each return
line (``charge_note``), so staff see why a charge was or was not called back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from mutuelle import sepa
from mutuelle.billing import fees
from mutuelle.journal import Entry
from mutuelle.web.journal import services as journal
from mutuelle.web.members import services as members
from mutuelle.web.members.models import Adhesion
from mutuelle.web.payments.models import BankReturnFile, BankReturnLine


def on_returns(lines: Sequence[BankReturnLine]) -> None:
    """The rejection fee of each new return of billing's debits (lines of another caller's
    reference are left alone)."""
    from mutuelle.web.billing.collection import parse_reference  # collection imports us

    parsed: dict[int, tuple[str, dt.date, dt.date]] = {}
    for line in lines:
        ref = parse_reference(line.transaction.reference)
        if ref is not None:
            parsed[line.pk] = ref[:3]
    numbers = {number for number, _, _ in parsed.values()}
    adhesions = {a.number: a for a in Adhesion.objects.filter(number__in=numbers)}
    offers = {number: members.offer_for(a) for number, a in adhesions.items()}
    imported = dict(
        BankReturnFile.objects.filter(pk__in={line.file_id for line in lines}).values_list(
            "pk", "imported_at"
        )
    )  # one query, not one per line
    entries: list[Entry] = []
    noted: list[BankReturnLine] = []
    for line in lines:
        if line.pk not in parsed:
            continue
        number, start, end = parsed[line.pk]
        a = adhesions[number]
        reason = sepa.reason(line.reason_code)
        fee = fees.rejection_fee(
            offers[number], a.range, charge_cents=line.charge_cents, reason=reason
        )
        stage = sepa.ReturnStage(line.stage)
        entry = fees.fee_entry(
            fee,
            adhesion=number,
            end_to_end_id=line.end_to_end_id,
            reason=reason,
            stage=line.stage,
            stage_label=stage.label,
            on=line.booked_on or imported[line.file_id].date(),
            period_start=start,
            period_end=end,
        )
        if entry is not None:
            entries.append(entry)
        line.charge_note = fee.note[:300]
        noted.append(line)
    journal.post_many(entries)
    BankReturnLine.objects.bulk_update(noted, ["charge_note"], batch_size=2000)
