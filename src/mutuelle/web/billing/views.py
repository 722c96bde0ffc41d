"""Billing's back-office pages under ``/gestion/cotisations/`` (wrapped by the admin site:
staff login with its second factor): the unpaid work queue of a day, a member's contributions
account line by line, and the form recording a payment received."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from mutuelle.documents import DocumentKind
from mutuelle.journal import AccountKind, EntryKind, moves_money
from mutuelle.money import format_euros, parse_euros
from mutuelle.web.billing import services, unpaid
from mutuelle.web.billing.models import FormalNotice
from mutuelle.web.documents.models import ProducedDocument
from mutuelle.web.journal import services as journal
from mutuelle.web.members.models import Adhesion
from mutuelle.web.security.audit import log_read


def _day(request: HttpRequest) -> tuple[dt.date, str]:
    raw = request.GET.get("on", "")
    if not raw:
        return timezone.localdate(), ""
    try:
        return dt.date.fromisoformat(raw), ""
    except ValueError:
        return timezone.localdate(), f"date illisible « {raw} » (AAAA-MM-JJ) : aujourd'hui affiché"


def _context(request: HttpRequest, title: str, **kw: Any) -> dict[str, Any]:
    return {**admin.site.each_context(request), "title": title, **kw}


def unpaid_queue(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("billing.view_formalnotice"):
        raise Http404
    on, problem = _day(request)
    if request.method == "POST":
        if not request.user.has_perm("billing.add_formalnotice"):
            messages.error(request, "Vous n'avez pas le droit d'envoyer les mises en demeure.")
        else:
            q = unpaid.apply(on, actor=request.user)
            d = q.done
            messages.success(
                request,
                f"Journée du {on:%d/%m/%Y} traitée : {d['notices']} mise(s) en demeure, "
                f"{d['suspensions']} suspension(s), {d['terminations']} résiliation(s) pour "
                f"non-paiement, {d['reinstatements']} remise(s) en vigueur.",
            )
        return HttpResponseRedirect(f"{reverse('billing:unpaid')}?on={on.isoformat()}")
    q = unpaid.queue(on)
    rows = [
        {
            "adhesion": a,
            "case": c,
            "owed": format_euros(c.owed_cents),
            "url": reverse("billing:account", args=[a.number]),
        }
        for a, c in q.cases
    ]
    return TemplateResponse(
        request,
        "billing/unpaid.html",
        _context(
            request,
            f"Impayés du {on:%d/%m/%Y}",
            rows=rows,
            on=on,
            problem=problem,
            letters=_letters_of(request, on),
        ),
    )


def _letters_of(request: HttpRequest, on: dt.date) -> list[dict[str, Any]]:
    """The formal notices sent on ``on``, each with its letter (PDF) to print and post."""
    notices = list(
        FormalNotice.objects.filter(sent_on=on).select_related("adhesion__member").order_by("pk")
    )
    pdfs: dict[int, int] = {}
    if request.user.has_perm("documents.view_produceddocument"):
        for adhesion_id, pk in (
            ProducedDocument.objects.filter(
                kind=DocumentKind.mise_en_demeure.value,
                adhesion_id__in=[n.adhesion_id for n in notices],
            )
            .order_by("pk")
            .values_list("adhesion_id", "pk")
        ):
            pdfs[adhesion_id] = pk  # the latest letter of each adhesion
    return [
        {
            "adhesion": n.adhesion,
            "owed": format_euros(n.owed_cents),
            "due_on": n.due_on,
            "pdf": reverse("admin:documents_produceddocument_pdf", args=[pdfs[n.adhesion_id]])
            if n.adhesion_id in pdfs
            else "",
        }
        for n in notices
    ]


class PaymentForm(forms.Form):
    amount = forms.CharField(label="Montant reçu (€)", max_length=20)
    mode = forms.ChoiceField(label="Mode", choices=list(services.STAFF_MODES.items()))
    received_on = forms.DateField(label="Reçu le", widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label="Référence (n° de chèque, libellé du virement…)", max_length=80
    )

    def clean_amount(self) -> int:
        try:
            cents = parse_euros(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError("montant illisible : par exemple 98,11") from None
        if cents <= 0:
            raise forms.ValidationError("le montant reçu doit être positif")
        return cents


def account(request: HttpRequest, number: str) -> HttpResponse:
    if not request.user.has_perm("members.view_adhesion"):
        raise Http404
    a = get_object_or_404(Adhesion.objects.select_related("member"), number=number)
    form = PaymentForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST":
        if not request.user.has_perm("billing.record_payment"):
            messages.error(request, "Vous n'avez pas le droit d'enregistrer un paiement.")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                _, created = services.record_payment(
                    a,
                    cents=data["amount"],
                    on=data["received_on"],
                    mode=data["mode"],
                    reference=data["reference"],
                    actor=request.user,
                )
            except services.PaymentRefused as exc:
                form.add_error(None, str(exc))
            else:
                if created:
                    messages.success(
                        request, f"Paiement de {format_euros(data['amount'])} enregistré."
                    )
                else:
                    messages.warning(request, "Ce paiement (même référence) est déjà enregistré.")
                return HttpResponseRedirect(reverse("billing:account", args=[a.number]))
    log_read(request, a, what="compte cotisations")
    today = timezone.localdate()
    year = today.year
    if request.GET.get("year", "").isdigit() and 2000 <= int(request.GET["year"]) <= 2100:
        year = int(request.GET["year"])
    entries = journal.entries_of(a.number)
    status = journal.contribution_status(a.number, entries)
    member = journal.Account(AccountKind.member_contributions, a.number)
    lines = []
    written_off = 0
    for e in entries:
        cents = sum(p.cents for p in e.postings if p.account == member)
        if not cents:
            continue
        if e.kind is EntryKind.write_off:
            written_off -= cents
        money = moves_money(e)
        lines.append(
            {
                "date": e.date,
                "kind": e.kind.label,
                "period": f"{e.period_start:%d/%m/%Y} – {e.period_end:%d/%m/%Y}",
                "memo": e.memo,
                "called": "" if money else format_euros(cents),
                "settled": format_euros(-cents) if money else "",
            }
        )
    late = status.owed_on(today)
    refundable = max(0, -status.balance_cents)
    totals = [
        ("Appelé", format_euros(status.called_cents)),
        (
            "Réglé (net des rejets et remboursements)",
            format_euros(status.settled_cents - written_off),
        ),
        ("En retard (échu non réglé)", format_euros(late)),
        ("À rembourser (payé d'avance au-delà de l'appelé)", format_euros(refundable)),
        ("Abandonné", format_euros(written_off)),
        (
            "Frais de rejet refacturés (dont non réglés)",
            f"{format_euros(status.fees_cents)} ({format_euros(status.fees_left_cents)})",
        ),
        ("Payé jusqu'au", f"{status.paid_until:%d/%m/%Y}" if status.paid_until else "—"),
    ]
    return TemplateResponse(
        request,
        "billing/account.html",
        _context(
            request,
            f"Compte cotisations {a.number}",
            adhesion=a,
            lines=lines,
            totals=totals,
            form=form,
            schedule=[
                {
                    "period": f"{s.start:%d/%m/%Y} – {s.end:%d/%m/%Y}",
                    "due_on": s.due_on,
                    "amounts": [
                        format_euros(c)
                        for c in (s.ttc_cents, s.net_cents, s.tsa_cents, s.lfss_cents)
                    ],
                }
                for s in services.schedule(a.number, year)
            ],
            year=year,
            can_pay=request.user.has_perm("billing.record_payment"),
        ),
    )
