"""The back office of claims, under ``/gestion/prestations/`` (staff with 2FA, through the
admin site's ``admin_view``): a member's claims with each settlement's explanation, the
rejection queue (fix a line, resubmit it: the same path as a file line), a claim keyed by
staff, the payment batches. Reads of a member's claims are logged (audit.log_read)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
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
# The fields' names for staff (docs/claims-format.md, « Fields »); the format's name beside it.
LABELS = {
    "line_id": "Identifiant de la ligne",
    "source": "Origine (amo, tp_invoice, member_invoice, manual)",
    "emitter": "Émetteur (caisse, professionnel, adhérent, agent)",
    "adhesion_no": "Numéro d'adhésion",
    "beneficiary_birth_date": "Date de naissance du bénéficiaire (AAAA-MM-JJ)",
    "beneficiary_rank": "Rang du bénéficiaire (1 adhérent, 2 conjoint, 3… enfants)",
    "care_date": "Date des soins (AAAA-MM-JJ)",
    "billed_cents": "Frais réels (centimes)",
    "br_cents": "Base de remboursement (centimes)",
    "amo_cents": "Remboursé par l'Assurance Maladie (centimes)",
    "act_code": "Code de l'acte (Assurance Maladie)",
    "benefit": "Code de prestation (mutuelle benefits)",
    "decompte_id": "Numéro du décompte de l'Assurance Maladie",
    "reverses_line_id": "Ligne annulée (identifiant)",
    "care_end": "Fin des soins (AAAA-MM-JJ)",
    "quantity": "Quantité",
    "coefficient": "Coefficient",
    "amo_rate_bp": "Taux de l'Assurance Maladie (points de base)",
    "pf_cents": "Participation forfaitaire retenue (centimes)",
    "franchise_cents": "Franchise retenue (centimes)",
    "dptam": "Praticien adhérent OPTAM / OPTAM-CO (true / false)",
    "out_of_pathway": "Hors parcours de soins (true / false)",
    "practitioner_id": "Identifiant du professionnel (RPPS / AM)",
    "payee": "Payé à (member : l'adhérent, professional : le professionnel)",
    "professional_iban": "IBAN du professionnel",
    "prescription_date": "Date de la prescription (AAAA-MM-JJ)",
    "basket": "Panier (100_sante / libre)",
    "lens_category": "Catégorie de verre",
    "eye": "Œil",
    "ear": "Oreille",
    "renewal": "Renouvellement",
    "second_equipment": "Second équipement (true / false)",
    "price_limit_cents": "Prix limite de vente (centimes)",
    "distance_km": "Distance (km)",
    "enrolled_on": "Date d'inscription",
    "days": "Nombre de jours",
    "establishment": "Établissement",
    "out_of_pathway_penalty_cents": "Majoration hors parcours (centimes)",
    "out_of_pathway_overrun_cents": "Dépassement hors parcours (centimes)",
    "label": "Libellé",
}


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The page inside the admin site's frame (its header and title)."""
    return render(request, template, {**admin.site.each_context(request), **context})


def _need(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def member_claims(request: HttpRequest, number: str) -> HttpResponse:
    _need(request, "claims.view_settlement")
    adhesion = get_object_or_404(Adhesion, number=number)
    shown = statements.current_settlements(adhesion)
    audit.log_read(request, adhesion, what="prestations (règlements et explications)")
    links = m.NoemieLink.objects.filter(adhesion=adhesion).select_related("person")
    return _page(
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
            "months": statements.months_of(shown),
        },
    )


def decompte(request: HttpRequest, number: str, period: str) -> HttpResponse:
    """The member's décompte of a month (the same PDF as ``mutuelle decompte``)."""
    _need(request, "claims.view_settlement")
    adhesion = get_object_or_404(Adhesion, number=number)
    try:
        span = statements.month(period)
    except ValueError as exc:
        raise Http404(str(exc)) from exc
    from mutuelle.web.documents import services as documents

    produced = statements.produce_decompte(adhesion, span)
    audit.log_read(request, adhesion, what=f"décompte de prestations {period}")
    response = HttpResponse(documents.read_pdf(produced), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decompte-{number}-{period}.pdf"'
    return response


def rejections(request: HttpRequest) -> HttpResponse:
    _need(request, "claims.view_rejection")
    rows = m.Rejection.objects.filter(resolved_at=None).order_by("-id")[:500]
    return _page(
        request, "claims/rejections.html", {"title": "Lignes rejetées à traiter", "rows": rows}
    )


class LineForm(forms.Form):
    """The fields of the claim-line format (docs/claims-format.md), as text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in EDITABLE:
            self.fields[name] = forms.CharField(
                label=LABELS.get(name, name), required=False, max_length=200, help_text=name
            )


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
    return _page(
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
    return _page(
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
    return _page(
        request,
        "claims/batches.html",
        {"title": "Virements de prestations", "rows": rows, "returned": returned,
         "totals": {k: format_euros(v) for k, v in payouts.totals().items()},
         "today": dt.date.today()},
    )  # fmt: skip
