"""The back office of claims, under ``/gestion/prestations/`` (staff with 2FA, through the
admin site's ``admin_view``): a member's claims with each settlement's explanation, the
rejection queue (fix a line, resubmit it: the same path as a file line), a claim keyed by
staff, the payment batches. Reads of a member's claims are logged (audit.log_read)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from mutuelle.claims.lines import FIELDS
from mutuelle.money import format_euros
from mutuelle.web.claims import models as m
from mutuelle.web.claims import payouts, services, statements
from mutuelle.web.members.models import Adhesion
from mutuelle.web.security import audit

EDITABLE = [f for f in FIELDS if f not in ("label",)] + ["label"]


def _need(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def member_claims(request: HttpRequest, number: str) -> HttpResponse:
    _need(request, "claims.view_settlement")
    adhesion = get_object_or_404(Adhesion, number=number)
    shown = statements.current_settlements(adhesion)
    audit.log_read(request, adhesion, what="prestations (règlements et explications)")
    links = m.NoemieLink.objects.filter(adhesion=adhesion).select_related("person")
    return render(
        request,
        "claims/member.html",
        {
            "title": f"Prestations — {adhesion.number}",
            "adhesion": adhesion,
            "shown": shown,
            "total": format_euros(sum(s.row.mutuelle_cents for s in shown)),
            "undue": format_euros(statements.undue_of(adhesion)),
            "payments": m.Payment.objects.filter(payable_adhesion=number).select_related("batch"),
            "rejections": m.Rejection.objects.filter(adhesion_no=number, resolved_at=None),
            "links": links,
        },
    )


def rejections(request: HttpRequest) -> HttpResponse:
    _need(request, "claims.view_rejection")
    rows = m.Rejection.objects.filter(resolved_at=None).order_by("-id")[:500]
    return render(
        request, "claims/rejections.html", {"title": "Lignes rejetées à traiter", "rows": rows}
    )


class LineForm(forms.Form):
    """The fields of the claim-line format (docs/claims-format.md), as text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in EDITABLE:
            self.fields[name] = forms.CharField(label=name, required=False, max_length=200)


def _resubmit(request: HttpRequest, form: LineForm) -> services.Outcome:
    record = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
    ingest = services.Ingest(actor=request.user.get_username())
    [outcome] = ingest.process([(0, record, True)], None)
    return outcome


def fix_rejection(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, "claims.change_rejection")
    rej = get_object_or_404(m.Rejection, pk=pk)
    initial = {k: ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v))
               for k, v in rej.record.items() if k in EDITABLE}  # fmt: skip
    form = LineForm(request.POST or None, initial=initial)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = _resubmit(request, form)
        if outcome.status == "settled":
            rej.resolved_at = timezone.now()
            rej.resolved_by = request.user.get_username()
            rej.save(update_fields=["resolved_at", "resolved_by"])
            messages.success(
                request,
                f"Ligne {outcome.line_id} réglée : {format_euros(outcome.mutuelle_cents)}.",
            )
            return redirect(reverse("claims:rejections"))
    return render(
        request,
        "claims/line_form.html",
        {"title": f"Corriger la ligne {rej.line_id or rej.line_no}", "form": form,
         "rejection": rej, "outcome": outcome},
    )  # fmt: skip


def manual_claim(request: HttpRequest, number: str) -> HttpResponse:
    """A claim keyed by staff (care outside the AMO: osteopath, lenses, birth bonus), with the
    justificatifs of the règlement's annex; settled through the same path as a file line."""
    _need(request, "claims.add_claimline")
    adhesion = get_object_or_404(Adhesion, number=number)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    initial = {
        "source": "manual",
        "emitter": request.user.get_username(),
        "line_id": f"S-{stamp}",
        "adhesion_no": adhesion.number,
        "beneficiary_rank": "1",
        "beneficiary_birth_date": adhesion.member.birth_date.isoformat(),
        "br_cents": "0",
        "amo_cents": "0",
    }
    form = LineForm(request.POST or None, initial=initial)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = _resubmit(request, form)
        if outcome.status == "settled":
            messages.success(request, f"Saisie réglée : {format_euros(outcome.mutuelle_cents)}.")
            return redirect(reverse("claims:member", args=[number]))
    return render(
        request,
        "claims/line_form.html",
        {"title": f"Saisir une demande — {adhesion.number}", "form": form, "outcome": outcome,
         "manual": True},
    )  # fmt: skip


def batches(request: HttpRequest) -> HttpResponse:
    _need(request, "claims.view_paymentbatch")
    rows = m.PaymentBatch.objects.order_by("-pay_date")[:200]
    returned = {
        p["batch_id"]
        for p in m.Payment.objects.filter(status="returned").values("batch_id").distinct()
    }
    return render(
        request,
        "claims/batches.html",
        {"title": "Virements de prestations", "rows": rows, "returned": returned,
         "totals": {k: format_euros(v) for k, v in payouts.totals().items()},
         "today": dt.date.today()},
    )  # fmt: skip
