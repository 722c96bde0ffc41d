"""Décomptes and what staff read of a member's claims (the shell of
:mod:`mutuelle.claims.decompte`): the current settlements of an adhesion, their explanation
rendered from the stored steps, the PDF through the documents app."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from mutuelle.benefits import PlanError, compile_plan, step_from_dict
from mutuelle.claims.decompte import DecompteAct, decompte_document
from mutuelle.claims.labels import BenefitLabel, benefit_label
from mutuelle.documents import Document, DocumentKind
from mutuelle.journal import Account, AccountKind
from mutuelle.money import format_euros
from mutuelle.web.claims import models as m
from mutuelle.web.documents import services as documents
from mutuelle.web.documents.models import ProducedDocument
from mutuelle.web.journal import services as journal
from mutuelle.web.members.models import Adhesion


@dataclass(frozen=True)
class Shown:
    """A current settlement as staff read it."""

    row: m.Settlement
    who: str
    reasons: tuple[str, ...]
    ceiling_left: str
    label: str = ""  # the guarantee line, in the table's words (never the engine's code)
    section: str = ""  # its section of the guarantee table


def month(text: str) -> tuple[dt.date, dt.date]:
    """``YYYY-MM`` → its first and last day; ValueError with a French message otherwise."""
    try:
        year, mon = (int(x) for x in text.split("-"))
        start = dt.date(year, mon, 1)
    except ValueError:
        raise ValueError(f"période invalide {text!r} (format AAAA-MM)") from None
    return start, dt.date(year, mon, calendar.monthrange(year, mon)[1])


def _ceiling_left(ceilings: list[dict[str, Any]]) -> str:
    parts = []
    for c in ceilings:
        left = max(0, int(c["limit"]) - int(c["used_before"]) - int(c["consumed"]))
        value = format_euros(left) if c["unit"] == "cents" else f"{left} {c['unit']}"
        parts.append(f"{c['label']} ({c['period']}) : reste {value}")
    return " ; ".join(parts)


def _reasons(row: m.Settlement, label: str) -> tuple[str, ...]:
    if row.reason:
        return (row.reason,)
    out = []
    for d in row.explanation:
        try:
            out.append(step_from_dict(d).rule)
        except (KeyError, ValueError, TypeError):
            continue
    formula = f", formule {row.formula}" if row.formula else ""
    return tuple(out) or (f"ligne de garantie « {label} »{formula}",)


def _label(offer: str, row: m.Settlement) -> BenefitLabel:
    """The settlement's guarantee line in the table's words (docs I-251)."""
    try:
        plan = compile_plan(offer, row.range)
    except PlanError:
        plan = None
    found = benefit_label(plan, row.benefit, row.line.event, row.formula) if plan else None
    return found or BenefitLabel(f"prestation « {row.benefit} »", "")


def current_settlements(
    adhesion: Adhesion, period: tuple[dt.date, dt.date] | None = None
) -> list[Shown]:
    """The adhesion's current settlements (highest version per line), in care-date order."""
    qs = m.Settlement.objects.filter(adhesion=adhesion).select_related("person", "line")
    if period is not None:
        qs = qs.filter(care_date__gte=period[0], care_date__lte=period[1])
    last: dict[int, m.Settlement] = {}
    for s in qs.order_by("line_id", "version"):
        last[s.line_id] = s
    rows = sorted(last.values(), key=lambda s: (s.care_date, s.line.reception))
    out = []
    for s in rows:
        label = _label(adhesion.offer, s)
        who = f"{s.person.first_name} {s.person.last_name}"
        reasons = _reasons(s, label.label)
        out.append(Shown(s, who, reasons, _ceiling_left(s.ceilings), label.label, label.section))
    return out


MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")  # fmt: skip


def months_of(shown: list[Shown]) -> list[tuple[str, str]]:
    """The months that have care, newest first: (``YYYY-MM``, « d'octobre 2026 »)."""
    seen = sorted({(s.row.care_date.year, s.row.care_date.month) for s in shown}, reverse=True)
    out = []
    for y, mo in seen:
        name = MONTH_NAMES[mo - 1]
        out.append((f"{y}-{mo:02d}", f"{'d’' if name[0] in 'aeiou' else 'de '}{name} {y}"))
    return out


def undue_of(adhesion: Adhesion) -> int:
    """What the member owes on benefits (a debit balance of their payable account, V-9)."""
    return max(
        0, journal.balance_of(Account(AccountKind.benefits_payable, adhesion=adhesion.number))
    )


def decompte(adhesion: Adhesion, period: tuple[dt.date, dt.date]) -> Document:
    acts: dict[str, list[DecompteAct]] = {}
    for shown in current_settlements(adhesion, period):
        s = shown.row
        if s.status == "cancelled":
            continue
        acts.setdefault(shown.who, []).append(
            DecompteAct(
                date=s.care_date,
                label=shown.label,
                billed_cents=s.billed_cents,
                amo_cents=s.amo_paid_cents,
                mutuelle_cents=s.mutuelle_cents,
                remainder_cents=s.out_of_pocket_cents,
                reason=" ".join(shown.reasons),
                ceiling_left=shown.ceiling_left,
                revised=s.version > 1,
            )
        )
    payments = [
        (p["batch__pay_date"], int(p["total"]))
        for p in m.Payment.objects.filter(payable_adhesion=adhesion.number, status="sent")
        .values("batch__pay_date")
        .annotate(total=Sum("cents"))
        .order_by("batch__pay_date")
    ]
    member = adhesion.member
    address = [x for x in (member.address, f"{member.postcode} {member.city}".strip()) if x]
    return decompte_document(
        adhesion_no=adhesion.number,
        member=f"{member.first_name} {member.last_name}",
        address=address,
        period=period,
        acts=acts,
        payments=payments,
        undue_cents=undue_of(adhesion),
        issued_at=timezone.now(),
    )


def produce_decompte(adhesion: Adhesion, period: tuple[dt.date, dt.date]) -> ProducedDocument:
    return documents.produce(
        decompte(adhesion, period),
        kind=DocumentKind.decompte,
        owner=adhesion,
        offer=adhesion.offer,
    )
