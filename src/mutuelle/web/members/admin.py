"""The staff back office: the Django admin, in French.

Search a member (name, number, dependants' names), see the household, the formula history,
the dates computed by the core and the event history; act through the buttons of an
adhesion's page (add a dependant, change formula, record a termination or a death). Every
act goes through :mod:`mutuelle.web.members.services`, so the core decides and explains;
its refusals are shown in plain words with their source.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from mutuelle import membership as core
from mutuelle.membership import Refused
from mutuelle.money import format_euros
from mutuelle.vocabulary import Link
from mutuelle.web.journal.admin import journal_panel
from mutuelle.web.members import services
from mutuelle.web.members.enums import AdhesionStatus, EventKind
from mutuelle.web.members.forms import (
    DATE,
    DeathForm,
    DependantForm,
    FormulaForm,
    PiecesForm,
    RefusalForm,
    TerminationForm,
    ValidationForm,
)
from mutuelle.web.members.models import (
    Adhesion,
    Affiliation,
    Document,
    Event,
    FormulaPeriod,
    Person,
)
from mutuelle.web.security.audit import AccessAction, AuditedAdminMixin, log_many, log_read
from mutuelle.web.security.masking import iban_for
from mutuelle.web.security.rights import export_person_action

logger = logging.getLogger("mutuelle.backoffice")


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AffiliationInline(ReadOnlyInline):
    model = Affiliation
    fields = (
        "person",
        "age_display",
        "role",
        "proof",
        "disabled",
        "requested_on",
        "start",
        "end",
        "end_reason",
    )
    readonly_fields = fields
    verbose_name_plural = "Foyer : ayants droit (dates calculées)"

    @admin.display(description="né-e le")
    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("person")  # one query, not one a row

    def age_display(self, obj: Affiliation) -> str:
        return f"{obj.person.birth_date:%d/%m/%Y}"


class FormulaInline(ReadOnlyInline):
    model = FormulaPeriod
    fields = ("formula", "start", "end", "requested_on")
    readonly_fields = fields


class DocumentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Document
    extra = 1
    fields = ("kind", "person", "received_on", "note", "sent_file")
    readonly_fields = ("sent_file",)

    @admin.display(description="fichier envoyé en ligne")
    def sent_file(self, obj: Document) -> str:
        if not obj.pk or not obj.file:
            return "—"
        url = reverse("admin:members_adhesion_document", args=[obj.adhesion_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name or "ouvrir")

    verbose_name_plural = "Justificatifs reçus (Règlement I-3-2)"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        request._adhesion = obj  # type: ignore[attr-defined]  # whose persons the rows offer
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "received_on":
            kwargs["widget"] = DATE
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:  # a row of a table: its column header is no <label> (WCAG 1.3.1)
            field.widget.attrs["aria-label"] = f"{db_field.verbose_name} (nouvelle pièce)"
        return field

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """« Concerne »: the adhesion's own persons (member and dependants), never the whole
        population (issue 8: 14 000 options, everyone's name and birth date)."""
        if db_field.name == "person":
            kwargs["queryset"] = services.persons_of(getattr(request, "_adhesion", None))
            kwargs["empty_label"] = "le foyer (pièce commune)"
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            # The choices read once, not once per row of the table (an N+1 with the pieces).
            field.widget.choices = list(field.choices)
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("person")


class EventInline(ReadOnlyInline):
    model = Event
    fields = ("at", "actor", "kind", "summary")
    readonly_fields = fields
    ordering = ("-at", "-id")
    verbose_name_plural = "Historique (ajout seul)"


LINK_CHOICES = [(link.value, link.label) for link in Link]


class AdhesionCreateForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new adhesion: the facts of the bulletin; eligibility and the effective date are
    decided by the core (règlement I-2, I-4; convention art. 1 and 2.1)."""

    formula = forms.ChoiceField(label="Formule choisie")
    links = forms.MultipleChoiceField(
        label="Lien avec la commune",
        choices=LINK_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    amo_affiliated = forms.BooleanField(
        label="Assuré-e d'un régime obligatoire français et résidant en France",
        required=False,
        initial=True,
    )
    mandatory_collective_cover = forms.BooleanField(
        label="Bénéficie d'une complémentaire santé collective obligatoire", required=False
    )
    debt_to_mutual = forms.BooleanField(
        label="Dette envers la Mutuelle (adhésion antérieure)", required=False
    )
    higher_education = forms.BooleanField(
        label="Inscrit-e dans l'enseignement supérieur (gamme étudiante)", required=False
    )
    paid_until = forms.DateField(
        label="Cotisations payées jusqu'au",
        required=False,
        widget=DATE,
        help_text="reprise au journal des cotisations déjà réglées (avant la facturation)",
    )

    class Meta:
        model = Adhesion
        fields = [
            "member",
            "range",
            "channel",
            "signed_on",
            "file_sent_on",
            "wished_start",
            "previous_cover_ends",
            "payroll_deduction",
            "agent_service_entry",
            "agent_last_reference_cover_end",
            "prior_cover",
            "socio_professional",
        ]
        widgets = {
            f: DATE
            for f in (
                "signed_on",
                "file_sent_on",
                "wished_start",
                "previous_cover_ends",
                "agent_service_entry",
                "agent_last_reference_cover_end",
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer = services.offer_for()
        names = sorted({f for r in offer.ranges.values() for f in r.formulas})
        self.fields["formula"].choices = [(f, f) for f in names]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        offer = services.offer_for()
        rid = data["range"]
        if data["formula"] not in offer.ranges[rid].formulas:
            self.add_error("formula", f"formule absente de la gamme {offer.ranges[rid].label}")
            return data
        applicant = core.Applicant(
            birth_date=data["member"].birth_date,
            links=tuple(data["links"]),
            amo_affiliated=data["amo_affiliated"],
            resides_in_france=data["amo_affiliated"],
            mandatory_collective_cover=data["mandatory_collective_cover"],
            debt_to_mutual=data["debt_to_mutual"],
            higher_education=data["higher_education"],
        )
        on = data.get("wished_start") or data["file_sent_on"]
        verdict = core.check_eligibility(offer, rid, applicant, on)
        if not verdict.eligible:
            raise forms.ValidationError(
                [f"Adhésion impossible : {f.rule} ({f.source})" for f in verdict.failures]
            )
        self.eligibility = verdict
        try:
            eff = core.effective_date(
                offer,
                rid,
                file_sent_on=data["file_sent_on"],
                wished=data.get("wished_start"),
                previous_cover_ends=data.get("previous_cover_ends"),
            )
        except Refused as exc:
            raise forms.ValidationError(f"{exc.message} ({exc.source})") from None
        self.effective = eff
        return data


class AdhesionChangeForm(forms.ModelForm):  # type: ignore[type-arg]
    """The facts staff may edit; « payées jusqu'au » is not stored on the adhesion: changing it
    records a reprise in the money journal (``services.set_paid_until``)."""

    paid_until = forms.DateField(
        label="Cotisations payées jusqu'au",
        required=False,
        widget=DATE,
        help_text="lu dans le journal ; le corriger y enregistre une reprise de solde "
        "(tant que la facturation n'appelle pas les cotisations)",
    )

    class Meta:
        model = Adhesion
        fields = ["payroll_deduction"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("paid_until", self.instance.paid_until)


@admin.register(Adhesion)
class AdhesionAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "number",
        "member_name",
        "status",
        "range",
        "formula_now",
        "start",
        "end",
        "monthly",
    )
    list_filter = ("status", "range", "end_reason", "channel")
    search_fields = (
        "number",
        "member__last_name",
        "member__first_name",
        "affiliations__person__last_name",
        "affiliations__person__first_name",
    )
    list_select_related = ("member",)
    autocomplete_fields = ("member",)  # a search, never a list of the population
    list_per_page = 50  # each row prices its household (pricing core): a page stays fast
    ordering = ("number",)
    change_form_template = "admin/members/adhesion/change_form.html"
    change_list_template = "admin/members/adhesion/change_list.html"
    inlines = (AffiliationInline, FormulaInline, DocumentInline, EventInline)
    actions = (export_person_action,)
    readonly_fields = (
        "number",
        "offer",
        "range",
        "member",
        "channel",
        "signed_on",
        "file_sent_on",
        "wished_start",
        "previous_cover_ends",
        "start",
        "end",
        "end_reason",
        "end_notified_on",
        "refund_display",
        "refund_by_display",
        "monthly",
        "up_to_date_display",
        "journal_lines",
        "computed_dates",
        "status",
        "payment_mode",
        "payment_frequency",
        "iban_display",
        "account_holder",
        "consent_at",
    )
    fieldsets = (
        (
            "Adhésion",
            {"fields": ("number", "status", "member", "offer", "range", "channel", "monthly")},
        ),
        (
            "Cotisation mensuelle, personne par personne (ce que le membre paie)",
            {"fields": ("contribution_panel",)},
        ),
        (
            "Dates (calculées par le règlement)",
            {"fields": ("computed_dates",)},
        ),
        (
            "Cotisations et paiements (journal, lecture seule)",
            {"fields": ("journal_lines",)},
        ),
        (
            "Faits enregistrés",
            {
                "fields": (
                    ("signed_on", "file_sent_on", "wished_start", "previous_cover_ends"),
                    ("start", "end", "end_reason", "end_notified_on"),
                    ("refund_display", "refund_by_display"),
                    ("paid_until", "up_to_date_display", "payroll_deduction"),
                    ("agent_service_entry", "agent_last_reference_cover_end"),
                    ("payment_mode", "payment_frequency"),
                    ("iban_display", "account_holder", "consent_at"),
                    ("prior_cover", "socio_professional"),
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Adhesion]:
        return (
            super()
            .get_queryset(request)
            .select_related("member")
            .prefetch_related("formula_periods", "affiliations__person")
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Adhesion], search_term: str
    ) -> tuple[QuerySet[Adhesion], bool]:
        """A number, or a piece of the name of the member or of a dependant: the persons are
        found first (trigram indexes on PostgreSQL, migration 0011), then their adhesions —
        no join over the whole population, no DISTINCT."""
        from django.db.models import Q

        words = search_term.split()
        if not words:
            return queryset, False
        persons = Person.objects.all()
        for w in words:
            persons = persons.filter(Q(last_name__icontains=w) | Q(first_name__icontains=w))
        ids = persons.order_by().values("pk")
        # Each branch by its own index, then one list of adhesions (an OR of sub-queries would
        # scan every adhesion).
        found = {
            *Adhesion.objects.filter(number__icontains=search_term.strip())
            .order_by()
            .values_list("pk", flat=True),
            *Adhesion.objects.filter(member_id__in=ids).order_by().values_list("pk", flat=True),
            *Affiliation.objects.filter(person_id__in=ids)
            .order_by()
            .values_list("adhesion_id", flat=True),
        }
        return queryset.filter(pk__in=sorted(found)), False

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kw: Any
    ) -> Any:
        if obj is None:
            kw["form"] = AdhesionCreateForm
            kw["fields"] = None
        else:
            kw["form"] = AdhesionChangeForm
        return super().get_form(request, obj, change=change, **kw)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.status != AdhesionStatus.ACTIVE:
            return self._pending_fieldsets()
        if obj is None:
            return (
                (
                    "Conditions d'adhésion",
                    {
                        "fields": (
                            "member",
                            "range",
                            "links",
                            "amo_affiliated",
                            "mandatory_collective_cover",
                            "debt_to_mutual",
                            "higher_education",
                        )
                    },
                ),
                (
                    "Bulletin d'adhésion",
                    {
                        "fields": (
                            "formula",
                            "channel",
                            "signed_on",
                            "file_sent_on",
                            "wished_start",
                            "previous_cover_ends",
                            "paid_until",
                            "payroll_deduction",
                            "agent_service_entry",
                            "agent_last_reference_cover_end",
                            "prior_cover",
                            "socio_professional",
                        )
                    },
                ),
            )
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return (*self.readonly_fields, "request_state", "documents_panel", "contribution_panel")

    def _pending_fieldsets(self) -> Any:
        """A request not yet validated: nothing claims a signed bulletin or a complete file
        before staff have recorded them (issue 8)."""
        return (
            (
                "Demande en ligne",
                {"fields": ("number", "status", "member", "offer", "range", "channel", "monthly")},
            ),
            ("Où en est la demande", {"fields": ("request_state",)}),
            ("Justificatifs, personne par personne", {"fields": ("documents_panel",)}),
            (
                "Cotisation mensuelle prévue, personne par personne",
                {"fields": ("contribution_panel",)},
            ),
            ("Dates (calculées par le règlement)", {"fields": ("computed_dates",)}),
            (
                "Faits déclarés dans la demande",
                {
                    "fields": (
                        ("wished_start", "previous_cover_ends"),
                        ("agent_service_entry", "agent_last_reference_cover_end"),
                        ("payment_mode", "payment_frequency"),
                        ("iban_display", "account_holder"),
                        ("prior_cover", "socio_professional"),
                    )
                },
            ),
        )

    @admin.display(description="état")
    def request_state(self, obj: Adhesion) -> str:
        today = timezone.localdate()
        view = services.documents_view(obj, today)
        decision = services.request_decision(obj)
        missing = len(view.missing)
        rows = [
            ("Demande envoyée en ligne le", f"{obj.file_sent_on:%d/%m/%Y}"),
            (
                "Bulletin d'adhésion signé",
                "pas encore reçu : la signature et sa date sont enregistrées à la validation",
            ),
            (
                "Dossier complet",
                "oui : toutes les pièces sont reçues, la demande peut être validée"
                if not missing
                else f"non : {missing} pièce{'s' if missing > 1 else ''} manquante"
                f"{'s' if missing > 1 else ''}",
            ),
            (
                "Consentements",
                f"donnés en ligne le {timezone.localtime(obj.consent_at):%d/%m/%Y à %H:%M}"
                if obj.consent_at
                else "non recueillis",
            ),
        ]
        if decision is not None:
            rows.append(
                (
                    "Dernière décision",
                    f"{timezone.localtime(decision.at):%d/%m/%Y} — {decision.summary}",
                )
            )
        return format_html(
            "<table>{}</table>",
            format_html_join("", "<tr><th style='width:30%'>{}</th><td>{}</td></tr>", rows),
        )

    @admin.display(description="cotisation")
    def contribution_panel(self, obj: Adhesion) -> str:
        """The pricing core's figures for each person: the tariff, the agents' surcharge, a
        newborn's free months, what the month costs — the total is what is called."""
        c = services.contribution_breakdown(obj, timezone.localdate())
        if c is None:
            return "aucune formule en vigueur"
        if c.refusal:
            return f"Cotisation impossible à chiffrer : {c.refusal}"
        rows = format_html_join(
            "",
            "<tr><td>{} <small>({})</small></td><td>{}</td><td>{}</td><td>{}</td>"
            "<td><strong>{}</strong></td><td><small>{}</small></td></tr>",
            (
                (
                    p.name,
                    p.role,
                    format_euros(p.tariff_cents),
                    p.surcharge or "—",
                    p.free or "—",
                    format_euros(p.this_month_cents)
                    + (
                        f" (puis {format_euros(p.monthly_cents)})"
                        if p.this_month_cents != p.monthly_cents
                        else ""
                    ),
                    " · ".join(f"{s.rule} [{s.source}]" for s in p.steps),
                )
                for p in c.persons
            ),
        )
        return format_html(
            "<p>Formule {} — mois du {} : <strong>{} par mois</strong> pour le foyer.</p>"
            "<table><thead><tr><th>personne</th><th>tarif de la grille</th>"
            "<th>majoration (agents)</th><th>mois gratuits</th><th>ce mois-ci</th>"
            "<th>règles appliquées</th></tr></thead><tbody>{}</tbody></table>",
            c.formula,
            f"{c.on:%d/%m/%Y}",
            format_euros(c.total_cents),
            rows,
        )

    @admin.display(description="justificatifs")
    def documents_panel(self, obj: Adhesion) -> str:
        """The pieces required per person, received or missing: the list the visitor sees."""
        view = services.documents_view(obj, timezone.localdate())
        if not view.pieces:
            return "aucune pièce demandée"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td><strong>{}</strong></td><td><small>{}</small></td></tr>",
            ((p.who, p.label, "reçue" if ok else "manquante", p.source) for p, ok in view.pieces),
        )
        return format_html(
            "<table><thead><tr><th>pour</th><th>pièce</th><th>état</th><th>source</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            rows,
        )

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return () if obj is None else self.inlines

    def save_model(self, request: HttpRequest, obj: Adhesion, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            changed = [f for f in form.changed_data if f != "paid_until"]
            labels = [str(form.fields[f].label) for f in changed]
            values = {f: form.cleaned_data.get(f) for f in form.changed_data}
            if "paid_until" in form.changed_data:
                try:
                    labels.append(
                        services.set_paid_until(
                            obj, form.cleaned_data["paid_until"], actor=request.user
                        )
                    )
                except Refused as exc:
                    messages.error(request, f"Refusé : {exc.message}")
                    values.pop("paid_until")
            if labels:
                services.log(
                    obj,
                    EventKind.CHANGE,
                    "Modifié : " + ", ".join(labels),
                    request.user,
                    **{
                        k: v if isinstance(v, dt.date | bool | int | str) or v is None else str(v)
                        for k, v in values.items()
                    },
                )
            return
        offer = services.offer_for()
        eff = form.effective
        obj.offer = offer.id
        obj.start = eff.date
        obj.number = services.next_number("GR", eff.date.year)
        super().save_model(request, obj, form, change)
        FormulaPeriod.objects.create(
            adhesion=obj, formula=form.cleaned_data["formula"], start=obj.start
        )
        _monthly, note = services.monthly_contribution(obj, form.cleaned_data["formula"], obj.start)
        paid = ""
        if form.cleaned_data.get("paid_until"):
            paid = " ; " + services.set_paid_until(
                obj, form.cleaned_data["paid_until"], actor=request.user
            )
        services.log(
            obj,
            EventKind.ADHESION,
            f"Adhésion enregistrée, effet le {obj.start:%d/%m/%Y} ; cotisation : {note}{paid}",
            request.user,
            (*form.eligibility.steps, *eff.steps),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for inst in instances:
            inst.save()
            if isinstance(inst, Document):
                services.log(
                    inst.adhesion,
                    EventKind.DOCUMENT,
                    f"Justificatif reçu le {inst.received_on:%d/%m/%Y} : {inst.get_kind_display()}",
                    request.user,
                )
        formset.save_m2m()

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._viewer = request.user  # the IBAN is shown masked or not according to who looks
        return obj

    @admin.display(description="IBAN (vérifié)")
    def iban_display(self, obj: Adhesion) -> str:
        return iban_for(getattr(obj, "_viewer", None), obj.iban) or "—"

    @admin.display(description="membre participant", ordering="member__last_name")
    def member_name(self, obj: Adhesion) -> str:
        return f"{obj.member.last_name.upper()} {obj.member.first_name}"

    @admin.display(description="formule")
    def formula_now(self, obj: Adhesion) -> str:
        p = obj.current_formula()
        return p.formula if p else "—"

    @admin.display(description="cotisation mensuelle")
    def monthly(self, obj: Adhesion) -> str:
        return format_euros(obj.monthly_cents) if obj.monthly_cents is not None else "non calculée"

    @admin.display(description="remboursement")
    def refund_display(self, obj: Adhesion) -> str:
        return format_euros(obj.refund_cents) if obj.refund_cents is not None else "—"

    @admin.display(description="remboursement au plus tard le")
    def refund_by_display(self, obj: Adhesion) -> str:
        return f"{obj.refund_by:%d/%m/%Y}" if obj.refund_by else "—"

    @admin.display(description="à jour de ses cotisations")
    def up_to_date_display(self, obj: Adhesion) -> str:
        return "oui" if obj.up_to_date else "non"

    @admin.display(description="écritures")
    def journal_lines(self, obj: Adhesion) -> str:
        return journal_panel(obj, timezone.localdate())

    @admin.display(description="dates calculées")
    def computed_dates(self, obj: Adhesion) -> str:
        today = timezone.localdate()
        lines = services.computed_dates(obj, today)
        rows = format_html_join(
            "",
            "<tr><th style='width:30%'>{}</th>"
            "<td><strong>{}</strong><br><small>{}</small></td></tr>",
            (
                (
                    line.label,
                    line.value,
                    " · ".join(f"{s.rule} [{s.source}]" for s in line.steps),
                )
                for line in lines
            ),
        )
        return format_html(
            "<p>Calculées le {} par les règles du règlement.</p><table>{}</table>",
            f"{today:%d/%m/%Y}",
            rows,
        )

    # --- the acts ---------------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/ayant-droit/",
                wrap(self.dependant_view),
                name="members_adhesion_dependant",
            ),
            path("<int:pk>/formule/", wrap(self.formula_view), name="members_adhesion_formula"),
            path(
                "<int:pk>/resiliation/",
                wrap(self.termination_view),
                name="members_adhesion_termination",
            ),
            path("<int:pk>/deces/", wrap(self.death_view), name="members_adhesion_death"),
            path("guichet/", wrap(self.counter_view), name="members_adhesion_counter"),
            path("<int:pk>/valider/", wrap(self.validate_view), name="members_adhesion_validate"),
            path("<int:pk>/pieces/", wrap(self.pieces_view), name="members_adhesion_pieces"),
            path("<int:pk>/refuser/", wrap(self.refuse_view), name="members_adhesion_refuse"),
            path(
                "<int:pk>/justificatif/<int:doc>/",
                wrap(self.document_view),
                name="members_adhesion_document",
            ),
            *super().get_urls(),
        ]

    def _act(
        self,
        request: HttpRequest,
        pk: int,
        form_class: type[forms.Form],
        title: str,
        run: Any,
        extra: dict[str, Any] | None = None,
        **form_kw: Any,
    ) -> HttpResponse:
        adhesion = get_object_or_404(Adhesion.objects.select_related("member"), pk=pk)
        if not self.has_change_permission(request, adhesion):
            return HttpResponse(status=403)
        form = form_class(request.POST or None, **form_kw)
        if request.method == "POST" and form.is_valid():
            try:
                outcome = run(adhesion, form.cleaned_data, request.user)
            except Refused as exc:
                logger.info("acte refusé sur %s : %s", adhesion.number, exc.message)
                form.add_error(
                    None, f"Refusé : {exc.message}" + (f" — {exc.source}" if exc.source else "")
                )
            except IntegrityError as exc:
                # The database refused a row the rules let through: say it, log it, no 500.
                logger.warning("acte refusé par la base sur %s : %s", adhesion.number, exc)
                form.add_error(
                    None,
                    "Refusé : ces dates contredisent ce qui est déjà enregistré (une période "
                    "qui finirait avant de commencer, ou qui en chevaucherait une autre). "
                    "Vérifiez les dates saisies.",
                )
            else:
                messages.success(request, outcome.message)
                return HttpResponseRedirect(
                    reverse("admin:members_adhesion_change", args=[adhesion.pk])
                )
        log_read(request, adhesion, what=title)  # the act's page shows the file (issue 12)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title} — {adhesion}",
            "adhesion": adhesion,
            "form": form,
            "opts": self.model._meta,
            "back": reverse("admin:members_adhesion_change", args=[adhesion.pk]),
            **(extra or {}),
        }
        return TemplateResponse(request, "admin/members/adhesion/act.html", context)

    def document_view(self, request: HttpRequest, pk: int, doc: int) -> HttpResponse:
        """A justificatif sent online: staff only (never served as a public file)."""
        from django.http import FileResponse

        document = get_object_or_404(
            Document.objects.select_related("adhesion"), pk=doc, adhesion_id=pk
        )
        # Object rule (mutuelle.web.security.predicates): a role that reads justificatifs.
        if not request.user.has_perm("members.download_document", document) or not document.file:
            return HttpResponse(status=403)
        log_read(request, document, action=AccessAction.DOWNLOAD)
        response = FileResponse(
            document.file.open("rb"),
            filename=document.file.name.rsplit("/")[-1],
            as_attachment=True,  # never rendered by the browser (a crafted file stays inert)
        )
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        return response

    def dependant_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def run(a: Adhesion, d: dict[str, Any], user: Any) -> services.Outcome:
            event = d["event"] or None
            event_date = d["event_date"] or (d["birth_date"] if event == "birth" else None)
            person = Person(
                first_name=d["first_name"], last_name=d["last_name"], birth_date=d["birth_date"]
            )
            return services.add_dependant(
                a,
                person=person,
                role=d["role"],
                received_on=d["received_on"],
                event=event,
                event_date=event_date,
                proof=d["proof"],
                disabled=d["disabled"],
                actor=user,
            )

        return self._act(request, pk, DependantForm, "Ajouter un ayant droit", run)

    def formula_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        a = get_object_or_404(Adhesion, pk=pk)
        formulas = services.offer_for(a).ranges[a.range].formulas  # type: ignore[index]

        def run(a: Adhesion, d: dict[str, Any], user: Any) -> services.Outcome:
            return services.change_formula(
                a, new=d["new"], requested_on=d["requested_on"], actor=user
            )

        return self._act(request, pk, FormulaForm, "Changer de formule", run, formulas=formulas)

    def termination_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def run(a: Adhesion, d: dict[str, Any], user: Any) -> services.Outcome:
            return services.terminate(
                a,
                kind=d["kind"],
                received_on=d["received_on"],
                event_date=d["event_date"],
                notice_sent_on=d["notice_sent_on"],
                actor=user,
            )

        return self._act(request, pk, TerminationForm, "Enregistrer une résiliation", run)

    def death_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def run(a: Adhesion, d: dict[str, Any], user: Any) -> services.Outcome:
            return services.terminate(
                a,
                kind="death",
                received_on=d["received_on"],
                event_date=d["death_date"],
                actor=user,
            )

        return self._act(request, pk, DeathForm, "Enregistrer un décès", run)

    # --- enrolment at the counter, in one screen -------------------------------------------

    def counter_view(self, request: HttpRequest) -> HttpResponse:
        """The family at the counter: the public request's form and checks, known persons
        offered instead of duplicates, then the validation when every piece is presented."""
        from mutuelle.web.members import counter
        from mutuelle.web.public import services as public
        from mutuelle.web.public.household_forms import rows_action

        if not self.has_add_permission(request):
            return HttpResponse(status=403)
        offer = services.offer_for()
        formulas = public.formulas_by_range(offer)
        form = counter.CounterForm(formulas=formulas, offer=offer)
        if request.method == "POST":
            changed = rows_action(request.POST)
            if changed is not None:
                initial = {
                    k: changed.getlist(k) if k == "links" else changed.get(k) for k in changed
                }
                form = counter.CounterForm(initial=initial, formulas=formulas, offer=offer)
            else:
                form = counter.CounterForm(request.POST, formulas=formulas, offer=offer)
                if form.is_valid():
                    known = counter.known_persons(form.members())
                    if known:  # persons on record are shown to staff: logged (issue 12)
                        log_many(request, [p for ps in known.values() for p in ps],
                                 action=AccessAction.SEARCH,
                                 what="personne déjà connue, proposée au guichet")  # fmt: skip
                        form = counter.CounterForm(
                            request.POST, formulas=formulas, offer=offer, known=known
                        )
                if form.is_valid():
                    d, members = form.cleaned_data, form.members()
                    try:
                        checked = public.check_request(offer, d, members)
                        enrolled = counter.enrol(
                            offer, d, members, checked, form.chosen(), actor=request.user
                        )
                    except public.RequestRefused as exc:
                        for name, msgs in exc.errors.items():
                            for msg in msgs:
                                form.add_error(name if name in form.fields else None, msg)
                    except Refused as exc:
                        logger.info("adhésion au guichet refusée : %s", exc.message)
                        form.add_error(
                            None,
                            f"Refusé : {exc.message}" + (f" — {exc.source}" if exc.source else ""),
                        )
                    else:
                        messages.success(request, enrolled.message)
                        return HttpResponseRedirect(
                            reverse("admin:members_adhesion_change", args=[enrolled.adhesion.pk])
                        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Adhésion au guichet",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/members/adhesion/counter.html", context)

    # --- an online request: validate, ask for the missing pieces, refuse ---------------------

    def _request_extra(self, a: Adhesion) -> dict[str, Any]:
        view = services.documents_view(a, timezone.localdate())
        return {"pieces": view.pieces, "missing": view.missing, "is_request": True}

    def _request_act(self, a: Adhesion, submit: str) -> dict[str, Any]:
        # The button says the act (a busy agent reads « Valider la demande », not « Enregistrer »).
        return {**self._request_extra(a), "submit": submit}

    def validate_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        a = get_object_or_404(Adhesion.objects.select_related("member"), pk=pk)

        def run(a: Adhesion, d: dict[str, Any], user: Any) -> services.Outcome:
            facts = services.ValidationFacts(
                links=tuple(d["links"]),
                amo_affiliated=d["amo_affiliated"],
                mandatory_collective_cover=d["mandatory_collective_cover"],
                debt_to_mutual=d["debt_to_mutual"],
                higher_education=d["higher_education"],
                bulletin_signed_on=d["bulletin_signed_on"],
                bulletin_received_on=d["bulletin_received_on"],
                consents=d["consents"],
                mandate_signed_on=d.get("mandate_signed_on"),
            )
            return services.validate_request(a, facts=facts, actor=user)

        return self._act(
            request,
            pk,
            ValidationForm,
            "Valider la demande",
            run,
            extra=self._request_act(a, "Valider la demande"),
            direct_debit=a.payment_mode == "direct_debit",
        )

    def pieces_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        a = get_object_or_404(Adhesion.objects.select_related("member"), pk=pk)

        def run(a: Adhesion, d: dict[str, Any], user: Any) -> services.Outcome:
            return services.ask_for_pieces(a, note=d["note"], actor=user)

        return self._act(
            request,
            pk,
            PiecesForm,
            "Demander les pièces manquantes",
            run,
            extra=self._request_act(a, "Envoyer la demande de pièces"),
        )

    def refuse_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        a = get_object_or_404(Adhesion.objects.select_related("member"), pk=pk)

        def run(a: Adhesion, d: dict[str, Any], user: Any) -> services.Outcome:
            return services.refuse_request(a, reason=d["reason"], actor=user)

        return self._act(
            request,
            pk,
            RefusalForm,
            "Refuser la demande",
            run,
            extra=self._request_act(a, "Refuser la demande"),
        )


@admin.register(Person)
class PersonAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("last_name", "first_name", "birth_date", "city")
    actions = (export_person_action,)
    search_fields = ("last_name", "first_name", "email")
    ordering = ("last_name", "first_name")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "adhesion", "actor", "kind", "summary")
    list_filter = ("kind",)
    search_fields = ("adhesion__number", "summary")
    list_select_related = ("adhesion__member", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
