"""Produced documents in the back office, read-only: open the kept PDF, or prove it (render the
recorded content again and compare the hashes)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from mutuelle.web.appendonly import ReadOnlyAdmin
from mutuelle.web.documents import services
from mutuelle.web.documents.models import ProducedDocument
from mutuelle.web.security.audit import AccessAction, AuditedAdminMixin, log_read


@admin.register(ProducedDocument)
class ProducedDocumentAdmin(AuditedAdminMixin, ReadOnlyAdmin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "kind", "title", "adhesion", "offer", "short_hash", "open_pdf")
    list_filter = ("kind", "template_version", "batch")
    search_fields = ("title", "adhesion__number", "sha256", "person__last_name")
    list_select_related = ("adhesion",)
    actions = ("verify",)
    exclude = ("content",)
    readonly_fields = (
        "kind",
        "title",
        "adhesion",
        "person",
        "offer",
        "sha256",
        "size",
        "fingerprint",
        "template_version",
        "renderer",
        "path",
        "batch",
        "created_at",
        "created_by",
        "open_pdf",
    )

    @admin.display(description="empreinte")
    def short_hash(self, obj: ProducedDocument) -> str:
        return obj.sha256[:12]

    @admin.display(description="PDF")
    def open_pdf(self, obj: ProducedDocument) -> str:
        url = reverse("admin:documents_produceddocument_pdf", args=[obj.pk])
        return format_html('<a href="{}">ouvrir</a>', url)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="documents_produceddocument_pdf",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        produced = get_object_or_404(ProducedDocument, pk=pk)
        if not self.has_view_permission(request, produced):
            return HttpResponse(status=403)
        log_read(request, produced, action=AccessAction.DOWNLOAD)  # a member's letter (issue 12)
        return FileResponse(
            (services.documents_dir() / produced.path).open("rb"),
            content_type="application/pdf",
            filename=f"{produced.kind}-{produced.pk}.pdf",
        )

    @admin.action(description="Vérifier : re-produire et comparer l'empreinte")
    def verify(self, request: HttpRequest, queryset: QuerySet[ProducedDocument]) -> None:
        for produced in queryset[:50]:
            v = services.verify(produced)
            level = messages.SUCCESS if v.ok else messages.ERROR
            self.message_user(request, f"{produced} : {v.message}", level)
