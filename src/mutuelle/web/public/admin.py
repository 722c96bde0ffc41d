"""Back office of the public site's data: the permanences (places and slots, edited by staff)
and the anonymous CSS orientation counts with their aggregates (steering committee)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path

from mutuelle.web.public.models import (
    CssOrientation,
    CssVerdict,
    PermanencePlace,
    PermanenceSlot,
)


class SlotInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PermanenceSlot
    extra = 1
    fields = ("weekday", "starts", "ends", "valid_from", "valid_until", "note")


@admin.register(PermanencePlace)
class PermanencePlaceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "address", "status", "slot_count", "position")
    list_editable = ("position",)
    list_filter = ("status",)
    search_fields = ("name", "address")
    inlines = (SlotInline,)

    @admin.display(description="créneaux")
    def slot_count(self, obj: PermanencePlace) -> int:
        return obj.slots.count()


@admin.register(CssOrientation)
class CssOrientationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Counts only: nobody adds, edits or deletes them by hand. The changelist leads to the
    aggregates page (per month and verdict) that the steering committee receives."""

    list_display = ("day", "verdict", "channel", "count")
    list_filter = ("verdict", "channel", "day")
    date_hierarchy = "day"
    change_list_template = "admin/public/cssorientation/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [
            path(
                "synthese/",
                self.admin_site.admin_view(self.summary_view),
                name="public_cssorientation_summary",
            ),
            *super().get_urls(),
        ]

    def summary_view(self, request: HttpRequest) -> TemplateResponse:
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        rows = (
            CssOrientation.objects.annotate(month=TruncMonth("day"))
            .values("month", "verdict")
            .annotate(total=Sum("count"))
            .order_by("-month", "verdict")
        )
        months: dict[dt.date, dict[str, int]] = {}
        for r in rows:
            month = r["month"]
            if isinstance(month, dt.datetime):
                month = month.date()
            months.setdefault(month, {v: 0 for v in CssVerdict.values})[r["verdict"]] = r["total"]
        table = [
            {
                "month": m,
                "counts": [counts[v] for v in CssVerdict.values],
                "oriented": counts["free"] + counts["with_participation"],
                "total": sum(counts.values()),
            }
            for m, counts in months.items()
        ]
        totals = [sum(r["counts"][i] for r in table) for i in range(len(CssVerdict.values))]
        context = {
            **self.admin_site.each_context(request),
            "title": "Orientations vers la Complémentaire santé solidaire — synthèse",
            "opts": self.model._meta,
            "verdicts": CssVerdict.labels,
            "table": table,
            "totals": totals,
            "oriented_total": totals[0] + totals[1],
            "grand_total": sum(totals),
        }
        return TemplateResponse(request, "admin/public/cssorientation/summary.html", context)
