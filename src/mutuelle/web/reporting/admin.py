"""Back office of the steering committee: what staff record (permanences, events, actions,
meetings, themes, regulatory changes, communication spending, the loadings rate), the complaints
register with the deadlines the core computes, and the committee page (preview a closed
period's report exactly as the town will read it, export it, publish it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from mutuelle.money import format_euros, parse_euros
from mutuelle.reporting.complaints import DeadlineState, mediator_text
from mutuelle.reporting.disclosure import SECRET_TEXT
from mutuelle.reporting.periods import closed_periods
from mutuelle.web.members.forms import DATE
from mutuelle.web.reporting import models as m
from mutuelle.web.reporting import services
from mutuelle.web.reporting.views import export_response


class DatesAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Date fields with the browser's date picker; who recorded it, kept."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.get_internal_type() == "DateField":
            kwargs["widget"] = DATE
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(m.PermanenceSession)
class PermanenceSessionAdmin(DatesAdmin):
    list_display = ("day", "place", "moment", "participants", "contacts", "css_orientations")
    list_filter = ("place", "moment")
    date_hierarchy = "day"
    fields = (
        "place",
        "day",
        "moment",
        ("participants", "contacts"),
        ("css_orientations", "aid_orientations"),
        "note",
    )


@admin.register(m.OutreachEvent)
class OutreachEventAdmin(DatesAdmin):
    list_display = ("day", "title", "place", "contacts")
    date_hierarchy = "day"
    search_fields = ("title", "place")


@admin.register(m.PreventionAction)
class PreventionActionAdmin(DatesAdmin):
    list_display = ("day", "title", "audience", "free_check", "participants")
    list_filter = ("audience", "free_check")
    date_hierarchy = "day"
    search_fields = ("title",)


@admin.register(m.Meeting)
class MeetingAdmin(DatesAdmin):
    list_display = ("day", "title", "kind", "participants")
    list_filter = ("kind",)
    date_hierarchy = "day"


@admin.register(m.WorkshopTheme)
class WorkshopThemeAdmin(DatesAdmin):
    list_display = ("proposed_on", "title", "need")


@admin.register(m.RegulatoryChange)
class RegulatoryChangeAdmin(DatesAdmin):
    list_display = ("title", "effective_on", "source")
    search_fields = ("title", "source")


def _hundredths(text: str, what: str, top: int | None = None) -> int:
    """« 1 500,50 » → 150050; « 15,5 » → 1550 (euros to cents, percents to basis points)."""
    try:
        value = parse_euros(text)
    except ValueError:
        raise forms.ValidationError(f"{what} illisible : écrire par exemple 1 500,50") from None
    if value < 0 or (top is not None and value > top):
        raise forms.ValidationError(f"{what} hors des limites")
    return value


class SpendForm(forms.ModelForm):  # type: ignore[type-arg]
    amount = forms.CharField(label="montant (€)", help_text="par exemple 1 500,50")

    class Meta:
        model = m.CommunicationSpend
        fields = ("day", "label")
        widgets = {"day": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["amount"].initial = format_euros(self.instance.cents).replace(" €", "")

    def clean_amount(self) -> int:
        return _hundredths(self.cleaned_data["amount"], "montant")

    def save(self, commit: bool = True) -> Any:
        self.instance.cents = self.cleaned_data["amount"]
        return super().save(commit)


@admin.register(m.CommunicationSpend)
class CommunicationSpendAdmin(DatesAdmin):
    form = SpendForm
    list_display = ("day", "label", "amount")
    fields = ("day", "label", "amount")

    @admin.display(description="montant")
    def amount(self, obj: m.CommunicationSpend) -> str:
        return format_euros(obj.cents)


class LoadingsForm(forms.ModelForm):  # type: ignore[type-arg]
    rate = forms.CharField(
        label="taux (%)",
        help_text="par exemple 15,5 : part des cotisations HT qui couvre la gestion et les "
        "réserves ; aucun texte ne la fixe (docs/interpretations.md G-65)",
    )

    class Meta:
        model = m.LoadingsRate
        fields = ("valid_from", "source")
        widgets = {"valid_from": DATE}

    def clean_rate(self) -> int:
        return _hundredths(self.cleaned_data["rate"], "taux", 9999)

    def save(self, commit: bool = True) -> Any:
        self.instance.rate_bp = self.cleaned_data["rate"]
        return super().save(commit)


@admin.register(m.LoadingsRate)
class LoadingsRateAdmin(DatesAdmin):
    """Entered, never edited nor deleted: a correction is a new entry (the latest entered for a
    date wins), so the P/C of a past report can always be explained."""

    form = LoadingsForm
    list_display = ("valid_from", "rate", "source", "recorded_by", "recorded_at")
    fields = ("valid_from", "rate", "source")

    @admin.display(description="taux")
    def rate(self, obj: m.LoadingsRate) -> str:
        return f"{obj.rate_bp / 100:.2f} %".replace(".", ",")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = "délais"
    parameter_name = "delais"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("retard", "en retard (accusé de réception ou réponse)"),
            ("ouvertes", "sans réponse"),
        ]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "ouvertes":
            return queryset.filter(answered_on__isnull=True)
        if self.value() == "retard":
            late = [o.complaint.pk for o in services.overdue_complaints()]
            return queryset.filter(pk__in=late)
        return queryset


class ComplaintForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = m.Complaint
        fields = (
            "received_on",
            "channel",
            "written_on",
            "adhesion",
            "range",
            "subject",
            "summary",
            "acknowledged_on",
            "answered_on",
            "answer",
            "mediation_on",
            "court",
        )
        widgets = {
            f: DATE
            for f in ("received_on", "written_on", "acknowledged_on", "answered_on", "mediation_on")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("adhesion") and not data.get("range"):
            self.add_error(
                "range",
                "choisir la gamme (le règlement applicable) quand la personne n'a pas "
                "d'adhésion enregistrée",
            )
        received = data.get("received_on")
        for f in ("written_on", "acknowledged_on", "answered_on", "mediation_on"):
            if received and data.get(f) and data[f] < received:
                self.add_error(f, "date antérieure à la réception de la réclamation")
        today = dt.date.today()
        for f in ("received_on", "acknowledged_on", "answered_on", "mediation_on", "written_on"):
            if data.get(f) and data[f] > today:
                self.add_error(f, "date dans le futur")
        if data.get("answered_on") and not data.get("answer"):
            self.add_error("answer", "résumer la réponse apportée")
        return data


@admin.register(m.Complaint)
class ComplaintAdmin(DatesAdmin):
    form = ComplaintForm
    list_display = ("number", "received_on", "subject", "range_shown", "ack_state", "answer_state")
    list_filter = (OverdueFilter, "subject", "channel")
    search_fields = ("number", "adhesion__number", "adhesion__member__last_name")
    autocomplete_fields = ("adhesion",)
    date_hierarchy = "received_on"
    readonly_fields = ("number", "deadlines")
    fieldsets = (
        (
            "Réclamation",
            {
                "fields": (
                    "number",
                    "received_on",
                    "channel",
                    "written_on",
                    "adhesion",
                    "range",
                    "subject",
                    "summary",
                )
            },
        ),
        ("Délais (calculés par le règlement)", {"fields": ("deadlines",)}),
        (
            "Traitement",
            {"fields": ("acknowledged_on", "answered_on", "answer", "mediation_on", "court")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("adhesion")

    @admin.display(description="gamme")
    def range_shown(self, obj: m.Complaint) -> str:
        return obj.adhesion.get_range_display() if obj.adhesion else obj.get_range_display()

    def _state(self, state: DeadlineState) -> str:
        if state is DeadlineState.OVERDUE:
            return format_html('<strong style="color:#b3261e">{}</strong>', state.label)
        return state.label

    @admin.display(description="accusé de réception")
    def ack_state(self, obj: m.Complaint) -> str:
        return self._state(services.complaint_status(obj).acknowledgement)

    @admin.display(description="réponse")
    def answer_state(self, obj: m.Complaint) -> str:
        return self._state(services.complaint_status(obj).answer)

    @admin.display(description="délais et médiation")
    def deadlines(self, obj: m.Complaint) -> str:
        if not obj.pk:
            return "calculés à l'enregistrement"
        st = services.complaint_status(obj)
        rows = format_html_join(
            "", "<li>{} <small>({})</small></li>", ((s.rule, s.source) for s in st.deadlines.steps)
        )
        mediator = mediator_text(services.rules().mediator)
        return format_html(
            "<ul>{}</ul><p>Accusé de réception : {} — réponse : {}</p><p>Médiateur : {}</p>",
            rows,
            st.acknowledgement.label,
            st.answer.label,
            mediator,
        )

    def save_model(self, request: HttpRequest, obj: m.Complaint, form: Any, change: bool) -> None:
        if obj.adhesion_id and obj.adhesion:
            obj.range = obj.adhesion.range
        if not change:
            obj.number = services.next_complaint_number(obj.received_on.year)
        super().save_model(request, obj, form, change)


@admin.register(m.Publication)
class PublicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Published reports: read only. The committee page prepares and publishes them."""

    list_display = ("period", "published_on", "published_by", "offer")
    fields = ("period", "published_on", "published_by", "offer")
    readonly_fields = fields
    change_list_template = "admin/reporting/publication/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view
        return [
            path("comite/", view(self.committee_view), name="reporting_committee"),
            path("comite/<str:period>/", view(self.preview_view), name="reporting_preview"),
            path(
                "comite/<str:period>/export.<str:fmt>",
                view(self.export_view),
                name="reporting_preview_export",
            ),
            *super().get_urls(),
        ]

    def _check(self, request: HttpRequest) -> None:
        if not request.user.is_staff or not self.has_view_permission(request):
            raise PermissionDenied

    def committee_view(self, request: HttpRequest) -> TemplateResponse:
        self._check(request)
        r = services.rules()
        today = dt.date.today()
        done = {p.period: p for p in services.publications()}
        closed = sorted(
            closed_periods(r.outreach.launch_year, today), key=lambda p: p.recency, reverse=True
        )
        periods = [{"period": p, "publication": done.get(p.key)} for p in closed]
        context = {
            **self.admin_site.each_context(request),
            "title": "Comité de pilotage : rapports trimestriels, semestriels et annuels",
            "opts": self.model._meta,
            "periods": periods,
            "rhythm": r.cite(r.rhythm.source),
            "overdue": services.overdue_complaints(today, limit=50),
        }
        return TemplateResponse(request, "admin/reporting/committee.html", context)

    def preview_view(self, request: HttpRequest, period: str) -> HttpResponse:
        self._check(request)
        if request.method == "POST":
            # Publishing is an act: not for the readers (direction, auditeur) — issue 12, I-212.
            if not request.user.has_perm("reporting.add_publication"):
                raise PermissionDenied
            try:
                services.publish(period, request.user)
            except services.NotAvailable as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"Rapport {period} publié : la Ville le voit, il ne changera plus."
                )
            return HttpResponseRedirect(reverse("admin:reporting_committee"))
        try:
            report = services.published(period)
            is_published = True
        except services.NotAvailable:
            try:
                report = services.preview(period)
            except services.NotAvailable as exc:
                messages.error(request, exc.message)
                return HttpResponseRedirect(reverse("admin:reporting_committee"))
            is_published = False
        context = {
            **self.admin_site.each_context(request),
            "title": report.title,
            "opts": self.model._meta,
            "report": report,
            "is_published": is_published,
            "secret": SECRET_TEXT,
        }
        return TemplateResponse(request, "admin/reporting/preview.html", context)

    def export_view(self, request: HttpRequest, period: str, fmt: str) -> HttpResponse:
        self._check(request)
        if fmt not in ("csv", "xlsx", "pdf"):
            raise PermissionDenied
        try:
            report = services.published(period)
        except services.NotAvailable:
            try:
                report = services.preview(period)
            except services.NotAvailable as exc:
                messages.error(request, exc.message)
                return HttpResponseRedirect(reverse("admin:reporting_committee"))
        return export_response(report, fmt, request.user)
