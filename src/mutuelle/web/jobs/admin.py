"""Back office: the batch runs, their progress (the page refreshes itself while a run is
queued or running) and a form to start one through the service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from mutuelle.web.jobs import framework, services
from mutuelle.web.jobs.models import BatchRun, BatchRunError, RunStatus


class ErrorInline(admin.TabularInline):
    model = BatchRunError
    extra = 0
    fields = ["item", "reason", "at"]
    readonly_fields = fields
    can_delete = False
    max_num = 0

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).order_by("id")


def _kinds() -> list[tuple[str, str]]:
    return sorted((k.name, k.label) for k in framework.REGISTRY.values())


class StartForm(forms.Form):
    kind = forms.ChoiceField(label="Traitement", choices=_kinds)
    parameters = forms.CharField(
        label="Paramètres",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="un par ligne, nom=valeur (par exemple delay_ms=50)",
    )
    key = forms.CharField(
        label="Clé d'idempotence",
        required=False,
        help_text="facultative : la même clé ne relance jamais un traitement déjà fait",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        params: dict[str, str] = {}
        for line in (data.get("parameters") or "").splitlines():
            if not line.strip():
                continue
            name, sep, value = line.partition("=")
            if not sep:
                raise forms.ValidationError(f"« {line} » : écrire nom=valeur")
            params[name.strip()] = value.strip()
        data["params"] = params
        return data


@admin.register(BatchRun)
class BatchRunAdmin(admin.ModelAdmin):
    list_display = ["id", "kind_label", "status", "progress", "error_count", "started_by",
                    "created_at", "finished_at"]  # fmt: skip
    list_filter = ["status", "kind"]
    list_select_related = ["started_by"]
    fields = ["kind", "status", "progress", "total", "done", "error_count", "parameters",
              "result", "failure", "idempotency_key", "started_by", "worker", "attempts",
              "created_at", "started_at", "heartbeat_at", "finished_at"]  # fmt: skip
    readonly_fields = fields
    inlines = [ErrorInline]
    change_form_template = "admin/jobs/batchrun/change_form.html"
    change_list_template = "admin/jobs/batchrun/change_list.html"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="traitement", ordering="kind")
    def kind_label(self, obj: BatchRun) -> str:
        known = framework.REGISTRY.get(obj.kind)
        return known.label if known else obj.kind

    @admin.display(description="avancement")
    def progress(self, obj: BatchRun) -> str:
        total = obj.total if obj.total is not None else "?"
        return format_html(
            '<progress max="100" value="{}" aria-label="avancement">{} %</progress> {} / {}',
            obj.percent,
            obj.percent,
            obj.done,
            total,
        )

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        run = BatchRun.objects.filter(pk=object_id).first()
        live = run is not None and run.status in {RunStatus.QUEUED, RunStatus.RUNNING}
        extra = {**(extra_context or {}), "refresh_seconds": 3 if live else None}
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self) -> list[Any]:
        extra = [
            path(
                "lancer/",
                self.admin_site.admin_view(self.start_view),
                name="jobs_batchrun_start",
            )
        ]
        return extra + super().get_urls()

    def start_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("jobs.view_batchrun"):
            return HttpResponseRedirect(reverse("admin:index"))
        if request.method == "POST" and not request.user.has_perm("jobs.add_batchrun"):
            # Starting a run is an act (calls, collections): not for the readers (issue 12).
            raise PermissionDenied
        form = StartForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                run, created = services.start_run(
                    data["kind"],
                    data["params"],
                    actor=request.user,
                    idempotency_key=data.get("key") or None,
                )
            except framework.NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            except framework.ParameterError as exc:
                form.add_error(None, str(exc))
            else:
                if created:
                    where = (
                        "le worker l'exécute"
                        if services.worker_available()
                        else "le serveur l'exécute en arrière-plan"
                    )
                    messages.success(request, f"Traitement n° {run.pk} demandé : {where}.")
                else:
                    messages.warning(
                        request, f"Ce traitement existe déjà (n° {run.pk}) : rien n'est relancé."
                    )
                return HttpResponseRedirect(reverse("admin:jobs_batchrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Lancer un traitement par lots",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/jobs/batchrun/start.html", context)
