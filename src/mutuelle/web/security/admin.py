"""Back office of the access log (auditeur, administrateur) and of the write history.

« Journal des accès aux dossiers »: search by adhesion number, account or person number,
filter by act and date; « Exporter en CSV » downloads the rows of the current selection
(permission ``security.export_accesslog``). Nobody can add, change or delete a row here (and
the database refuses it anyway).
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import path
from django.utils import timezone

from mutuelle.web.security.models import HISTORY_MODELS, AccessLog

CSV_COLUMNS = (
    ("at", "le"),
    ("username", "compte"),
    ("action", "acte"),
    ("what", "quoi"),
    ("adhesion_number", "adhésion"),
    ("person_id", "personne (n° interne)"),
    ("subject_type", "objet"),
    ("subject_id", "n° de l'objet"),
    ("client_ip", "adresse"),
    ("path", "page"),
)


class _Echo:
    def write(self, value: str) -> str:
        return value


def access_log_csv(rows: QuerySet[AccessLog]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")

    def lines() -> Any:
        yield "\ufeff"  # Excel opens UTF-8 with accents
        yield writer.writerow([label for _, label in CSV_COLUMNS])
        for row in rows.iterator(chunk_size=2000):
            values = []
            for name, _ in CSV_COLUMNS:
                v = getattr(row, name)
                if name == "at":
                    v = timezone.localtime(v).strftime("%d/%m/%Y %H:%M:%S")
                elif name == "action":
                    v = row.get_action_display()
                values.append("" if v is None else v)
            yield writer.writerow(values)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="journal-des-acces-{stamp}.csv"'
    return response


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "action", "what", "adhesion_number", "client_ip")
    list_filter = ("action", ("at", admin.DateFieldListFilter))
    search_fields = ("=adhesion_number", "username", "=person_id", "what")
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False
    change_list_template = "admin/security/accesslog/change_list.html"
    actions = None

    def get_urls(self) -> list[Any]:
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_view),
                name="security_accesslog_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> StreamingHttpResponse:
        """The rows of the list as filtered and searched on screen, as CSV."""
        if not request.user.has_perm("security.export_accesslog"):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return access_log_csv(changelist.get_queryset(request).order_by("at", "id"))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        extra = {
            **(extra_context or {}),
            "can_export": request.user.has_perm("security.export_accesslog"),
        }
        return super().changelist_view(request, extra)


for _model in HISTORY_MODELS:

    class _HistoryAdmin(ReadOnlyAdmin):
        list_display = ("pgh_created_at", "pgh_label", "pgh_obj_id", "pgh_context_id")
        list_filter = ("pgh_label",)
        search_fields = ("=pgh_obj_id",)
        list_per_page = 100
        show_full_result_count = False

    admin.site.register(_model, _HistoryAdmin)
