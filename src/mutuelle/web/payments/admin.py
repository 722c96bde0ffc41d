"""Back office screens of the payments app: read-only where it is money; the bank returns are
imported from a form that calls the service."""

from __future__ import annotations

import contextvars
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from mutuelle.web.payments import returns, services
from mutuelle.web.payments.models import (
    BankReturnFile,
    BankReturnLine,
    Mandate,
    MandateAmendment,
    SepaFile,
    SepaTransaction,
)
from mutuelle.web.security.audit import AccessAction, log_many, log_read
from mutuelle.web.security.masking import can_see_iban, iban_for

# The request being rendered, for the IBAN columns (an admin display method gets no request):
# set around the rendering of the mandate pages only (issue 12: IBAN in clear to comptabilité
# and administrateur, masked for everyone else, each clear display in the access log).
_REQUEST: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "payments_admin_request", default=None
)


def shown_iban(obj: Mandate | MandateAmendment, iban: str, what: str) -> str:
    """The IBAN as the current user may see it; a clear display is logged once per page."""
    request = _REQUEST.get()
    user = getattr(request, "user", None)
    if request is None or not iban:
        return iban_for(None, iban)  # no request known: masked
    if can_see_iban(user):
        mandate = obj if isinstance(obj, Mandate) else obj.mandate
        seen: set[tuple[int, str]] = request.__dict__.setdefault("_ibans_logged", set())
        if (mandate.pk, what) not in seen:
            seen.add((mandate.pk, what))
            log_read(request, mandate, what=f"IBAN en clair : {what} du mandat {mandate.rum}")
    return iban_for(user, iban)


class IbanRenderingAdmin(admin.ModelAdmin):
    """Renders its pages with the request known to the IBAN columns (the response is rendered
    here, before the request is forgotten)."""

    def _rendered(self, view: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        token = _REQUEST.set(request)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response
        finally:
            _REQUEST.reset(token)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        return self._rendered(super().changelist_view, request, extra_context)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: Any = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> Any:
        return self._rendered(super().changeform_view, request, object_id, form_url, extra_context)


def euros(cents: int | None) -> str:
    if cents is None:
        return ""
    return f"{cents / 100:,.2f} €".replace(",", " ").replace(".", ",")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AmendmentInline(admin.TabularInline):
    model = MandateAmendment
    extra = 0
    fields = ["on", "new_bank", "previous_account", "new_account", "reported_in"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = "changements de compte (même RUM)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="compte précédent")
    def previous_account(self, obj: MandateAmendment) -> str:
        return shown_iban(obj, obj.previous_iban, f"compte précédent ({obj.on:%d/%m/%Y})")

    @admin.display(description="nouveau compte")
    def new_account(self, obj: MandateAmendment) -> str:
        return shown_iban(obj, obj.new_iban, f"nouveau compte ({obj.on:%d/%m/%Y})")


@admin.register(Mandate)
class MandateAdmin(IbanRenderingAdmin, ReadOnlyAdmin):
    list_display = ["rum", "adhesion", "debtor_name", "account", "status", "last_collected_on"]
    list_filter = ["status"]
    search_fields = ["rum", "adhesion__number", "debtor_name"]
    list_select_related = ["adhesion__member"]
    fields = [
        "rum", "adhesion", "signed_on", "debtor_name", "account", "bic", "creditor_ics",
        "status", "status_on", "status_reason", "first_collected_on", "last_collected_on",
        "created_at", "created_by",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [AmendmentInline]

    @admin.display(description="IBAN")
    def account(self, obj: Mandate) -> str:
        return shown_iban(obj, obj.iban_stored, "compte")


class TransactionInline(admin.TabularInline):
    model = SepaTransaction
    extra = 0
    fields = ["end_to_end_id", "purpose", "reference", "party_name", "account_masked",
              "sequence", "amount"]  # fmt: skip
    readonly_fields = fields
    can_delete = False
    max_num = 0
    show_change_link = False

    @admin.display(description="montant")
    def amount(self, obj: SepaTransaction) -> str:
        return euros(obj.amount_cents)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).order_by("id")[:0]  # listed apart (30 000 rows)


@admin.register(SepaFile)
class SepaFileAdmin(ReadOnlyAdmin):
    list_display = ["message_id", "kind", "date", "count", "total", "schema", "created_at"]
    list_filter = ["kind", "schema"]
    date_hierarchy = "date"
    search_fields = ["message_id"]
    fields = ["message_id", "kind", "schema", "date", "count", "total", "sha256", "download",
              "idempotency_key", "created_at", "created_by", "batch"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="total")
    def total(self, obj: SepaFile) -> str:
        return euros(obj.control_sum_cents)

    @admin.display(description="fichier XML")
    def download(self, obj: SepaFile) -> str:
        url = reverse("admin:payments_sepafile_download", args=[obj.pk])
        return format_html('<a href="{}">télécharger {}</a>', url, obj.path.rsplit("/", 1)[-1])

    def get_urls(self) -> list[Any]:
        extra = [
            path(
                "<int:pk>/telecharger/",
                self.admin_site.admin_view(self.download_view),
                name="payments_sepafile_download",
            )
        ]
        return extra + super().get_urls()

    def download_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        # The XML holds every debtor's IBAN in clear: comptabilité and administrateur only
        # (security.view_iban), and one access-log row per mandate handed out (issue 12).
        if not (request.user.has_perm("payments.view_sepafile") and can_see_iban(request.user)):
            raise PermissionDenied
        record = get_object_or_404(SepaFile, pk=pk)
        data = services.file_bytes(record)  # refuses a file changed since production
        handed_out: list[Any] = [
            *Mandate.objects.filter(transactions__file=record).distinct(),
            *record.transactions.filter(mandate__isnull=True),  # transfers (refunds)
        ]
        log_many(request, handed_out, action=AccessAction.EXPORT,
                 what=f"fichier SEPA {record.message_id} (IBAN en clair)")  # fmt: skip
        response = HttpResponse(data, content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{record.message_id}.xml"'
        return response


@admin.register(SepaTransaction)
class SepaTransactionAdmin(ReadOnlyAdmin):
    list_display = ["end_to_end_id", "file", "purpose", "reference", "party_name", "amount",
                    "sequence"]  # fmt: skip
    list_filter = ["purpose", "sequence"]
    search_fields = ["end_to_end_id", "reference", "party_name", "mandate__rum"]
    list_select_related = ["file"]

    @admin.display(description="montant")
    def amount(self, obj: SepaTransaction) -> str:
        return euros(obj.amount_cents)


class ReturnLineInline(admin.TabularInline):
    model = BankReturnLine
    extra = 0
    fields = ["end_to_end_id", "stage", "reason_code", "reason_label", "next_step", "amount",
              "charge", "charge_note"]  # fmt: skip
    readonly_fields = fields
    can_delete = False
    max_num = 0

    @admin.display(description="montant")
    def amount(self, obj: BankReturnLine) -> str:
        return euros(obj.amount_cents)

    @admin.display(description="frais de la banque")
    def charge(self, obj: BankReturnLine) -> str:
        return euros(obj.charge_cents) if obj.charge_cents is not None else "—"


class ReturnUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier de la banque",
        help_text="rapport d'état pain.002 ou avis camt.054 (XML ISO 20022)",
    )


@admin.register(BankReturnFile)
class BankReturnFileAdmin(ReadOnlyAdmin):
    list_display = ["message_id", "message_type", "schema", "line_count", "imported_at"]
    fields = ["message_type", "schema", "message_id", "original_message_ids", "original_name",
              "line_count", "sha256", "imported_at", "imported_by"]  # fmt: skip
    readonly_fields = fields
    inlines = [ReturnLineInline]
    change_list_template = "admin/payments/bankreturnfile/change_list.html"

    def get_urls(self) -> list[Any]:
        extra = [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="payments_bankreturnfile_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        # Importing moves money (rejects, suspensions): comptabilité's act, not a reader's.
        if not request.user.has_perm("payments.add_bankreturnfile"):
            raise PermissionDenied
        form = ReturnUploadForm(request.POST or None, request.FILES or None)
        problems: tuple[str, ...] = ()
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                outcome = returns.import_bank_returns(
                    upload.read(), name=upload.name, actor=request.user
                )
            except returns.ReturnImportError as exc:
                messages.error(request, exc.message)
                problems = exc.problems
            else:
                if outcome.created:
                    messages.success(
                        request,
                        f"{len(outcome.new_lines)} rejet(s) ou retour(s) enregistré(s) "
                        f"({euros(outcome.total_cents)}), {outcome.duplicates} déjà connu(s).",
                    )
                else:
                    messages.warning(request, "Ce fichier a déjà été importé : rien de nouveau.")
                url = reverse("admin:payments_bankreturnfile_change", args=[outcome.file.pk])
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Importer un fichier de retour bancaire",
            "form": form,
            "problems": problems,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/payments/import_returns.html", context)


@admin.register(BankReturnLine)
class BankReturnLineAdmin(ReadOnlyAdmin):
    list_display = ["end_to_end_id", "stage", "reason_code", "reason_label", "next_step",
                    "amount", "charge", "file"]  # fmt: skip
    list_filter = ["stage", "reason_code", "next_step"]
    search_fields = ["end_to_end_id", "transaction__reference"]
    list_select_related = ["file"]

    @admin.display(description="montant")
    def amount(self, obj: BankReturnLine) -> str:
        return euros(obj.amount_cents)

    @admin.display(description="frais de la banque")
    def charge(self, obj: BankReturnLine) -> str:
        return euros(obj.charge_cents) if obj.charge_cents is not None else "—"
